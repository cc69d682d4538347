"""Security policies: `/tyk/policies` and `/tyk/policies/{polID}` (user/policy.go field types).

Like API definitions they are files: a write answers "ok" at once and is seen only after a reload.
"""

import json
import re

from .errors import MALFORMED, TykError, modified, tyk_json

NOT_FOUND = "Policy not found"
ID_MISMATCH = "Request ID does not match that in policy! For Update operations these must match."
# The id names the file `<id>.json`; anything that could leave the policy directory is refused.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")

_NUMBER, _INT, _BOOL, _STR = "number", "integer", "boolean", "string"
# Go field types of user.Policy; a body whose value does not decode into them is "Request malformed".
_FIELDS = {
    "id": _STR, "name": _STR, "org_id": _STR, "rate": _NUMBER, "per": _NUMBER, "quota_max": _INT,
    "quota_renewal_rate": _INT, "throttle_interval": _NUMBER, "throttle_retry_limit": _INT,
    "max_query_depth": _INT, "active": _BOOL, "is_inactive": _BOOL, "key_expires_in": _INT,
    "hmac_enabled": _BOOL, "enable_http_signature_validation": _BOOL, "tags": "strings",
    "access_rights": "access_rights", "partitions": "partitions", "meta_data": "object",
    "smoothing": "object", "last_updated": _STR, "_id": _STR,
}
_PARTITIONS = ("quota", "rate_limit", "complexity", "acl", "per_api")


def fits_go_type(value, kind):
    """Whether a JSON value decodes into the Go field kind (user.Policy and user.SessionState share them)."""
    if value is None:
        return kind in ("strings", "object", "access_rights", "partitions")  # Go leaves them nil
    if kind == _BOOL:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == _NUMBER:
        return isinstance(value, (int, float))
    if kind == _INT:
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == _STR:
        return isinstance(value, str)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "partitions":
        return isinstance(value, dict) and all(isinstance(value.get(k, False), bool) for k in _PARTITIONS)
    if kind == "access_rights":
        return isinstance(value, dict) and all(_access_definition(v) for v in value.values())
    return False


def _access_definition(entry):
    if not isinstance(entry, dict):
        return False
    return (fits_go_type(entry.get("api_id", ""), _STR) and fits_go_type(entry.get("api_name", ""), _STR)
            and fits_go_type(entry.get("versions"), "strings") and fits_go_type(entry.get("limit"), "object")
            and (entry.get("allowed_urls") is None or isinstance(entry["allowed_urls"], list)))


def _policy(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TykError(400, MALFORMED) from None
    if not isinstance(body, dict):
        raise TykError(400, MALFORMED)
    for name, kind in _FIELDS.items():
        if name in body and not fits_go_type(body[name], kind):
            raise TykError(400, MALFORMED)
    return body


def _complete(body: dict, pol_id: str) -> dict:
    rights = {}
    for api_id, entry in (body.get("access_rights") or {}).items():
        rights[api_id] = {"api_id": api_id, "api_name": "", "versions": [], "allowed_urls": [], **entry}
    return {
        "name": "", "org_id": "", "rate": 0, "per": 0, "quota_max": 0, "quota_renewal_rate": 0,
        "throttle_interval": 0, "throttle_retry_limit": 0, "max_query_depth": 0, "active": False,
        "is_inactive": False, "tags": [], "key_expires_in": 0, "hmac_enabled": False, "meta_data": {},
        **{k: v for k, v in body.items() if v is not None},
        "partitions": {k: False for k in _PARTITIONS} | (body.get("partitions") or {}),
        "access_rights": rights,
        "id": pol_id,
    }


def _checked_id(pol_id):
    if not pol_id:
        raise TykError(400, "Policy ID must be set")
    if not _SAFE_ID.match(pol_id):
        raise TykError(400, "Invalid Policy ID")
    return pol_id


def list_policies(state):
    with state.lock:
        return tyk_json(200, [state.policies[k] for k in sorted(state.policies)])


def get_policy(state, pol_id):
    with state.lock:
        found = state.policies.get(pol_id)
    if found is None:
        raise TykError(404, NOT_FOUND)
    return tyk_json(200, found)


def create_policy(state, raw):
    body = _policy(raw)
    pol_id = _checked_id(body.get("id"))
    with state.lock:
        state.policy_files[pol_id] = _complete(body, pol_id)
    return modified(pol_id, "added")


def update_policy(state, pol_id, raw):
    body = _policy(raw)
    if body.get("id") != pol_id:
        raise TykError(400, ID_MISMATCH)
    _checked_id(pol_id)
    with state.lock:
        state.policy_files[pol_id] = _complete(body, pol_id)
    return modified(pol_id, "modified")


def delete_policy(state, pol_id):
    _checked_id(pol_id)
    with state.lock:
        if state.policy_files.pop(pol_id, None) is None:
            raise TykError(500, "Delete failed")
    return modified(pol_id, "deleted")
