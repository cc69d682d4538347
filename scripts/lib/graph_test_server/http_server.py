"""The HTTP layer: one thread per connection, keep-alive, Graph's per-response headers,
simulated latency, injected faults and request statistics.

Logs name method, path, query option names (never their values: a query could
carry a secret) and status. Bodies are never logged.
"""

import json
import sys
import uuid

from loopback_server.http_server import LoopbackHTTPServer, LoopbackRequestHandler, with_query_names

from . import control, errors, sign_in_reports, timefmt
from .errors import GraphError, TokenError
from .graph_api import GraphApi, GraphRequest, route_name
from .replies import Reply, plain_json
from .token_endpoint import TokenEndpoint, openid_configuration

_GRAPH_FAULT_BODIES = {
    429: ("TooManyRequests", "Please retry again later.",
          {"code": "429", "message": "Please retry after", "status": "429"}),
    503: ("serviceNotAvailable", "The service is temporarily unavailable for maintenance or is overloaded. "
                                 "You may repeat the request after a delay, which can be specified in a Retry-After "
                                 "header.", {}),
    502: ("serviceNotAvailable", "The service is temporarily unavailable.", {}),
    504: ("serviceNotAvailable", "The service is temporarily unavailable.", {}),
}


class GraphHTTPServer(LoopbackHTTPServer):
    name = "graph-test-server"

    def __init__(self, address, log_requests=True):
        self.log_requests = log_requests
        self.ctx = self.graph = self.token_endpoint = None
        super().__init__(address, GraphRequestHandler)

    def attach(self, ctx):
        """Binds the tenant once the port, and so the authority URL, is known."""
        self.ctx = ctx
        self.graph = GraphApi(ctx)
        self.token_endpoint = TokenEndpoint(ctx)


class GraphRequestHandler(LoopbackRequestHandler):
    server_version = "graph-test-server"
    do_HEAD = do_OPTIONS = LoopbackRequestHandler.do_GET

    # ---- dispatch ----------------------------------------------------------------------------

    def _dispatch(self):
        self.request_id = str(uuid.uuid4())
        self.client_request_id = self.headers.get("client-request-id")
        super()._dispatch()

    def _refuse_body(self, problem):
        self._send(plain_json(400, {"error": str(problem)}), kind="other")
        return 400

    def _control(self, path, body):
        reply = control.handle(self.server.ctx, self.command, path, body)
        self._send(reply, kind="control")
        return reply.status

    def _serve(self, path, raw_query, body):
        ctx = self.server.ctx
        method = self.command
        kind, route, tenant = _classify(method, path)
        fault = self._wait_and_take_fault(ctx.latency_ms, ctx.faults, method, path)
        if fault and fault.kind == "reset":
            ctx.stats.record(route, 0)
            self._reset_connection()
            return 0
        if fault and fault.kind == "status":
            reply = self._fault_reply(fault, kind)
        elif fault and fault.kind == "non_json":
            html = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
            reply = Reply(fault.status, html, "text/html; charset=utf-8")
        else:
            reply = self._answer(kind, method, path, raw_query, tenant, body)
        ctx.stats.record(route, reply.status)
        self._send(reply, kind=kind, truncate=bool(fault and fault.kind == "truncate"))
        return reply.status

    def _answer(self, kind, method, path, raw_query, tenant, body) -> Reply:
        server = self.server
        try:
            if kind == "graph":
                request = GraphRequest(method, path[len("/v1.0"):], raw_query, self.headers, body)
                return server.graph.handle(request)
            if kind == "beta":
                return sign_in_reports.handle(server.ctx, GraphRequest(method, path[len("/beta"):], raw_query,
                                                                       self.headers, body))
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

    def _send(self, reply: Reply, kind, truncate=False):
        headers = [("request-id", self.request_id), ("client-request-id", self._client_request_id())]
        if kind in ("graph", "beta"):
            headers.append(("x-ms-ags-diagnostic", json.dumps(
                {"ServerInfo": {"DataCenter": "Loopback", "Slice": "E", "Ring": "0", "ScaleUnit": "000",
                                "RoleInstance": "graph-test-server"}})))
            headers.append(("Cache-Control", "no-cache"))
            if reply.content_type and reply.content_type.startswith("application/json;odata"):
                headers.append(("OData-Version", "4.0"))
        elif kind in ("token", "openid"):
            headers += [("x-ms-request-id", self.request_id), ("Cache-Control", "no-store, no-cache"),
                        ("Pragma", "no-cache")]
        self._write_reply(reply, headers, truncate)

    def _log(self, split, status, started):
        self._write_log(self.command, with_query_names(split.path, split.query), status, started,
                        stamp=timefmt.format_inner_error_date(timefmt.now_ticks()))


def _classify(method, path):
    """(kind, statistics route, tenant segment)."""
    if path == "/v1.0" or path.startswith("/v1.0/"):
        return "graph", route_name(method, path[len("/v1.0"):]), None
    if path == "/beta" or path.startswith("/beta/"):
        return "beta", sign_in_reports.route_name(method, path[len("/beta"):]), None
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
        return "token", f"{method} /{{tenant}}/oauth2/v2.0/token", parts[0]
    if len(parts) == 4 and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
        return "openid", f"{method} /{{tenant}}/v2.0/.well-known/openid-configuration", parts[0]
    return "other", f"{method} (unknown)", None
