"""/_control: knobs for tests, outside Tyk's namespace and needing no secret.

Faults, statistics, latency and health work exactly as on the Graph server, whose control API answers
them; only the reload knobs are Tyk's own.
"""

import json

from graph_test_server import control as shared_control
from graph_test_server.replies import plain_json

_SHARED = ("/health", "/faults", "/stats", "/reset-stats", "/latency")


def handle(ctx, method, path, raw_body):
    route = path.rstrip("/")[len("/_control"):] or "/"
    if route in _SHARED:
        return shared_control.handle(ctx, method, path, raw_body)
    try:
        body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        return plain_json(400, {"error": "body is not JSON"})
    if route == "/reload-delay" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
            return plain_json(400, {"error": "'ms' must be a number from 0 to 600000"})
        ctx.reloader.delay_ms = ms
        return plain_json(200, {"ms": ms})
    if route == "/pending" and method == "GET":
        return plain_json(200, {**ctx.state.pending(), "reload_queued": ctx.reloader.queued(),
                                "reloads": ctx.state.reloads})
    if route == "/peer-check" and method == "GET":
        if ctx.peer_check is None:
            return plain_json(404, {"error": "started without --validate-responses"})
        return plain_json(200, ctx.peer_check.report())
    return plain_json(404, {"error": f"no control endpoint {method} {path}"})
