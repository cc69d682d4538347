"""/_control: knobs for tests, outside Anypoint's namespace and needing no token."""

import json

from .api_manager import LIST_SHAPES


def _body(raw):
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def handle(server, method, path, raw_body):
    """(status, JSON body or None)."""
    route = path.rstrip("/")[len("/_control"):] or "/"
    body = _body(raw_body)
    if body is None:
        return 400, {"error": "body is not JSON"}
    if route == "/health" and method == "GET":
        return 200, {"ok": True}
    if route == "/faults":
        if method == "GET":
            return 200, {"faults": server.faults.list()}
        if method == "DELETE":
            server.faults.clear()
            return 204, None
        if method == "POST":
            specs = body if isinstance(body, list) else [body]
            try:
                return 201, {"faults": [server.faults.add(spec).as_json() for spec in specs]}
            except ValueError as exc:
                return 400, {"error": str(exc)}
    if route == "/latency" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
            return 400, {"error": "'ms' must be a number from 0 to 600000"}
        server.latency_ms = ms
        return 200, {"ms": ms}
    if route == "/policy-list-shape" and method == "POST":
        shape = body.get("shape") if isinstance(body, dict) else None
        if shape not in LIST_SHAPES:
            return 400, {"error": f"'shape' must be one of {', '.join(LIST_SHAPES)}"}
        server.api_manager.list_shape = shape
        return 200, {"shape": shape}
    if route == "/contract":
        if server.contract is None:
            return 409, {"error": "the server was started without --validate-responses"}
        if method == "GET":
            return 200, server.contract.report()
        if method == "DELETE":
            server.contract.reset()
            return 204, None
    if route == "/revoke-tokens" and method == "POST":
        server.access.revoke_all()
        return 204, None
    return 404, {"error": f"no control endpoint {method} {path}"}
