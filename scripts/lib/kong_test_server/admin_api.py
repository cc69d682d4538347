"""Kong's Admin API routes (kong/api/endpoints.lua as the contract README describes them) over the store."""

import json
import urllib.parse

from . import errors
from .kinds import EMPTY_LISTS, KINDS, NESTED, PARENT_FIELD

KONG_VERSION = "3.10.0"

def node_info(node_id):
    """GET /: decK reads only `version`; the rest has the shape kong/api/routes/kong.lua gives it."""
    from . import schema
    return {
        "version": KONG_VERSION, "edition": "community", "tagline": "Welcome to kong",
        "hostname": "kong-test-server", "node_id": node_id, "lua_version": "LuaJIT 2.1.0-20231117",
        "timers": {"running": 0, "pending": 0}, "pids": {"master": 1, "workers": [2]},
        "configuration": {"database": "postgres", "admin_listen": ["127.0.0.1:8001"]},
        "plugins": {"available_on_server": {name: {"version": KONG_VERSION, "priority": 0}
                                            for name in schema.PLUGINS},
                    "enabled_in_cluster": []},
    }

def _body(raw):
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise errors.bad_body("Cannot parse JSON body") from None

class AdminApi:
    def __init__(self, store, node_id):
        self.store = store
        self.node_id = node_id

    def handle(self, method, path, raw_query, raw_body):
        """(status, payload or None)."""
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/") if p]
        query = dict(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
        if not parts:
            if method != "GET":
                raise errors.method_not_allowed()
            return 200, node_info(self.node_id)
        head = parts[0]
        if head in EMPTY_LISTS and len(parts) == 1:
            if method != "GET":
                raise errors.method_not_allowed()
            return 200, {"data": [], "next": None}
        if head not in KINDS:
            raise errors.not_found()
        if len(parts) <= 2:
            return self._resource(method, head, parts[1] if len(parts) == 2 else None, query, raw_body, None,
                                  f"/{head}")
        if len(parts) in (3, 4):
            child, scope = self._nested(head, parts[1], parts[2])
            return self._resource(method, child, parts[3] if len(parts) == 4 else None, query, raw_body, scope,
                                  "/" + "/".join(urllib.parse.quote(p) for p in parts[:3]))
        raise errors.not_found()

    def _nested(self, head, parent_key, segment):
        """The child collection and the foreign-key scope a nested path names."""
        if head in ("services", "routes", "consumers") and segment == "plugins":
            child = "plugins"
        elif head == "services" and segment == "routes":
            child = "routes"
        elif head == "consumers" and segment in NESTED:
            child = NESTED[segment].collection
        else:
            raise errors.not_found()
        parent = self.store.find(head, parent_key)
        if parent is None:
            raise errors.not_found()
        return child, (PARENT_FIELD[head], parent["id"])

    def _resource(self, method, collection, key, query, raw_body, scope, base):
        store = self.store
        if key is None:
            if method == "GET":
                rows, token = store.page(collection, query.get("size"), query.get("offset"), query.get("tags"),
                                         scope)
                page = {"data": rows, "next": None}
                if token:
                    size = query.get("size") or "100"
                    page["offset"] = token
                    page["next"] = f"{base}?offset={urllib.parse.quote(token, safe='')}&size={size}"
                return 200, page
            if method == "POST":
                return 201, store.create(collection, _body(raw_body), scope)
            raise errors.method_not_allowed()
        if method == "GET":
            return 200, store.get(collection, key, scope)
        if method == "PUT":
            return 200, store.upsert(collection, key, _body(raw_body), scope)
        if method == "PATCH":
            return 200, store.patch(collection, key, _body(raw_body), scope)
        if method == "DELETE":
            store.delete(collection, key, scope)
            return 204, None
        raise errors.method_not_allowed()

