"""/_control: knobs for tests, not part of Graph and needing no token. Health, faults, statistics and
latency are the loopback servers' shared knobs (loopback_server.control)."""

import uuid

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

    if route == "/sign-ins" and method == "POST":
        return _record_sign_in(ctx, body)

    if route == "/report-lag" and method == "POST":
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return _problem(400, "'seconds' must be a number, 0 or more")
        ctx.sign_ins.lag_seconds = seconds
        return plain_json(200, {"seconds": seconds})

    if route == "/admin-roles" and method == "POST":
        roles = body.get("roles") if isinstance(body, dict) else None
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            return _problem(400, "'roles' must be a list of permission names")
        ctx.admin_roles = list(roles)
        return plain_json(200, {"roles": roles})

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


def _record_sign_in(ctx, body):
    """A sign-in of the secret `keyId` at `at` (ISO 8601; default now), as if its caller had asked for a token
    then: for tests that move the clock. A list records many at once. The report's lag applies as to any other.
    Nothing is recorded unless every entry names a secret."""
    entries = body if isinstance(body, list) else [body]
    directory = ctx.directory
    with directory.lock:
        holders = {cred.key_id.lower(): (app, cred) for app in directory.by_id.values() for cred in app.passwords}
    planned = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("keyId"), str):
            return _problem(400, "'keyId' must name a client secret")
        try:
            ticks = timefmt.parse_datetime(entry["at"]) if entry.get("at") is not None else timefmt.now_ticks()
        except ValueError as exc:
            return _problem(400, f"'at': {exc}")
        found = holders.get(entry["keyId"].lower())
        if found is None:
            return _problem(404, f"no application holds a secret with keyId {entry['keyId']}")
        planned.append((found, ticks))
    recorded = []
    for (app, cred), ticks in planned:
        request_id = str(uuid.uuid4())
        ctx.sign_ins.record(app, cred, directory.principal_for_app(app), ticks, request_id)
        recorded.append({"keyId": cred.key_id, "appId": app.app_id, "at": timefmt.format_ticks(ticks),
                         "requestId": request_id})
    return plain_json(200, recorded if isinstance(body, list) else recorded[0])
