"""The HTTP layer: one thread per connection, keep-alive, the admin token, latency, faults and statistics.

Logs name method, the path with only ids kept, the query's option names (never values) and status; never
bodies or headers: a path segment or a query value can be a credential.
"""

import hmac
import socket
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from graph_test_server.faults import Faults
from graph_test_server.replies import Reply, plain_json
from graph_test_server.stats import Stats

from . import control, errors
from .admin_api import AdminApi, KONG_VERSION
from .store import is_uuid

MAX_BODY = 16 * 1024 * 1024
TOKEN_HEADER = "Kong-Admin-Token"
_FAULT_BODIES = {
    429: {"message": "API rate limit exceeded"},
    500: {"message": "An unexpected error occurred"},
    502: {"message": "An invalid response was received from the upstream server"},
    503: {"message": "Service unavailable"},
}


class ServerContext:
    def __init__(self, store, node_id, admin_token, latency_ms):
        self.store = store
        self.api = AdminApi(store, node_id)
        self.admin_token = admin_token  # None: open, as Kong OSS is by default
        self.latency_ms = latency_ms
        self.faults = Faults()
        self.stats = Stats()

    def counts(self):
        return {name: self.store.count(name) for name in ("services", "routes", "consumers", "plugins")}


class KongHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # decK opens 15 connections at once

    def __init__(self, address, ctx, log_requests=True):
        self.ctx, self.log_requests = ctx, log_requests
        super().__init__(address, KongRequestHandler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            sys.stderr.write(f"kong-test-server: connection error {type(exc).__name__}\n")


def _route_name(method, path, keep_ids=False):
    """`PUT /plugins/{key}`: entity keys left out, since a key-auth key or an oauth2 client id can name one."""
    parts = [p for p in path.strip("/").split("/") if p]
    shape = [p if i % 2 == 0 or (keep_ids and is_uuid(p)) else "{key}" for i, p in enumerate(parts)]
    return f"{method} /" + "/".join(shape)


class KongRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"kong/{KONG_VERSION}"
    sys_version = ""
    timeout = 120
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
        pass  # _log never prints query values

    def _dispatch(self):
        started = time.monotonic()
        ctx = self.server.ctx
        method = self.command
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(plain_json(400, {"message": "Cannot read the request body"}))
            self._log(method, split, 400, started)
            return
        if path == "/_control" or path.startswith("/_control/"):
            reply = control.handle(ctx, method, path, body)
            self._send(reply)
            self._log(method, split, reply.status, started)
            return

        route = _route_name(method, path)
        if ctx.latency_ms:
            time.sleep(ctx.latency_ms / 1000.0)
        fault = ctx.faults.take(method, path)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            fault = None
        if fault and fault.kind == "reset":
            ctx.stats.record(route, 0)
            # Linger 0 turns the close into an RST, as a dropped connection looks to a client.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self._log(method, split, 0, started)
            return
        if fault and fault.kind == "status":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            payload = {"message": fault.message} if fault.message else _FAULT_BODIES.get(
                fault.status, {"message": "An unexpected error occurred"})
            reply = plain_json(fault.status, payload, headers)
        elif fault and fault.kind == "non_json":
            reply = Reply(fault.status, b"<html><head><title>502 Bad Gateway</title></head><body>"
                                        b"<center><h1>502 Bad Gateway</h1></center></body></html>",
                          "text/html; charset=utf-8")
        else:
            reply = self._answer(method, path, split.query, body)
        ctx.stats.record(route, reply.status)
        self._send(reply, truncate=bool(fault and fault.kind == "truncate"))
        self._log(method, split, reply.status, started)

    def _answer(self, method, path, raw_query, body) -> Reply:
        ctx = self.server.ctx
        try:
            if ctx.admin_token is not None:
                given = self.headers.get(TOKEN_HEADER) or ""
                if not hmac.compare_digest(given.encode(), ctx.admin_token.encode()):
                    raise errors.unauthorized()
            status, payload = ctx.api.handle(method, path, raw_query, body)
            if payload is None:
                return Reply(status)
            return plain_json(status, payload)
        except errors.KongError as err:
            return plain_json(err.status, err.body, err.headers)
        except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
            sys.stderr.write(f"kong-test-server: internal error {type(exc).__name__}: {exc} on {method}\n")
            return plain_json(500, {"message": "An unexpected error occurred"})

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                try:
                    size = int(self.rfile.readline(1024).split(b";")[0].strip(), 16)
                except ValueError:
                    return None
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n) if n else b""

    def _send(self, reply: Reply, truncate=False):
        try:
            self.send_response(reply.status)
            self.send_header("X-Kong-Admin-Latency", "0")
            self.send_header("Access-Control-Allow-Origin", "*")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.status != 204:
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

    def _log(self, method, split, status, started):
        if not self.server.log_requests:
            return
        names = [urllib.parse.unquote(p.split("=", 1)[0]) for p in split.query.split("&") if p]
        shown = _route_name(method, urllib.parse.unquote(split.path), keep_ids=True).split(" ", 1)[1]
        shown += "?" + "&".join(names) if names else ""
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {method} {shown} {status} "
                         f"{(time.monotonic() - started) * 1000:.0f}ms\n")


