"""Access Management under /accounts/api: the connected app's client-credentials token, /me, and the
organization's environments. Tokens are random, held only as their SHA-256, and expire after an hour."""

import copy
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import urllib.parse

from .errors import AnypointError

TOKEN_LIFETIME = 3600
with open(os.path.join(os.path.dirname(__file__), "me_template.json")) as f:
    _ME_TEMPLATE = json.load(f)


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


class AccessManagement:
    def __init__(self, org, client_id, client_secret):
        self.org = org
        self.client_id = client_id
        self._secret_digest = _digest(client_secret)
        self._tokens = {}  # digest -> expiry (monotonic)
        self._lock = threading.Lock()

    def revoke_all(self):
        with self._lock:
            self._tokens.clear()

    def check_bearer(self, header):
        """Raises the 401 API Manager gives for a missing, unknown or expired token."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AnypointError(401, "Unauthorized")
        with self._lock:
            expiry = self._tokens.get(_digest(token.strip()))
        if expiry is None or expiry < time.monotonic():
            raise AnypointError(401, "Unauthorized")

    def handle(self, method, path, headers, body):
        route = path[len("/accounts/api"):].rstrip("/")
        if route in ("/v2/oauth2/token", "/oauth2/token"):
            if method != "POST":
                raise AnypointError(405, f"{method} is not allowed here")
            return 200, self._token(headers, body)
        self.check_bearer(headers.get("Authorization"))
        if route == "/me" and method == "GET":
            return 200, self._me()
        if route == f"/organizations/{self.org.id}/environments" and method == "GET":
            envs = [{"id": e.id, "name": e.name, "organizationId": self.org.id, "isProduction": e.production,
                     "type": "production" if e.production else "sandbox", "clientId": secrets.token_hex(16)}
                    for e in self.org.environments.values()]
            return 200, {"data": envs, "total": len(envs)}
        raise AnypointError(404, f"Cannot {method} {path}")

    def _token(self, headers, body):
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            if kind == "application/x-www-form-urlencoded":
                fields = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            else:
                fields = json.loads(body.decode() or "{}")
        except (ValueError, UnicodeDecodeError):
            raise AnypointError(400, "the body is neither JSON nor a form") from None
        if not isinstance(fields, dict):
            raise AnypointError(400, "the body must be a JSON object")
        if fields.get("grant_type") != "client_credentials":
            raise AnypointError(400, "grant_type must be client_credentials")
        client_id, client_secret = fields.get("client_id"), fields.get("client_secret")
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            raise AnypointError(400, "client_id and client_secret are required")
        # compare_digest on both, so a wrong id and a wrong secret take the same time.
        ok = hmac.compare_digest(client_id, self.client_id) & hmac.compare_digest(_digest(client_secret),
                                                                                 self._secret_digest)
        if not ok:
            raise AnypointError(401, "Invalid client credentials")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[_digest(token)] = time.monotonic() + TOKEN_LIFETIME
        return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME}

    def _me(self):
        """The spec's example reply with this organization's ids and the connected app's client id."""
        me = copy.deepcopy(_ME_TEMPLATE)
        old_org = me["user"]["organizationId"]
        me["client"].update({"client_id": self.client_id, "name": "Clientele connected app",
                             "grant_types": ["client_credentials"], "org_id": self.org.id})
        me["user"]["organizationId"] = self.org.id
        me["user"]["organization"].update({"id": self.org.id, "name": self.org.name})
        for key in ("memberOfOrganizations", "contributorOfOrganizations"):
            for entry in me["user"][key]:
                if entry.get("id") == old_org:
                    entry.update({"id": self.org.id, "name": self.org.name})
        # The upstream schema, generated from its example, requires the example organization's id as a key of
        # organizationPreferences; it stays beside ours so the reply conforms.
        prefs = {"defaultEnvironment": next(iter(self.org.environments))}
        me["user"]["organizationPreferences"][old_org] = dict(prefs)
        me["user"]["organizationPreferences"][self.org.id] = prefs
        return me
