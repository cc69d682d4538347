"""Graph v1.0 routing for /applications, with the caller authenticated by bearer token and held to
Application.ReadWrite.OwnedBy: it sees and changes only the applications it owns."""

import re

from . import application_reads as reads
from . import application_writes as writes
from . import bearer, odata_query, password_actions
from .access_tokens import WRITE_ROLE
from .directory import Application
from .errors import GraphError, bad_request, forbidden, not_found
from .replies import Reply

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Graph matches segment names without regard to case, and takes actions with or without their namespace.
_ROUTE = re.compile(
    r"^/applications"
    r"(?:(?P<count>/\$count)"
    r"|/(?P<id>[^/()]+)"
    r"|\(appId=(?:'(?P<appid>[^']*)'|\"(?P<appid2>[^\"]*)\")\))?"
    r"(?:/(?:microsoft\.graph\.)?(?P<action>addPassword|removePassword)"
    r"|/(?P<nav>owners))?/?$",
    re.IGNORECASE,
)


def route_name(method, path):
    """A route template for request statistics, e.g. 'GET /v1.0/applications/{id}'."""
    m = _ROUTE.match(path)
    if not m:
        return f"{method} /v1.0/(unknown)"
    if m.group("count"):
        name = "/applications/$count"
    elif m.group("id"):
        name = "/applications/{id}"
    elif m.group("appid") is not None or m.group("appid2") is not None:
        name = "/applications(appId={appId})"
    else:
        name = "/applications"
    if m.group("action"):
        name += "/" + m.group("action")[0].lower() + m.group("action")[1:]
    elif m.group("nav"):
        name += "/owners"
    return f"{method} /v1.0{name}"


class GraphRequest:
    def __init__(self, method, path, raw_query, headers, body):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.options = odata_query.parse_query(raw_query)
        self.headers = headers
        self.body = body
        self.caller_app_id = None
        self.caller_principal = None


_WRITES = ("POST", "PATCH", "PUT", "DELETE")


def _not_allowed():
    return GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.")


class GraphApi:
    def __init__(self, ctx):
        self.ctx = ctx

    def handle(self, req: GraphRequest) -> Reply:
        self._authenticate(req)
        m = _ROUTE.match(req.path)
        if not m:
            segment = next((s for s in req.path.split("/") if s), "")
            raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
        ctx, method = self.ctx, req.method
        if method in _WRITES:
            self._take_write(req)
        key_id = m.group("id")
        key_app_id = m.group("appid") if m.group("appid") is not None else m.group("appid2")
        action, nav = m.group("action"), m.group("nav")

        if m.group("count"):
            if method != "GET":
                raise _not_allowed()
            return reads.count_applications(ctx, req)
        if key_id is None and key_app_id is None:
            if action or nav:
                raise GraphError(400, "BadRequest", "Resource not found for the segment 'applications'.")
            if method == "GET":
                return reads.list_applications(ctx, req)
            if method == "POST":
                return writes.create_application(ctx, req)
            raise _not_allowed()

        app = self._resolve(key_id, key_app_id, req)
        if action:
            if method != "POST":
                raise _not_allowed()
            if action.lower() == "addpassword":
                return password_actions.add_password(ctx, req, app)
            return password_actions.remove_password(ctx, req, app)
        if nav:
            if method != "GET":
                raise _not_allowed()
            return reads.list_owners(ctx, req, app)
        if method == "GET":
            return reads.get_application(ctx, req, app)
        if method == "PATCH":
            return writes.update_application(ctx, req, app)
        if method == "DELETE":
            return writes.delete_application(ctx, req, app)
        raise _not_allowed()

    def _authenticate(self, req):
        claims = bearer.claims_of(self.ctx, req.headers)
        if WRITE_ROLE not in (claims.get("roles") or []):
            raise forbidden()
        req.caller_app_id = claims.get("appid")
        req.caller_principal = claims.get("oid")

    def _take_write(self, req):
        ctx = self.ctx
        tenant = ctx.directory.tenant_id
        retry_after = ctx.write_limit.take(req.caller_app_id, tenant)
        if retry_after is None:
            return
        # Body and headers as Graph sends them (contracts: graph-error-and-token-shapes.json, "throttling").
        raise GraphError(429, "TooManyRequests", "Please retry again later.",
                         headers={"Retry-After": str(retry_after),
                                  "x-ms-throttle-scope": f"Tenant_Application/ReadWrite/{tenant}/{req.caller_app_id}",
                                  "x-ms-throttle-information": "WriteLimitExceeded"},
                         inner_extra={"code": "429", "message": "Please retry after", "status": "429"})

    def _resolve(self, key_id, key_app_id, req) -> Application:
        """The addressed application; 400 for a malformed key, 404 if absent, 403 if the caller does not own it."""
        key = key_id if key_id is not None else key_app_id
        if not _GUID.match(key or ""):
            raise bad_request(f"Invalid object identifier '{key}'.")
        directory = self.ctx.directory
        app = directory.find(object_id=key) if key_id is not None else directory.find(app_id=key)
        if app is None:
            raise not_found(key)
        if req.caller_principal not in app.owners:
            raise forbidden()
        return app
