"""Graph beta `/reports/appCredentialSignInActivities` and `/{id}` (shared/contracts/microsoft-graph-beta/):
tenant-wide, so it needs the application permission AuditLog.Read.All (or Directory.Read.All), not app ownership."""

import json
import re

from . import bearer, odata_query, sign_in_filter
from .errors import GraphError, forbidden, not_found
from .replies import GRAPH_JSON, Reply, graph_json
from .sign_in_log import activity_json

REPORT_ROLES = ("AuditLog.Read.All", "Directory.Read.All")
_ROUTE = re.compile(r"^/reports/appCredentialSignInActivities(?:/(?P<id>[^/]+))?/?$", re.IGNORECASE)


def route_name(method, path):
    m = _ROUTE.match(path)
    if not m:
        return f"{method} /beta/(unknown)"
    return f"{method} /beta/reports/appCredentialSignInActivities" + ("/{id}" if m.group("id") else "")


def handle(ctx, req) -> Reply:
    claims = bearer.claims_of(ctx, req.headers)
    m = _ROUTE.match(req.path)
    if not m:
        segment = next((s for s in req.path.split("/") if s), "")
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
    if req.method != "GET":
        raise GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.")
    if not any(role in (claims.get("roles") or []) for role in REPORT_ROLES):
        raise forbidden()
    base = f"{ctx.authority}/beta"
    rows = ctx.sign_ins.visible()
    if m.group("id"):
        wanted = m.group("id").lower()
        found = next(((row, s) for row, s in rows if row.id.lower() == wanted), None)
        if found is None:
            raise not_found(m.group("id"))
        body = {"@odata.context": f"{base}/$metadata#reports/appCredentialSignInActivities/$entity"}
        body.update(activity_json(*found))
        return graph_json(200, body)
    return _page(ctx, req, base, rows)


def _page(ctx, req, base, rows) -> Reply:
    opts = req.options
    top = odata_query.page_size(opts)
    if opts.get("$filter") is not None:
        predicate = sign_in_filter.compile_filter(opts["$filter"])
        rows = [(row, s) for row, s in rows if predicate(row.app_id, row.key_id)]
    signature = odata_query.query_signature(opts)
    if "$skiptoken" in opts:
        after = odata_query.decode_skiptoken(opts["$skiptoken"], signature)
        rows = [(row, s) for row, s in rows if row.id > after]
    page, more = rows[:top], len(rows) > top
    head = {"@odata.context": f"{base}/$metadata#reports/appCredentialSignInActivities"}
    if more:
        token = odata_query.encode_skiptoken(page[-1][0].id, signature)
        head["@odata.nextLink"] = odata_query.next_link(f"{base}/reports/appCredentialSignInActivities",
                                                        req.raw_query, token)
    head["value"] = [activity_json(row, s) for row, s in page]
    return Reply(200, json.dumps(head, separators=(",", ":")).encode(), GRAPH_JSON)
