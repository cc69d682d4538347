"""The HTTP layer: the loopback servers' shared one (threads, keep-alive, body reading, a log without
values or bodies), with Tyk's routing, Tyk's error shape for injected faults, and no per-response headers.

The log shows route templates, never paths, headers or bodies, so the admin secret, keys and OAuth client
secrets stay out of it.
"""

import sys
import time
import urllib.parse

from loopback_server.http_server import LoopbackHTTPServer, LoopbackRequestHandler, with_query_names
from loopback_server.replies import Reply

from . import control, tyk_api
from .errors import MALFORMED, status_message

# Not Tyk answers (its admin API neither throttles nor fails this way); the shape is its error shape.
_FAULT_MESSAGES = {429: "Too many requests", 500: "Internal server error", 502: "Bad gateway",
                   503: "Service unavailable", 504: "Gateway timeout"}
_HTML = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"


class TykHTTPServer(LoopbackHTTPServer):
    name = "tyk-test-server"

    def __init__(self, address, log_requests=True):
        self.log_requests = log_requests
        self.ctx = None
        super().__init__(address, TykRequestHandler)


class TykRequestHandler(LoopbackRequestHandler):
    server_version = "tyk-test-server"
    do_HEAD = do_OPTIONS = LoopbackRequestHandler.do_GET

    def _refuse_body(self, problem):
        self._send(status_message(400, "error", MALFORMED), kind="tyk")
        return 400

    def _control(self, path, body):
        reply = control.handle(self.server.ctx, self.command, path, body)
        self._send(reply, kind="tyk")
        return reply.status

    def _serve(self, path, raw_query, body):
        ctx = self.server.ctx
        method = self.command
        route = tyk_api.route_name(method, path)
        fault = self._wait_and_take_fault(ctx.latency_ms, ctx.faults, method, path)
        if fault and fault.kind == "reset":
            ctx.stats.record(route, 0)
            self._reset_connection()
            return 0
        if fault and fault.kind == "status":
            reply = status_message(fault.status, "error",
                                   fault.message or _FAULT_MESSAGES.get(fault.status, "Request failed"))
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
        elif fault and fault.kind == "non_json":
            reply = Reply(fault.status, _HTML, "text/html; charset=utf-8")
        else:
            try:
                reply = tyk_api.handle(ctx, method, path, urllib.parse.parse_qs(raw_query), self.headers, body)
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
        return reply.status

    def _log(self, split, status, started):
        method, raw_path = self.command, split.path
        # The route template, not the path: with hash_keys off a key's own text is in its path.
        template = tyk_api.route_name(method, urllib.parse.unquote(raw_path))
        shown = template.split(" ", 1)[1] if not template.endswith("(unknown)") else "(unknown)"
        if raw_path.startswith("/_control"):
            shown = raw_path
        self._write_log(method, with_query_names(shown, split.query), status, started,
                        stamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()))

    def _send(self, reply, kind, truncate=False):
        self._write_reply(reply, truncate=truncate)
