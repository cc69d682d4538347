"""/_control: knobs for tests, outside Kong's namespace and needing no admin token."""

import json

from graph_test_server.faults import FaultSpecError
from graph_test_server.replies import Reply, plain_json


def handle(ctx, method, path, raw_body) -> Reply:
    route = path.rstrip("/")[len("/_control"):] or "/"
    try:
        body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        return plain_json(400, {"error": "body is not JSON"})

    if route == "/health" and method == "GET":
        return plain_json(200, {"ok": True})
    if route == "/faults":
        if method == "GET":
            return plain_json(200, {"faults": ctx.faults.list()})
        if method == "DELETE":
            ctx.faults.clear()
            return Reply(204)
        if method == "POST":
            try:
                added = [ctx.faults.add(spec).as_json() for spec in (body if isinstance(body, list) else [body])]
            except FaultSpecError as exc:
                return plain_json(400, {"error": str(exc)})
            return plain_json(201, {"faults": added})
    if route == "/latency" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or ms < 0:
            return plain_json(400, {"error": "'ms' must be a number of milliseconds, 0 or more"})
        ctx.latency_ms = ms
        return plain_json(200, {"ms": ms})
    if route == "/stats":
        if method == "GET":
            return plain_json(200, ctx.stats.snapshot())
        if method == "DELETE":
            ctx.stats.reset()
            return Reply(204)
    if route == "/counts" and method == "GET":
        return plain_json(200, ctx.counts())
    return plain_json(404, {"error": f"no control endpoint {method} {path}"})
