"""The HTTP layer: one thread per connection, keep-alive, bearer checks, latency, injected faults.

Logs name method, path and status only: query values and bodies can carry secrets.
"""

import json
import socket
import struct
import sys
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from graph_test_server.faults import Faults

from . import control
from .api_manager import PREFIX as API_MANAGER_PREFIX
from .errors import AnypointError
from .exchange_applications import PREFIX as EXCHANGE_PREFIX

MAX_BODY = 16 * 1024 * 1024
_HTML_OUTAGE = (b"<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
                b"<h1>503 Service Temporarily Unavailable</h1></center></body></html>")


class AnypointHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address, access, api_manager, exchange, latency_ms=0, log_requests=True):
        self.access = access
        self.api_manager = api_manager
        self.exchange = exchange
        self.latency_ms = latency_ms
        self.log_requests = log_requests
        self.faults = Faults()
        self.contract = None  # a ResponseContract under --validate-responses
        super().__init__(address, AnypointRequestHandler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            sys.stderr.write(f"anypoint-test-server: connection error {type(exc).__name__}\n")


class AnypointRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "anypoint-test-server"
    sys_version = ""
    timeout = 120
    wbufsize = 256 * 1024  # headers and body in one write; see graph_test_server.http_server

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._dispatch()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        pass  # _log never prints query values

    def _dispatch(self):
        started = time.monotonic()
        server = self.server
        method = self.command
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        try:
            body = self._read_body()
        except ValueError as problem:
            self.close_connection = True
            self._send(400, {"error": "Bad Request", "message": str(problem)})
            return self._log(method, split.path, 400, started)

        if path == "/_control" or path.startswith("/_control/"):
            status, reply = control.handle(server, method, path, body)
            self._send(status, reply)
            return self._log(method, split.path, status, started)

        if server.latency_ms:
            time.sleep(server.latency_ms / 1000.0)
        fault = server.faults.take(method, path)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            fault = None
        if fault and fault.kind == "reset":
            # Linger 0 turns the close into an RST, as a dropped connection looks to a client.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return self._log(method, split.path, 0, started)
        headers = {}
        if fault and fault.kind == "status":
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            status, reply = fault.status, AnypointError(fault.status, fault.message or _fault_message(fault.status)).body()
        elif fault and fault.kind == "non_json":
            self._send(fault.status, _HTML_OUTAGE, content_type="text/html")
            return self._log(method, split.path, fault.status, started)
        else:
            status, reply, headers = self._answer(method, path, split.query, body)
        truncate = bool(fault and fault.kind == "truncate")
        if server.contract is not None and not truncate:
            self._check_contract(method, body, status, reply, headers)
        self._send(status, reply, headers=headers, truncate=truncate)
        self._log(method, split.path, status, started)

    def _answer(self, method, path, raw_query, body):
        server = self.server
        try:
            if path.startswith("/accounts/api/"):
                status, reply = server.access.handle(method, path, self.headers, body)
                return status, reply, {}
            for prefix, handler in ((API_MANAGER_PREFIX, server.api_manager),
                                    (EXCHANGE_PREFIX, server.exchange)):
                if path.startswith(prefix):
                    server.access.check_bearer(self.headers.get("Authorization"))
                    parsed = None
                    if body.strip():
                        try:
                            parsed = json.loads(body.decode("utf-8"))
                        except (ValueError, UnicodeDecodeError):
                            raise AnypointError(400, "the body is not JSON") from None
                    status, reply = handler.handle(method, path, raw_query, parsed)
                    return status, reply, {}
            raise AnypointError(404, f"Cannot {method} {path}")
        except AnypointError as err:
            return err.status, err.body(), err.headers
        except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
            sys.stderr.write(f"anypoint-test-server: internal error {type(exc).__name__} on {method} {path}\n")
            return 500, AnypointError(500, "Internal Server Error").body(), {}

    def _check_contract(self, method, body, status, reply, headers):
        data = b"" if reply is None else json.dumps(reply).encode()
        sent = dict(headers or {})
        if status != 204:
            sent["Content-Type"] = "application/json; charset=utf-8"
        self.server.contract.check(method, self.path, dict(self.headers.items()), body, status, sent, data)

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise ValueError("chunked bodies are not accepted")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise ValueError("bad Content-Length") from None
        if n < 0 or n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n)

    def _send(self, status, reply, headers=None, truncate=False, content_type="application/json; charset=utf-8"):
        data = b"" if reply is None else reply if isinstance(reply, bytes) else json.dumps(reply).encode()
        try:
            self.send_response(status)
            self.send_header("X-Request-ID", str(uuid.uuid4()))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 204:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
            if truncate:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if status != 204:
                self.wfile.write(data[: len(data) // 2] if truncate else data)
            self.wfile.flush()
        except (ConnectionError, socket.timeout):
            self.close_connection = True

    def _log(self, method, raw_path, status, started):
        if self.server.log_requests:
            sys.stderr.write(f"{method} {raw_path} {status} {(time.monotonic() - started) * 1000:.0f}ms\n")


def _fault_message(status):
    return {429: "Too many requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}.get(status, "Injected failure")
