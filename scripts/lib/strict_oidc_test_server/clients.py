"""The provider's clients and tokens, in memory: a test provider lives for one test module."""
import hmac
import secrets
import threading
import time

from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list, list_to_scope


class Client(ClientMixin):
    def __init__(self, client_info, client_metadata):
        self.client_info = dict(client_info)
        self.client_metadata = dict(client_metadata)

    def get_client_id(self):
        return self.client_info["client_id"]

    def get_default_redirect_uri(self):
        uris = self.client_metadata.get("redirect_uris") or []
        return uris[0] if uris else None

    def get_allowed_scope(self, scope):
        if not scope:
            return ""
        allowed = set(scope_to_list(self.client_metadata.get("scope", "")))
        return list_to_scope([s for s in scope_to_list(scope) if s in allowed])

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in (self.client_metadata.get("redirect_uris") or [])

    def check_client_secret(self, client_secret):
        # RFC 7591 §3.2.1: a secret past client_secret_expires_at (0 = never) no longer authenticates.
        expires_at = self.client_info.get("client_secret_expires_at") or 0
        if expires_at and time.time() >= expires_at:
            return False
        return hmac.compare_digest(self.client_info["client_secret"], client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.client_metadata.get("token_endpoint_auth_method", "client_secret_basic")

    def check_response_type(self, response_type):
        return response_type in (self.client_metadata.get("response_types") or ["code"])

    def check_grant_type(self, grant_type):
        return grant_type in (self.client_metadata.get("grant_types") or ["authorization_code"])


class RegistrationToken:
    """A registration access token (RFC 7592 §1): valid for its one client only."""

    def __init__(self, value, client_id):
        self.value = value
        self.client_id = client_id

    def check_client(self, client):
        return client.get_client_id() == self.client_id


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.clients = {}
        self.registration_tokens = {}
        self.access_tokens = {}
        #: PUTs that reached a client's configuration endpoint, refused or not: how tests see "nothing was tried".
        self.updates_attempted = {}

    def add(self, client):
        token = RegistrationToken(secrets.token_urlsafe(32), client.get_client_id())
        with self.lock:
            self.clients[client.get_client_id()] = client
            self.registration_tokens[token.value] = token
        return token

    def client(self, client_id):
        with self.lock:
            return self.clients.get(client_id)

    def registration_token(self, value):
        with self.lock:
            return self.registration_tokens.get(value)

    def token_for(self, client_id):
        with self.lock:
            return next((t for t in self.registration_tokens.values() if t.client_id == client_id), None)

    def revoke(self, token):
        with self.lock:
            self.registration_tokens.pop(token.value, None)

    def delete(self, client_id):
        with self.lock:
            self.clients.pop(client_id, None)
            for value in [v for v, t in self.registration_tokens.items() if t.client_id == client_id]:
                del self.registration_tokens[value]
