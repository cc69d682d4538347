"""/_control: the knobs every loopback server has (health, faults, statistics, latency), outside the
API it stands in for and needing no credential. Each server hands its own knobs to `handle`, which asks
them first."""

import json

from .faults import FaultSpecError
from .replies import Reply, plain_json

LATENCY_PROBLEM = "'ms' must be a number from 0 to 600000"


def route_of(path):
    """`/faults` for `/_control/faults/`; `/` for `/_control`."""
    return path.rstrip("/")[len("/_control"):] or "/"


def json_body(raw: bytes):
    """The parsed body, {} when empty, None when it is not JSON."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def problem(status, message) -> Reply:
    return plain_json(status, {"error": message})


def not_json() -> Reply:
    return problem(400, "body is not JSON")


def no_endpoint(method, path) -> Reply:
    return problem(404, f"no control endpoint {method} {path}")


def milliseconds(body):
    """The body's 'ms' when it is a number from 0 to 600000, else None."""
    ms = body.get("ms") if isinstance(body, dict) else None
    if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
        return None
    return ms


def shared(ctx, method, route, body):
    """The Reply for a common knob, or None when `route` is not one. `ctx` has `faults` and `latency_ms`,
    and `stats` where the server keeps statistics."""
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
                return problem(400, str(exc))
            return plain_json(201, {"faults": added})
    if route == "/latency" and method == "POST":
        ms = milliseconds(body)
        if ms is None:
            return problem(400, LATENCY_PROBLEM)
        ctx.latency_ms = ms
        return plain_json(200, {"ms": ms})
    stats = getattr(ctx, "stats", None)
    if stats is not None and route == "/stats" and method == "GET":
        return plain_json(200, stats.snapshot())
    if stats is not None and route == "/reset-stats" and method == "POST":
        stats.reset()
        return Reply(204)
    return None


def handle(ctx, method, path, raw_body, own=None) -> Reply:
    """The answer to a /_control request: `own(route, body)` (the server's knobs, a Reply or None) first,
    then the shared ones, then 404."""
    route = route_of(path)
    body = json_body(raw_body)
    if body is None:
        return not_json()
    reply = own(route, body) if own else None
    if reply is None:
        reply = shared(ctx, method, route, body)
    return reply or no_endpoint(method, path)
