"""The HTTP layer every loopback server stands on: one thread per connection, keep-alive, latency, the
faults that happen before an answer exists (delays, resets), writing a reply, and a log line that shows
what the server chooses to show (never query values or bodies: either can carry a secret)."""

import socket
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .replies import Reply
from .request_body import BadBody, read_body


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Parallel clients (decK opens 15 connections at once) overflow the default backlog of 5.
    request_queue_size = 1024
    # The program name on stderr lines, set by each server.
    name = "loopback-test-server"

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer is routine here; no traceback on stderr.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            sys.stderr.write(f"{self.name}: connection error {type(exc).__name__}\n")


class LoopbackRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sys_version = ""
    # Idle keep-alive connections give their thread back after this long.
    timeout = 120
    # Headers and body leave in one write; with unbuffered writes plus Nagle and delayed ACKs a
    # keep-alive client waited ~40 ms for every answer.
    wbufsize = 256 * 1024
    # Whether a chunked request body is read or refused.
    chunked_bodies = True

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._dispatch()

    # HEAD and OPTIONS are each server's choice: BaseHTTPRequestHandler answers 501 to methods not here.
    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        pass  # each server's _log, which never prints query values

    def _dispatch(self):
        started = time.monotonic()
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        try:
            body = self._read_body()
        except BadBody as problem:
            self.close_connection = True
            status = self._refuse_body(problem)
        else:
            if path == "/_control" or path.startswith("/_control/"):
                status = self._control(path, body)
            else:
                status = self._serve(path, split.query, body)
        self._log(split, status, started)

    # Each server's own part: each sends its answer and returns the status to log (0: the connection was reset).

    def _refuse_body(self, problem) -> int:
        raise NotImplementedError

    def _control(self, path, body) -> int:
        raise NotImplementedError

    def _serve(self, path, raw_query, body) -> int:
        raise NotImplementedError

    def _log(self, split, status, started):
        """One line through _write_log; `split` is the request's urlsplit, undecoded."""
        raise NotImplementedError

    def _read_body(self) -> bytes:
        """The body; raises request_body.BadBody."""
        return read_body(self.headers, self.rfile, self.chunked_bodies)

    def _wait_and_take_fault(self, latency_ms, faults, method, path):
        """Sleeps the latency, then the fault that applies to this request, if any; a delay fault is
        spent here (it only slows the answer), so what comes back is one that changes the answer."""
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        fault = faults.take(method, path)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000.0)
            fault = None
        return fault

    def _reset_connection(self):
        # Linger 0 makes the close an RST, as a dropped connection looks to a client.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _write_reply(self, reply: Reply, first_headers=(), truncate=False):
        """`first_headers`: the server's own per-response headers, before the reply's."""
        try:
            self.send_response(reply.status)
            for name, value in first_headers:
                self.send_header(name, value)
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

    def _write_log(self, method, shown, status, started, stamp=None):
        if not self.server.log_requests:
            return
        prefix = f"{stamp} " if stamp else ""
        sys.stderr.write(f"{prefix}{method} {shown} {status} {(time.monotonic() - started) * 1000:.0f}ms\n")


def with_query_names(path, raw_query):
    """`path?name&other`: the query's option names, never their values."""
    names = [urllib.parse.unquote(p.split("=", 1)[0]) for p in raw_query.split("&") if p]
    return path + ("?" + "&".join(names) if names else "")
