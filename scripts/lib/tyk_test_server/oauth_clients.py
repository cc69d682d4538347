"""OAuth clients: `/tyk/oauth/clients/...` (gateway/api.go createOauthClient, updateOauthClient,
rotateOauthClient).

In a real gateway they live in Redis, so they take effect at once; a client is stored per API, and an
API must be loaded and use OAuth2 (or JWT, through a policy) to hold one. Tyk's API hands secrets out
in clear on every read, so this stand-in must keep them; they never reach the log.
"""

import base64
import json
import uuid

from .errors import TykError, modified, tyk_json

NOT_FOUND = "OAuth Client ID not found"
NO_API = "API doesn't exist"
# The OAuth handlers answer an undecodable body with 500, not the 400 the other handlers give.
UNMARSHALLING = "Unmarshalling failed"
_FIELDS = ("client_id", "secret", "redirect_uri", "api_id", "policy_id", "description")


def _request(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TykError(500, UNMARSHALLING) from None
    if not isinstance(body, dict) or any(not isinstance(body.get(k, ""), str) for k in _FIELDS):
        raise TykError(500, UNMARSHALLING)
    return body


def _new_secret():
    # createOauthClientSecret: base64 of a fresh UUID string.
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


def _public(client):
    """NewClientRequest as the gateway writes it: `api_id` is never filled in, `policy_id` is omitempty."""
    shown = {k: client[k] for k in ("client_id", "secret", "redirect_uri", "meta_data", "description")}
    if client["policy_id"]:
        shown["policy_id"] = client["policy_id"]
    return shown


def _target_apis(state, body):
    if body.get("api_id"):
        api = state.apis.get(body["api_id"])
        if api is None:
            raise TykError(400, NO_API)
        if not api.get("use_oauth2"):
            raise TykError(400, "API is not OAuth2")
        return [body["api_id"]]
    policy = state.policies.get(body.get("policy_id", ""))
    if policy is None:
        raise TykError(400, "Policy doesn't exist")
    targets = []
    for api_id in sorted(policy.get("access_rights") or {}):
        api = state.apis.get(api_id)
        if api is None:
            raise TykError(400, NO_API)
        if api.get("use_oauth2") or api.get("enable_jwt"):
            targets.append(api_id)
    if not targets:
        raise TykError(400, "API is not OAuth2")
    return targets


def create_client(state, raw):
    body = _request(raw)
    with state.lock:
        apis = _target_apis(state, body)
        client = {
            "client_id": body.get("client_id") or uuid.uuid4().hex,
            "secret": body.get("secret") or _new_secret(),
            "redirect_uri": body.get("redirect_uri", ""),
            "policy_id": body.get("policy_id", ""),
            "meta_data": body.get("meta_data"),
            "description": body.get("description", ""),
        }
        for api_id in apis:
            state.oauth_clients[(api_id, client["client_id"])] = dict(client)
    return tyk_json(200, _public(client))


def list_clients(state, api_id):
    with state.lock:
        if api_id not in state.apis:
            raise TykError(404, "API not found")
        # getApiClients reads the store only for a use_oauth2 API: a JWT API's clients (joined through a
        # policy) are held but never listed.
        if not state.apis[api_id].get("use_oauth2"):
            return tyk_json(200, [])
        found = [_public(c) for (a, _), c in sorted(state.oauth_clients.items()) if a == api_id]
    return tyk_json(200, found)


def apis_for_client(state, client_id, query):
    """getApisForOauthApp: the loaded use_oauth2 APIs holding the client, of one org (`orgID`) or, when it is
    empty or absent, of every org."""
    org_id = (query.get("orgID") or [""])[0]
    with state.lock:
        found = [a for (a, c) in sorted(state.oauth_clients) if c == client_id and a in state.apis
                 and state.apis[a].get("use_oauth2") and (not org_id or state.apis[a].get("org_id") == org_id)]
    return tyk_json(200, found)


def _existing(state, api_id, client_id):
    # Each API keeps its own copy of a client (Redis prefix `oauth-data.<apiID>.`), so a policy's client
    # rotated or updated under one API keeps its old secret under the others, as in Tyk.
    if api_id not in state.apis:
        raise TykError(404, NO_API)
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
        if api_id not in state.apis:
            raise TykError(404, NO_API)
        policy_id = body.get("policy_id", "")
        if policy_id:
            policy = state.policies.get(policy_id)
            if policy is None:
                raise TykError(404, "Policy doesn't exist")
            if api_id not in (policy.get("access_rights") or {}):
                raise TykError(400, "Policy access rights doesn't contain API this OAuth client belongs to")
        client = _existing(state, api_id, client_id)
        # Id and secret stay (a new secret comes only from /rotate); the rest is replaced, not merged.
        client.update(redirect_uri=body.get("redirect_uri", ""), policy_id=policy_id,
                      meta_data=body.get("meta_data"), description=body.get("description", ""))
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
