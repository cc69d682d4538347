"""/_control: knobs for tests, outside Tyk's namespace and needing no secret."""

import json

from graph_test_server.faults import FaultSpecError
from graph_test_server.replies import Reply, plain_json


def _problem(status, message):
    return plain_json(status, {"error": message})


def _ms(body):
    ms = body.get("ms") if isinstance(body, dict) else None
    if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
        return None
    return ms


def handle(ctx, method, path, raw_body) -> Reply:
    route = path.rstrip("/")[len("/_control"):] or "/"
    try:
        body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "body is not JSON")

    if route == "/health" and method == "GET":
        return plain_json(200, {"ok": True})
    if route == "/faults":
        if method == "GET":
            return plain_json(200, {"faults": ctx.faults.list()})
        if method == "DELETE":
            ctx.faults.clear()
            return Reply(204)
        if method == "POST":
            specs = body if isinstance(body, list) else [body]
            try:
                added = [ctx.faults.add(spec).as_json() for spec in specs]
            except FaultSpecError as exc:
                return _problem(400, str(exc))
            return plain_json(201, {"faults": added})
    if route == "/stats" and method == "GET":
        return plain_json(200, ctx.stats.snapshot())
    if route == "/reset-stats" and method == "POST":
        ctx.stats.reset()
        return Reply(204)
    if route in ("/latency", "/reload-delay") and method == "POST":
        ms = _ms(body)
        if ms is None:
            return _problem(400, "'ms' must be a number from 0 to 600000")
        if route == "/latency":
            ctx.latency_ms = ms
        else:
            ctx.reloader.delay_ms = ms
        return Reply(204)
    if route == "/pending" and method == "GET":
        return plain_json(200, {**ctx.state.pending(), "reload_queued": ctx.reloader.queued(),
                                "reloads": ctx.state.reloads})
    return _problem(404, f"no control endpoint {method} {path}")
