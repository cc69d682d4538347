"""Keys (sessions): `/tyk/keys...` (gateway/api.go createKeyHandler, handleAddOrUpdate, handleDeleteKey).

They live in Redis in a real gateway: effective at once, no reload. This stand-in runs with
`hash_keys` off, so keys are addressed and listed by their own text; the log shows only route
templates, never a key.
"""

import json
import time
import uuid

from .errors import MALFORMED, TykError, modified, tyk_json
from .policies import fits_go_type

NOT_FOUND = "Key not found"
NO_RIGHTS = "Failed to create key, keys must have at least one Access Rights record set."
# Go field kinds of user.SessionState that a client sets.
_FIELDS = {
    "rate": "number", "per": "number", "allowance": "number", "expires": "integer", "quota_max": "integer",
    "quota_renewal_rate": "integer", "quota_remaining": "integer", "throttle_interval": "number",
    "throttle_retry_limit": "integer", "max_query_depth": "integer", "org_id": "string", "alias": "string",
    "is_inactive": "boolean", "hmac_enabled": "boolean", "apply_policies": "strings", "tags": "strings",
    "access_rights": "access_rights", "meta_data": "object", "oauth_client_id": "string",
}


def _session(raw: bytes, undecodable: TykError) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise undecodable from None
    if not isinstance(body, dict) or any(n in body and not fits_go_type(body[n], k) for n, k in _FIELDS.items()):
        raise undecodable
    return body


def _complete(state, body):
    rights = dict(body.get("access_rights") or {})
    # Policies are applied before the access-rights check: a key may get all its rights from them.
    for pol_id in body.get("apply_policies") or []:
        for api_id, entry in (state.policies.get(pol_id, {}).get("access_rights") or {}).items():
            rights.setdefault(api_id, entry)
    if not rights:
        raise TykError(400, NO_RIGHTS)
    now = time.time()
    return {
        "rate": 0, "per": 0, "allowance": 0, "expires": 0, "quota_max": 0, "quota_renewal_rate": 0,
        "quota_remaining": 0, "throttle_interval": 0, "throttle_retry_limit": 0, "max_query_depth": 0,
        "org_id": "", "alias": "", "is_inactive": False, "hmac_enabled": False, "apply_policies": [],
        "tags": [], "meta_data": {},
        **{k: v for k, v in body.items() if k in _FIELDS and v is not None},
        "access_rights": {k: {"api_id": k, "api_name": "", "versions": [], **v} for k, v in rights.items()},
        "date_created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "last_updated": str(int(now)),
    }


def create_random(state, raw):
    body = _session(raw, TykError(500, "Unmarshalling failed"))
    with state.lock:
        session = _complete(state, body)
        key = session["org_id"] + uuid.uuid4().hex  # keyGen.GenerateAuthKey: org id + a UUID
        state.keys[key] = session
    return modified(key, "added")


def create_named(state, key, raw):
    body = _session(raw, TykError(400, MALFORMED))
    with state.lock:
        state.keys[key] = _complete(state, body)
    return modified(key, "added")


def update(state, key, raw):
    body = _session(raw, TykError(400, MALFORMED))
    with state.lock:
        if key not in state.keys:
            raise TykError(404, NOT_FOUND)
        state.keys[key] = _complete(state, body)
    return modified(key, "modified")


def get(state, key):
    with state.lock:
        found = state.keys.get(key)
    if found is None:
        raise TykError(404, NOT_FOUND)
    return tyk_json(200, found)


def delete(state, key):
    with state.lock:
        if state.keys.pop(key, None) is None:
            raise TykError(404, "There is no such key found")
    return modified(key, "deleted")


def list_keys(state):
    with state.lock:
        return tyk_json(200, {"keys": sorted(state.keys)})
