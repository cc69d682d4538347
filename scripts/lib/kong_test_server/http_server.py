"""The HTTP layer: one thread per connection, keep-alive, the admin token, latency, faults and statistics.

Logs name method, the path with only ids kept, the query's option names (never values) and status; never
bodies or headers: a path segment or a query value can be a credential.
"""

import hmac
import sys
import time
import urllib.parse

from loopback_server.faults import Faults
from loopback_server.http_server import LoopbackHTTPServer, LoopbackRequestHandler, with_query_names
from loopback_server.replies import Reply, plain_json
from loopback_server.stats import Stats

from . import control, errors
from .admin_api import AdminApi, KONG_VERSION
from .store import is_uuid

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


class KongHTTPServer(LoopbackHTTPServer):
    name = "kong-test-server"

    def __init__(self, address, ctx, log_requests=True):
        self.ctx, self.log_requests = ctx, log_requests
        super().__init__(address, KongRequestHandler)


def _route_name(method, path, keep_ids=False):
    """`PUT /plugins/{key}`: entity keys left out, since a key-auth key or an oauth2 client id can name one."""
    parts = [p for p in path.strip("/").split("/") if p]
    shape = [p if i % 2 == 0 or (keep_ids and is_uuid(p)) else "{key}" for i, p in enumerate(parts)]
    return f"{method} /" + "/".join(shape)


class KongRequestHandler(LoopbackRequestHandler):
    server_version = f"kong/{KONG_VERSION}"
    do_HEAD = do_OPTIONS = LoopbackRequestHandler.do_GET

    def _refuse_body(self, problem):
        self._send(plain_json(400, {"message": "Cannot read the request body"}))
        return 400

    def _control(self, path, body):
        reply = control.handle(self.server.ctx, self.command, path, body)
        self._send(reply)
        return reply.status

    def _serve(self, path, raw_query, body):
        ctx = self.server.ctx
        method = self.command
        route = _route_name(method, path)
        fault = self._wait_and_take_fault(ctx.latency_ms, ctx.faults, method, path)
        if fault and fault.kind == "reset":
            ctx.stats.record(route, 0)
            self._reset_connection()
            return 0
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
            reply = self._answer(method, path, raw_query, body)
        ctx.stats.record(route, reply.status)
        self._send(reply, truncate=bool(fault and fault.kind == "truncate"))
        return reply.status

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

    def _send(self, reply: Reply, truncate=False):
        self._write_reply(reply, [("X-Kong-Admin-Latency", "0"), ("Access-Control-Allow-Origin", "*")], truncate)

    def _log(self, split, status, started):
        method = self.command
        shown = _route_name(method, urllib.parse.unquote(split.path), keep_ids=True).split(" ", 1)[1]
        self._write_log(method, with_query_names(shown, split.query), status, started, stamp=time.strftime("%H:%M:%S"))
