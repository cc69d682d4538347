"""Routes of the Tyk Gateway API this stand-in serves; everything under /tyk needs the admin secret."""

import hmac
import re

from . import api_definitions as apis
from . import keys
from . import oauth_clients as clients
from . import policies
from .errors import BAD_SECRET, TykError, status_message, tyk_json

_ID = "([^/]+)"
# (method, pattern, handler(state, groups, body, query), statistics route)
_ROUTES = [
    ("GET", r"/tyk/apis/oas/?", lambda s, g, b, q: apis.list_oas_apis(s), "GET /tyk/apis/oas"),
    *[(m, rf"/tyk/apis/oas/{_ID}", lambda s, g, b, q: apis.refuse_classic_through_oas(s, g[0]),
       f"{m} /tyk/apis/oas/{{apiID}}") for m in ("GET", "PUT", "DELETE")],
    ("GET", r"/tyk/apis/?", lambda s, g, b, q: apis.list_apis(s), "GET /tyk/apis"),
    ("POST", r"/tyk/apis/?", lambda s, g, b, q: apis.create_api(s, b), "POST /tyk/apis"),
    ("GET", rf"/tyk/apis/{_ID}", lambda s, g, b, q: apis.get_api(s, g[0]), "GET /tyk/apis/{apiID}"),
    ("PUT", rf"/tyk/apis/{_ID}", lambda s, g, b, q: apis.update_api(s, g[0], b), "PUT /tyk/apis/{apiID}"),
    ("DELETE", rf"/tyk/apis/{_ID}", lambda s, g, b, q: apis.delete_api(s, g[0]), "DELETE /tyk/apis/{apiID}"),
    ("GET", r"/tyk/policies/?", lambda s, g, b, q: policies.list_policies(s), "GET /tyk/policies"),
    ("POST", r"/tyk/policies/?", lambda s, g, b, q: policies.create_policy(s, b), "POST /tyk/policies"),
    ("GET", rf"/tyk/policies/{_ID}", lambda s, g, b, q: policies.get_policy(s, g[0]), "GET /tyk/policies/{polID}"),
    ("PUT", rf"/tyk/policies/{_ID}", lambda s, g, b, q: policies.update_policy(s, g[0], b),
     "PUT /tyk/policies/{polID}"),
    ("DELETE", rf"/tyk/policies/{_ID}", lambda s, g, b, q: policies.delete_policy(s, g[0]),
     "DELETE /tyk/policies/{polID}"),
    ("GET", r"/tyk/keys/?", lambda s, g, b, q: keys.list_keys(s), "GET /tyk/keys"),
    ("POST", r"/tyk/keys/create", lambda s, g, b, q: keys.create_random(s, b), "POST /tyk/keys/create"),
    ("POST", rf"/tyk/keys/{_ID}", lambda s, g, b, q: keys.create_named(s, g[0], b), "POST /tyk/keys/{keyID}"),
    ("PUT", rf"/tyk/keys/{_ID}", lambda s, g, b, q: keys.update(s, g[0], b), "PUT /tyk/keys/{keyID}"),
    ("GET", rf"/tyk/keys/{_ID}", lambda s, g, b, q: keys.get(s, g[0]), "GET /tyk/keys/{keyID}"),
    ("DELETE", rf"/tyk/keys/{_ID}", lambda s, g, b, q: keys.delete(s, g[0]), "DELETE /tyk/keys/{keyID}"),
    ("POST", r"/tyk/oauth/clients/create", lambda s, g, b, q: clients.create_client(s, b),
     "POST /tyk/oauth/clients/create"),
    ("GET", rf"/tyk/oauth/clients/apis/{_ID}", lambda s, g, b, q: clients.apis_for_client(s, g[0], q),
     "GET /tyk/oauth/clients/apis/{appID}"),
    ("GET", rf"/tyk/oauth/clients/{_ID}", lambda s, g, b, q: clients.list_clients(s, g[0]),
     "GET /tyk/oauth/clients/{apiID}"),
    ("GET", rf"/tyk/oauth/clients/{_ID}/{_ID}", lambda s, g, b, q: clients.get_client(s, *g),
     "GET /tyk/oauth/clients/{apiID}/{clientID}"),
    ("PUT", rf"/tyk/oauth/clients/{_ID}/{_ID}", lambda s, g, b, q: clients.update_client(s, *g, b),
     "PUT /tyk/oauth/clients/{apiID}/{clientID}"),
    ("DELETE", rf"/tyk/oauth/clients/{_ID}/{_ID}", lambda s, g, b, q: clients.delete_client(s, *g),
     "DELETE /tyk/oauth/clients/{apiID}/{clientID}"),
    ("PUT", rf"/tyk/oauth/clients/{_ID}/{_ID}/rotate", lambda s, g, b, q: clients.rotate_secret(s, *g),
     "PUT /tyk/oauth/clients/{apiID}/{clientID}/rotate"),
]
_COMPILED = [(m, re.compile(p + "$"), h, r) for m, p, h, r in _ROUTES]


def route_name(method, path):
    if path == "/hello":
        return f"{method} /hello"
    if path.startswith("/tyk/reload"):
        return f"{method} {path.rstrip('/')}"
    for m, pattern, _, name in _COMPILED:
        if m == method and pattern.match(path):
            return name
    return f"{method} (unknown)"


def hello():
    # gateway/health_check.go liveCheckHandler; not behind the secret.
    return tyk_json(200, {"status": "pass", "version": "v5.14.0", "description": "Tyk GW", "details": {}})


def handle(ctx, method, path, query, headers, body):
    if path == "/hello":
        if method != "GET":
            return status_message(405, "error", "Method Not Allowed")
        return hello()
    if not path.startswith("/tyk/"):
        return status_message(404, "error", "Not Found")
    given = headers.get("X-Tyk-Authorization") or ""
    if not hmac.compare_digest(given.encode(), ctx.admin_secret().encode()):
        return status_message(403, "error", BAD_SECRET)
    try:
        if path.rstrip("/") == "/tyk/reload/group" and method == "GET":
            ctx.reloader.queue()
            return status_message(200, "ok", "")
        if path.rstrip("/") == "/tyk/reload" and method == "GET":
            if query.get("block") == ["true"]:
                ctx.reloader.now()
            else:
                ctx.reloader.queue()
            return status_message(200, "ok", "")
        matched_path = False
        for m, pattern, handler, _ in _COMPILED:
            found = pattern.match(path)
            if not found:
                continue
            matched_path = True
            if m == method:
                return handler(ctx.state, found.groups(), body, query)
        if matched_path:
            return status_message(405, "error", "Method Not Allowed")
        return status_message(404, "error", "Not Found")
    except TykError as err:
        return err.reply()
