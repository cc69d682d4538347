"""/_control: knobs for tests, not part of Graph and needing no token."""

import json

from . import timefmt
from .faults import FaultSpecError
from .replies import Reply, plain_json


def _body(raw: bytes):
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def _problem(status, message):
    return plain_json(status, {"error": message})


def handle(ctx, method, path, raw_body) -> Reply:
    route = path.rstrip("/")[len("/_control"):] or "/"
    body = _body(raw_body)
    if body is None:
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

    if route == "/admin-secret" and method == "POST":
        try:
            return plain_json(200, ctx.set_admin_secret_state(body.get("state") if isinstance(body, dict) else None))
        except ValueError as exc:
            return _problem(400, str(exc))
        except LookupError as exc:
            return _problem(409, str(exc))

    if route == "/stats" and method == "GET":
        return plain_json(200, ctx.stats.snapshot())
    if route == "/reset-stats" and method == "POST":
        ctx.stats.reset()
        return Reply(204)

    if route == "/latency" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
            return _problem(400, "'ms' must be a number from 0 to 600000")
        ctx.latency_ms = ms
        return plain_json(200, {"ms": ms})

    if route == "/propagation" and method == "POST":
        ms = body.get("ms") if isinstance(body, dict) else None
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
            return _problem(400, "'ms' must be a number from 0 to 600000")
        ctx.propagation_ms = ms
        return plain_json(200, {"ms": ms})

    if route == "/clock" and method == "POST":
        offset = body.get("offset_seconds") if isinstance(body, dict) else None
        if isinstance(offset, bool) or not isinstance(offset, (int, float)):
            return _problem(400, "'offset_seconds' must be a number")
        timefmt.set_clock_offset(offset)
        return plain_json(200, {"offset_seconds": offset, "now": timefmt.format_ticks(timefmt.now_ticks())})

    if route == "/unowned-applications" and method == "GET":
        # Graph hides these from the admin, so tests learn their ids here to check the 403s.
        directory = ctx.directory
        with directory.lock:
            value = [{"id": a.id, "appId": a.app_id, "displayName": a.display_name}
                     for a in (directory.by_id[i] for i in directory.sorted_ids)
                     if ctx.admin.principal_id not in a.owners]
        return plain_json(200, {"value": value})

    if route == "/revoke-tokens" and method == "POST":
        ctx.tokens.revoke_all()
        return Reply(204)

    return _problem(404, f"no control endpoint {method} {path}")
