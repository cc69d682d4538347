"""/_control: knobs for tests, not part of Graph and needing no token. Health, faults, statistics and
latency are the loopback servers' shared knobs (loopback_server.control)."""

from loopback_server import control as shared_control
from loopback_server.control import problem as _problem

from . import timefmt, write_limit
from .replies import Reply, plain_json


def handle(ctx, method, path, raw_body) -> Reply:
    return shared_control.handle(ctx, method, path, raw_body, lambda route, body: _own(ctx, method, route, body))


def _own(ctx, method, route, body):
    if route == "/admin-secret" and method == "POST":
        try:
            return plain_json(200, ctx.set_admin_secret_state(body.get("state") if isinstance(body, dict) else None))
        except ValueError as exc:
            return _problem(400, str(exc))
        except LookupError as exc:
            return _problem(409, str(exc))

    if route == "/propagation" and method == "POST":
        ms = shared_control.milliseconds(body)
        if ms is None:
            return _problem(400, shared_control.LATENCY_PROBLEM)
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

    if route == "/write-limit":
        # GET: the limit and how many writes it allowed and refused (429) since it was set.
        if method == "GET":
            return plain_json(200, ctx.write_limit.as_json())
        if method == "POST":
            spec = body.get("limit", "") if isinstance(body, dict) else ""
            if spec is None:
                ctx.write_limit.set(None, None)
            else:
                try:
                    ctx.write_limit.set(*write_limit.parse(spec))
                except ValueError as exc:
                    return _problem(400, str(exc).replace("--write-limit", "'limit'"))
            return plain_json(200, ctx.write_limit.as_json())

    if route == "/revoke-tokens" and method == "POST":
        ctx.tokens.revoke_all()
        return Reply(204)

    return None
