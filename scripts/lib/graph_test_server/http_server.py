"""The HTTP layer: one thread per connection, keep-alive, Graph's per-response headers,
simulated latency, injected faults and request statistics.

Logs name method, path, query option names (never their values: a query could
carry a secret) and status. Bodies are never logged.
"""

import json
import socket
import struct
import sys
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import control, errors, timefmt
from .errors import GraphError, TokenError
from .graph_api import GraphApi, GraphRequest, route_name
from .replies import Reply, plain_json
from .token_endpoint import TokenEndpoint, openid_configuration

MAX_BODY = 16 * 1024 * 1024
_GRAPH_FAULT_BODIES = {
    429: ("TooManyRequests", "Please retry again later.",
          {"code": "429", "message": "Please retry after", "status": "429"}),
    503: ("serviceNotAvailable", "The service is temporarily unavailable for maintenance or is overloaded. "
                                 "You may repeat the request after a delay, which can be specified in a Retry-After "
                                 "header.", {}),
    502: ("serviceNotAvailable", "The service is temporarily unavailable.", {}),
    504: ("serviceNotAvailable", "The service is temporarily unavailable.", {}),
}


class _BadBody(Exception):
    pass


class GraphHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Parallel clients open many connections at once; the default backlog of 5 drops them.
    request_queue_size = 1024

    def __init__(self, address, log_requests=True):
        self.log_requests = log_requests
        self.ctx = self.graph = self.token_endpoint = None
        super().__init__(address, GraphRequestHandler)

    def attach(self, ctx):
        """Binds the tenant once the port, and so the authority URL, is known."""
        self.ctx = ctx
        self.graph = GraphApi(ctx)
        self.token_endpoint = TokenEndpoint(ctx)

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer is routine here; no traceback on stderr.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            sys.stderr.write(f"graph-test-server: connection error {type(exc).__name__}\n")


class GraphRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "graph-test-server"
    sys_version = ""
    # Idle keep-alive connections give their thread back after this long.
    timeout = 120
    # Headers and body leave in one write; with unbuffered writes plus Nagle and delayed ACKs a
    # keep-alive client waited ~40 ms for every answer.
    wbufsize = 256 * 1024

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._dispatch()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = do_GET

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        pass  # replaced by _log, which never prints query values

    # ---- dispatch ----------------------------------------------------------------------------

    def _dispatch(self):
        started = time.monotonic()
        ctx = self.server.ctx
        method = self.command
        split = urllib.parse.urlsplit(self.path)
        raw_path, raw_query = split.path, split.query
        path = urllib.parse.unquote(raw_path)
        self.request_id = str(uuid.uuid4())
        self.client_request_id = self.headers.get("client-request-id")
        try:
            body = self._read_body()
        except _BadBody as problem:
            self.close_connection = True
            self._send(plain_json(400, {"error": str(problem)}), kind="other")
            self._log(method, raw_path, raw_query, 400, started)
            return

        if path == "/_control" or path.startswith("/_control/"):
            reply = control.handle(ctx, method, path, body)
            self._send(reply, kind="control")
            self._log(method, raw_path, raw_query, reply.status, started)
            return

        kind, route, tenant = _classify(method, path)
        if ctx.latency_ms:
            time.sleep(ctx.latency_ms / 1000.0)
        fault = ctx.faults.take(method, path)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            fault = None
        if fault and fault.kind == "reset":
            ctx.stats.record(route, 0)
            # Linger 0 makes the close an RST, as a dropped connection looks to a client.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self._log(method, raw_path, raw_query, 0, started)
            return
        if fault and fault.kind == "status":
            reply = self._fault_reply(fault, kind)
        elif fault and fault.kind == "non_json":
            html = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
            reply = Reply(fault.status, html, "text/html; charset=utf-8")
        else:
            reply = self._answer(kind, method, path, raw_query, tenant, body)
        ctx.stats.record(route, reply.status)
        self._send(reply, kind=kind, truncate=bool(fault and fault.kind == "truncate"))
        self._log(method, raw_path, raw_query, reply.status, started)

    def _answer(self, kind, method, path, raw_query, tenant, body) -> Reply:
        server = self.server
        try:
            if kind == "graph":
                request = GraphRequest(method, path[len("/v1.0"):], raw_query, self.headers, body)
                return server.graph.handle(request)
            if kind == "token":
                return plain_json(200, server.token_endpoint.handle(tenant, method, self.headers, body,
                                                                   self._correlation_id()))
            if kind == "openid":
                if not server.token_endpoint.known_tenant(tenant):
                    raise TokenError(400, "invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
                return plain_json(200, openid_configuration(server.ctx.authority, server.ctx.directory.tenant_id))
            raise GraphError(404, "NotFound", f"No resource at '{path}'.")
        except GraphError as err:
            return Reply(err.status, errors.graph_error_body(err, self.request_id, self._client_request_id()),
                         "application/json", dict(err.headers))
        except TokenError as err:
            return Reply(err.status, errors.token_error_body(err, server.ctx.authority, self._correlation_id()),
                         "application/json; charset=utf-8")
        except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
            sys.stderr.write(f"graph-test-server: internal error {type(exc).__name__} on {method} {kind}\n")
            err = GraphError(500, "generalException", "General exception while processing.")
            return Reply(500, errors.graph_error_body(err, self.request_id, self._client_request_id()),
                         "application/json")

    def _fault_reply(self, fault, kind) -> Reply:
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        if kind == "token":
            err = TokenError(fault.status, "temporarily_unavailable", 90033,
                             fault.message or "A transient error has occurred. Please try again.")
            return Reply(fault.status, errors.token_error_body(err, self.server.ctx.authority, self._correlation_id()),
                         "application/json; charset=utf-8", headers)
        code, message, inner = _GRAPH_FAULT_BODIES.get(
            fault.status, ("generalException" if fault.status >= 500 else "BadRequest",
                           "General exception while processing.", {}))
        if fault.status == 429:
            ctx = self.server.ctx
            headers["x-ms-throttle-scope"] = f"Tenant_Application/ReadWrite/{ctx.directory.tenant_id}/{ctx.admin_app_id}"
            headers["x-ms-throttle-information"] = "ResourceUnitLimitExceeded"
        err = GraphError(fault.status, fault.code or code, fault.message or message, inner_extra=inner)
        return Reply(fault.status, errors.graph_error_body(err, self.request_id, self._client_request_id()),
                     "application/json", headers)

    # ---- plumbing ----------------------------------------------------------------------------

    def _client_request_id(self):
        # Graph fills client-request-id with its own request id when the client sent none.
        return self.client_request_id or self.request_id

    def _correlation_id(self):
        return self.client_request_id or self.request_id

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise _BadBody("malformed chunked body") from None
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _BadBody("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise _BadBody("bad Content-Length") from None
        if n < 0 or n > MAX_BODY:
            raise _BadBody("body too large")
        return self.rfile.read(n)

    def _send(self, reply: Reply, kind, truncate=False):
        try:
            self.send_response(reply.status)
            self.send_header("request-id", self.request_id)
            self.send_header("client-request-id", self._client_request_id())
            if kind == "graph":
                self.send_header("x-ms-ags-diagnostic", json.dumps(
                    {"ServerInfo": {"DataCenter": "Loopback", "Slice": "E", "Ring": "0", "ScaleUnit": "000",
                                    "RoleInstance": "graph-test-server"}}))
                self.send_header("Cache-Control", "no-cache")
                if reply.content_type and reply.content_type.startswith("application/json;odata"):
                    self.send_header("OData-Version", "4.0")
            elif kind in ("token", "openid"):
                self.send_header("x-ms-request-id", self.request_id)
                self.send_header("Cache-Control", "no-store, no-cache")
                self.send_header("Pragma", "no-cache")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.status != 204 and reply.status >= 200:
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
            if truncate:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD" and reply.status != 204:
                self.wfile.write(reply.body[: len(reply.body) // 2] if truncate else reply.body)
            self.wfile.flush()
        except (ConnectionError, socket.timeout):
            self.close_connection = True

    def _log(self, method, raw_path, raw_query, status, started):
        if not self.server.log_requests:
            return
        names = [urllib.parse.unquote(p.split("=", 1)[0]) for p in raw_query.split("&") if p]
        shown = raw_path + ("?" + "&".join(names) if names else "")
        elapsed = (time.monotonic() - started) * 1000
        sys.stderr.write(f"{timefmt.format_inner_error_date(timefmt.now_ticks())} {method} {shown} {status} "
                         f"{elapsed:.0f}ms\n")


def _classify(method, path):
    """(kind, statistics route, tenant segment)."""
    if path == "/v1.0" or path.startswith("/v1.0/"):
        return "graph", route_name(method, path[len("/v1.0"):]), None
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
        return "token", f"{method} /{{tenant}}/oauth2/v2.0/token", parts[0]
    if len(parts) == 4 and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
        return "openid", f"{method} /{{tenant}}/v2.0/.well-known/openid-configuration", parts[0]
    return "other", f"{method} (unknown)", None
