"""/_control: knobs for tests, outside Tyk's namespace and needing no secret.

Faults, statistics, latency and health are the loopback servers' shared knobs (loopback_server.control);
only the reload knobs and the peer check are Tyk's own.
"""

from loopback_server import control as shared_control
from loopback_server.control import problem
from loopback_server.replies import plain_json


def handle(ctx, method, path, raw_body):
    return shared_control.handle(ctx, method, path, raw_body, lambda route, body: _own(ctx, method, route, body))


def _own(ctx, method, route, body):
    if route == "/reload-delay" and method == "POST":
        ms = shared_control.milliseconds(body)
        if ms is None:
            return problem(400, shared_control.LATENCY_PROBLEM)
        ctx.reloader.delay_ms = ms
        return plain_json(200, {"ms": ms})
    if route == "/pending" and method == "GET":
        return plain_json(200, {**ctx.state.pending(), "reload_queued": ctx.reloader.queued(),
                                "reloads": ctx.state.reloads})
    if route == "/peer-check" and method == "GET":
        if ctx.peer_check is None:
            return problem(404, "started without --validate-responses")
        return plain_json(200, ctx.peer_check.report())
    return None
