"""GET /applications (filters, search, ordering, keyset paging), /applications/$count,
a single application, and its owners."""

import bisect
import json
import re

from . import odata_filter, odata_query, representation, schema
from .errors import GraphError, bad_request
from .replies import GRAPH_JSON, Reply, graph_json


def metadata_context(ctx, fragment):
    return f"{ctx.graph_base}/$metadata#{fragment}"


def _advanced(req):
    return (req.headers.get("ConsistencyLevel") or "").strip().lower() == "eventual"


def list_applications(ctx, req) -> Reply:
    opts = req.options
    advanced = _advanced(req)
    if "$skip" in opts:
        raise bad_request("'$skip' is not supported by the service.")
    count = odata_query.wants_count(opts)
    if count and not advanced:
        raise bad_request("$count is not currently supported.")
    search = opts.get("$search")
    if search is not None and not advanced:
        raise GraphError(400, "Request_UnsupportedQuery",
                         "Request with $search query parameter only works through MSGraph with a special "
                         "request header: 'ConsistencyLevel: eventual'")
    top = odata_query.page_size(opts)
    select = odata_query.selection(opts)
    expand = odata_query.expansion(opts)
    order = odata_query.ordering(opts)
    predicate = None
    if opts.get("$filter") is not None:
        # Operators Graph keeps for advanced queries need both the header and $count=true.
        predicate = odata_filter.compile_filter(opts["$filter"], advanced and count, ctx.directory.domain)
        if order and not (advanced and count):
            raise GraphError(400, "Request_UnsupportedQuery", "Sorting not supported for current query.")
    terms = _search_terms(search) if search is not None else None
    signature = odata_query.query_signature(opts)
    after = odata_query.decode_skiptoken(opts["$skiptoken"], signature) if "$skiptoken" in opts else None

    page, more, total = _select_page(ctx, req.caller_principal, predicate, terms, order, after, top, count)
    head = {"@odata.context": metadata_context(ctx, "applications" + (f"({','.join(select)})" if select else ""))}
    if count:
        head["@odata.count"] = total
    if more:
        token = odata_query.encode_skiptoken(_sort_key(page[-1], order), signature)
        head["@odata.nextLink"] = odata_query.next_link(f"{ctx.graph_base}/applications", req.raw_query, token)
    values = [render_bytes(ctx, app, select, expand, False) for app in page]
    body = json.dumps(head, separators=(",", ":")).encode()[:-1] + b',"value":[' + b",".join(values) + b"]}"
    return Reply(200, body, GRAPH_JSON)


def count_applications(ctx, req) -> Reply:
    if not _advanced(req):
        raise bad_request("$count is not currently supported.")
    with ctx.directory.lock:
        total = sum(1 for a in ctx.directory.by_id.values() if req.caller_principal in a.owners)
    return Reply(200, str(total).encode(), "text/plain;charset=utf-8")


def get_application(ctx, req, app) -> Reply:
    select = odata_query.selection(req.options)
    expand = odata_query.expansion(req.options)
    fragment = "applications" + (f"({','.join(select)})" if select else "") + "/$entity"
    # The certificate blob is returned only when keyCredentials is selected on a single object.
    include_key = bool(select and "keyCredentials" in select)
    head = json.dumps({"@odata.context": metadata_context(ctx, fragment)}, separators=(",", ":")).encode()
    entity = render_bytes(ctx, app, select, expand, include_key)
    return Reply(200, head[:-1] + b"," + entity[1:], GRAPH_JSON)


def list_owners(ctx, req, app) -> Reply:
    with ctx.directory.lock:
        owners = [ctx.directory.principals.get(pid) for pid in sorted(app.owners)]
    return graph_json(200, {
        "@odata.context": metadata_context(ctx, "directoryObjects"),
        "value": [representation.owner_json(p) for p in owners if p is not None],
    })


def render_bytes(ctx, app, select, expand, include_key) -> bytes:
    directory = ctx.directory
    with directory.lock:
        if not expand:
            return representation.application_bytes(app, directory.domain, select, include_key)
        body = representation.application_json(app, directory.domain, select, include_key)
        body["owners"] = [representation.owner_json(directory.principals[p])
                          for p in sorted(app.owners) if p in directory.principals]
    return json.dumps(body, separators=(",", ":")).encode()


def _sort_key(app, order):
    if order is None:
        return [app.id]
    name, _ = order
    value = app.display_name.lower() if name == "displayName" else app.created
    return [value, app.id]


def _select_page(ctx, principal, predicate, terms, order, after, top, count):
    """Keyset paging: a page starts after the last key handed out, so inserts and deletes between
    pages neither repeat nor skip the applications that stay. Returns (page, more, total)."""
    directory = ctx.directory
    with directory.lock:
        if predicate is None and terms is None and order is None and not count:
            # The common case walks the sorted ids from the token on, touching only one page.
            ids = directory.sorted_ids
            page = []
            for i in range(bisect.bisect_right(ids, after[0]) if after else 0, len(ids)):
                app = directory.by_id[ids[i]]
                if principal in app.owners:
                    if len(page) == top:
                        return page, True, None
                    page.append(app)
            return page, False, None
        matches = []
        for object_id in directory.sorted_ids:
            app = directory.by_id[object_id]
            if principal not in app.owners:
                continue
            if terms is not None and not _search_matches(app, terms):
                continue
            if predicate is not None and not predicate(odata_filter.filter_view(app, directory.domain)):
                continue
            matches.append(app)
    if order is not None:
        matches.sort(key=lambda a: _sort_key(a, order), reverse=order[1])
    start = 0
    if after is not None:
        after_key = tuple(after)
        descending = order is not None and order[1]
        for start, app in enumerate(matches):
            key = tuple(_sort_key(app, order))
            if (key < after_key) if descending else (key > after_key):
                break
        else:
            start = len(matches)
    return matches[start:start + top], start + top < len(matches), len(matches)


def _search_terms(search: str):
    """$search="displayName:term" clauses (quoted, joined by AND/OR), as (property, term) pairs."""
    text = search.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise GraphError(400, "Request_UnsupportedQuery", "Invalid $search query: search terms must be quoted.")
    clauses = []
    for part in re.split(r'"\s+(?:AND|OR)\s+"', text[1:-1]):
        prop, sep, term = part.partition(":")
        if not sep or schema.canonical_name(prop) not in ("displayName", "description"):
            raise GraphError(400, "Request_UnsupportedQuery", "Invalid $search query.")
        clauses.append((schema.canonical_name(prop), term.strip().lower()))
    return clauses


def _search_matches(app, terms):
    """Any clause matching a word prefix (Graph tokenises names for $search) or a substring."""
    for prop, term in terms:
        value = (app.display_name if prop == "displayName" else (app.props.get("description") or "")).lower()
        if term in value or any(w.startswith(term) for w in re.split(r"[^0-9a-z]+", value) if w):
            return True
    return False
