"""The HTTP layer: the Graph server's (threads, keep-alive, body reading, a log without values or
bodies), with Tyk's routing, Tyk's error shape for injected faults, and no Graph headers.

The log shows route templates, never paths, headers or bodies, so the admin secret, keys and OAuth client
secrets stay out of it.
"""

import socket
import struct
import sys
import time
import urllib.parse
from http.server import ThreadingHTTPServer

from graph_test_server import http_server as graph_http
from graph_test_server.replies import Reply

from . import control, tyk_api
from .errors import MALFORMED, status_message

# Not Tyk answers (its admin API neither throttles nor fails this way); the shape is its error shape.
_FAULT_MESSAGES = {429: "Too many requests", 500: "Internal server error", 502: "Bad gateway",
                   503: "Service unavailable", 504: "Gateway timeout"}
_HTML = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"


class TykHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    handle_error = graph_http.GraphHTTPServer.handle_error

    def __init__(self, address, log_requests=True):
        self.log_requests = log_requests
        self.ctx = None
        super().__init__(address, TykRequestHandler)


class TykRequestHandler(graph_http.GraphRequestHandler):
    server_version = "tyk-test-server"

    def _dispatch(self):
        started = time.monotonic()
        ctx = self.server.ctx
        method = self.command
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        try:
            body = self._read_body()
        except graph_http._BadBody:
            self.close_connection = True
            self._send(status_message(400, "error", MALFORMED), kind="tyk")
            self._log(method, split.path, split.query, 400, started)
            return
        if path == "/_control" or path.startswith("/_control/"):
            reply = control.handle(ctx, method, path, body)
            self._send(reply, kind="tyk")
            self._log(method, split.path, split.query, reply.status, started)
            return

        route = tyk_api.route_name(method, path)
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
            self._log(method, split.path, split.query, 0, started)
            return
        if fault and fault.kind == "status":
            reply = status_message(fault.status, "error",
                                   fault.message or _FAULT_MESSAGES.get(fault.status, "Request failed"))
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
        elif fault and fault.kind == "non_json":
            reply = Reply(fault.status, _HTML, "text/html; charset=utf-8")
        else:
            try:
                reply = tyk_api.handle(ctx, method, path, urllib.parse.parse_qs(split.query), self.headers, body)
            except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
                sys.stderr.write(f"tyk-test-server: internal error {type(exc).__name__} on {route}\n")
                reply = status_message(500, "error", "Internal server error")
        if ctx.peer_check is not None and not (fault and fault.kind in ("non_json", "truncate")):
            url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
            problem = ctx.peer_check.problem(url, method, self.headers, body, reply, injected=bool(fault))
            if problem is not None:
                reply = status_message(500, "error", f"peer check: Tyk's OpenAPI document does not allow this answer: {problem}")
        ctx.stats.record(route, reply.status)
        self._send(reply, kind="tyk", truncate=bool(fault and fault.kind == "truncate"))
        self._log(method, split.path, split.query, reply.status, started)

    def _log(self, method, raw_path, raw_query, status, started):
        # The route template, not the path: with hash_keys off a key's own text is in its path.
        template = tyk_api.route_name(method, urllib.parse.unquote(raw_path))
        shown = template.split(" ", 1)[1] if not template.endswith("(unknown)") else "(unknown)"
        if raw_path.startswith("/_control"):
            shown = raw_path
        super()._log(method, shown, raw_query, status, started)

    def _send(self, reply, kind, truncate=False):
        # The Graph handler's _send adds Graph's request-id headers; Tyk sends none of them.
        try:
            self.send_response(reply.status)
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
