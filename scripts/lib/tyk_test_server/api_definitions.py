"""Classic API definitions: `/tyk/apis` and `/tyk/apis/{apiID}`.

Bodies are checked against Tyk's own apidef/schema.json (copied beside this file), so a field of the
wrong type or an unknown one is refused as the gateway would refuse it; reads come from what is loaded.
"""

import json
import os
import uuid

import jsonschema

from .errors import MALFORMED, TykError, modified, tyk_json

_SCHEMA = json.load(open(os.path.join(os.path.dirname(__file__), "apidef-schema.json")))
_VALIDATOR = jsonschema.Draft4Validator(_SCHEMA)
# gateway/api.go handleAddOrUpdateApi.
ID_MISMATCH = "Request APIID does not match that in Definition! For Update operations these must match."
NOT_FOUND = "API not found"

# Fields a Go APIDefinition always serialises; filled in so a client sees the shape a real gateway returns.
_DEFAULTS = {
    "org_id": "", "active": True, "use_keyless": False, "use_oauth2": False, "use_standard_auth": False,
    "use_basic_auth": False, "enable_jwt": False, "use_openid": False, "enable_ip_whitelisting": False,
    "allowed_ips": [], "enable_ip_blacklisting": False, "blacklisted_ips": [], "internal": False,
}


def _definition(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TykError(400, MALFORMED) from None
    if not isinstance(body, dict):
        raise TykError(400, MALFORMED)
    problem = next(iter(sorted(_VALIDATOR.iter_errors(body), key=lambda e: list(e.absolute_path))), None)
    if problem is not None:
        where = ".".join(str(p) for p in problem.absolute_path) or "(root)"
        raise TykError(400, f"Validation of API Definition failed. Reason: {where}: {problem.message}.")
    return body


def complete(body: dict, api_id: str) -> dict:
    definition = {**_DEFAULTS, **body, "api_id": api_id}
    definition.setdefault("slug", definition["name"].lower().replace(" ", "-"))
    return definition


def list_apis(state):
    with state.lock:
        return tyk_json(200, [state.apis[k] for k in sorted(state.apis)])


def list_oas_apis(state):
    # Only Tyk OAS APIs are listed here, and this stand-in holds classic ones only.
    return tyk_json(200, [])


def refuse_classic_through_oas(state, api_id):
    """A classic API addressed through /tyk/apis/oas/{apiID} (gateway/api.go ErrOASGetForOldAPI)."""
    with state.lock:
        known = api_id in state.apis
    if not known:
        raise TykError(404, NOT_FOUND)
    raise TykError(400, "the requested API definition is in Tyk classic format, please use old api endpoint")


def get_api(state, api_id):
    with state.lock:
        found = state.apis.get(api_id)
    if found is None:
        raise TykError(404, NOT_FOUND)
    return tyk_json(200, found)


def create_api(state, raw):
    body = _definition(raw)
    api_id = body.get("api_id") or uuid.uuid4().hex
    with state.lock:
        # The gateway overwrites an existing file of the same id and still answers "added".
        state.api_files[api_id] = complete(body, api_id)
    return modified(api_id, "added")


def update_api(state, api_id, raw):
    body = _definition(raw)
    if body.get("api_id") != api_id:
        raise TykError(400, ID_MISMATCH)
    with state.lock:
        # The gateway looks the id up among loaded APIs: a definition written but not reloaded is unknown.
        if api_id not in state.apis:
            raise TykError(404, NOT_FOUND)
        state.api_files[api_id] = complete(body, api_id)
    return modified(api_id, "modified")


def delete_api(state, api_id):
    with state.lock:
        if api_id not in state.apis and api_id not in state.api_files:
            raise TykError(404, NOT_FOUND)
        # Loaded but its file already removed (deleted, not yet reloaded): the gateway's file delete fails.
        if state.api_files.pop(api_id, None) is None:
            raise TykError(500, "Delete failed")
    return modified(api_id, "deleted")
