"""The HTTP layer: one thread per connection, keep-alive, simulated latency, injected faults, statistics.

Logs name method, path, query option names (never their values) and status; never bodies or headers,
so the admin secret and OAuth client secrets stay out of the log.
"""

import socket
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import control, tyk_api
from graph_test_server.replies import Reply

from .errors import status_message

MAX_BODY = 16 * 1024 * 1024
# Not Tyk answers (its admin API neither throttles nor fails this way); the shape is its error shape.
_FAULT_MESSAGES = {429: "Too many requests", 500: "Internal server error", 502: "Bad gateway",
                   503: "Service unavailable", 504: "Gateway timeout"}


class TykHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address, log_requests=True):
        self.log_requests = log_requests
        self.ctx = None
        super().__init__(address, TykRequestHandler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            sys.stderr.write(f"tyk-test-server: connection error {type(exc).__name__}\n")


class TykRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tyk-test-server"
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
        pass  # replaced by _log, which never prints query values

    def _dispatch(self):
        started = time.monotonic()
        ctx = self.server.ctx
        method = self.command
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(status_message(400, "error", "Request malformed"))
            self._log(method, split, 400, started)
            return
        if path == "/_control" or path.startswith("/_control/"):
            reply = control.handle(ctx, method, path, body)
            self._send(reply)
            self._log(method, split, reply.status, started)
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
            self._log(method, split, 0, started)
            return
        if fault and fault.kind == "status":
            reply = status_message(fault.status, "error",
                                   fault.message or _FAULT_MESSAGES.get(fault.status, "Request failed"))
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
        elif fault and fault.kind == "non_json":
            html = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
            reply = Reply(fault.status, html, "text/html; charset=utf-8")
        else:
            try:
                reply = tyk_api.handle(ctx, method, path, urllib.parse.parse_qs(split.query), self.headers, body)
            except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
                sys.stderr.write(f"tyk-test-server: internal error {type(exc).__name__} on {route}\n")
                reply = status_message(500, "error", "Internal server error")
        ctx.stats.record(route, reply.status)
        self._send(reply, truncate=bool(fault and fault.kind == "truncate"))
        self._log(method, split, reply.status, started)

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n)

    def _send(self, reply, truncate=False):
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

    def _log(self, method, split, status, started):
        if not self.server.log_requests:
            return
        names = [urllib.parse.unquote(p.split("=", 1)[0]) for p in split.query.split("&") if p]
        shown = split.path + ("?" + "&".join(names) if names else "")
        elapsed = (time.monotonic() - started) * 1000
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {method} {shown} {status} {elapsed:.0f}ms\n")
