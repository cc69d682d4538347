"""OAuth clients: `/tyk/oauth/clients/...` (gateway/api.go createOauthClient, rotateOauthClient).

In a real gateway they live in Redis, so they take effect at once; an API must be loaded and have
`use_oauth2` before it can hold clients. Tyk's API hands secrets out in clear on every read, so this
stand-in must keep them; they never reach the log.
"""

import base64
import json
import uuid

from .errors import MALFORMED, TykError, modified, tyk_json

NOT_FOUND = "OAuth Client ID not found"
_FIELDS = ("client_id", "secret", "redirect_uri", "api_id", "policy_id", "description")


def _request(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TykError(400, MALFORMED) from None
    if not isinstance(body, dict) or any(not isinstance(body.get(k, ""), str) for k in _FIELDS):
        raise TykError(400, MALFORMED)
    meta = body.get("meta_data")
    if meta is not None and not isinstance(meta, dict):
        raise TykError(400, MALFORMED)
    return body


def _new_secret():
    # Tyk: base64 of a fresh UUID string.
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


def _oauth_api(state, api_id):
    api = state.apis.get(api_id)
    if api is None:
        raise TykError(400, "API doesn't exist")
    if not api.get("use_oauth2"):
        raise TykError(400, "API is not OAuth2")


def _target_apis(state, body):
    if body.get("api_id"):
        _oauth_api(state, body["api_id"])
        return [body["api_id"]]
    if body.get("policy_id"):
        policy = state.policies.get(body["policy_id"])
        if policy is None:
            raise TykError(400, "Policy doesn't exist")
        apis = sorted(policy.get("access_rights") or {})
        if not apis:
            raise TykError(400, "Policy access rights doesn't contain API this OAuth client belongs to")
        for api_id in apis:
            _oauth_api(state, api_id)
        return apis
    raise TykError(400, "API ID or Policy ID must be set")


def _public(client):
    return {k: client[k] for k in ("client_id", "secret", "redirect_uri", "api_id", "policy_id",
                                   "meta_data", "description")}


def create_client(state, raw):
    body = _request(raw)
    with state.lock:
        apis = _target_apis(state, body)
        client = {
            "client_id": body.get("client_id") or uuid.uuid4().hex,
            "secret": body.get("secret") or _new_secret(),
            "redirect_uri": body.get("redirect_uri", ""),
            "policy_id": body.get("policy_id", ""),
            "meta_data": body.get("meta_data") or {},
            "description": body.get("description", ""),
        }
        for api_id in apis:
            state.oauth_clients[(api_id, client["client_id"])] = {**client, "api_id": api_id}
    return tyk_json(200, {**client, "api_id": body.get("api_id", "")})


def list_clients(state, api_id):
    with state.lock:
        if api_id not in state.apis:
            raise TykError(404, "API not found")
        found = [_public(c) for (a, _), c in sorted(state.oauth_clients.items()) if a == api_id]
    return tyk_json(200, found)


def _existing(state, api_id, client_id):
    client = state.oauth_clients.get((api_id, client_id))
    if client is None:
        raise TykError(404, NOT_FOUND)
    return client


def get_client(state, api_id, client_id):
    with state.lock:
        return tyk_json(200, _public(_existing(state, api_id, client_id)))


def update_client(state, api_id, client_id, raw):
    body = _request(raw)
    with state.lock:
        client = _existing(state, api_id, client_id)
        # The id and secret are kept: a new secret comes only from /rotate.
        for name in ("redirect_uri", "policy_id", "description"):
            if name in body:
                client[name] = body[name]
        if body.get("meta_data") is not None:
            client["meta_data"] = body["meta_data"]
        return tyk_json(200, _public(client))


def rotate_secret(state, api_id, client_id):
    with state.lock:
        client = _existing(state, api_id, client_id)
        client["secret"] = _new_secret()
        return tyk_json(200, _public(client))


def delete_client(state, api_id, client_id):
    with state.lock:
        _existing(state, api_id, client_id)
        del state.oauth_clients[(api_id, client_id)]
    return modified(client_id, "deleted")
