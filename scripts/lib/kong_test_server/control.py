"""/_control: knobs for tests, outside Kong's namespace and needing no admin token. Health, faults and
statistics are the loopback servers' shared knobs (loopback_server.control)."""

from loopback_server import control as shared_control
from loopback_server.control import problem
from loopback_server.replies import Reply, plain_json


def handle(ctx, method, path, raw_body) -> Reply:
    return shared_control.handle(ctx, method, path, raw_body, lambda route, body: _own(ctx, method, route, body))


def _own(ctx, method, route, body):
    # Kong's latency has no upper bound, and its statistics reset by DELETE.
    if route == "/latency" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or ms < 0:
            return problem(400, "'ms' must be a number of milliseconds, 0 or more")
        ctx.latency_ms = ms
        return plain_json(200, {"ms": ms})
    if route == "/stats" and method == "DELETE":
        ctx.stats.reset()
        return Reply(204)
    if route == "/clock" and method == "POST":
        seconds = body.get("advance_seconds") if isinstance(body, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return problem(400, "'advance_seconds' must be a number of seconds, 0 or more")
        ctx.store.advance_clock(seconds)
        return plain_json(200, {"now": ctx.store.now()})
    if route == "/counts" and method == "GET":
        return plain_json(200, ctx.counts())
    return None
