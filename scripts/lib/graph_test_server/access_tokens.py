"""Access tokens the token endpoint issues and Graph accepts.

They are JWTs shaped like Entra's v1 app-only tokens (aud, iss, tid, appid, oid,
roles...) so a client that peeks into its token sees familiar claims, but they
are signed with HS256 and a key that lives only in this server.
"""

import hashlib
import hmac
import json
import os
import threading
import uuid

from . import timefmt
from .certificates import b64url_decode, b64url_encode

GRAPH_AUDIENCE = "https://graph.microsoft.com"
LIFETIME_SECONDS = 3599
WRITE_ROLE = "Application.ReadWrite.OwnedBy"


class TokenRejected(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class AccessTokens:
    def __init__(self, tenant_id, signing_key: bytes = None):
        self.tenant_id = tenant_id
        self.signing_key = signing_key or os.urandom(32)
        self._lock = threading.Lock()
        self.generation = 0

    def revoke_all(self):
        """Invalidates every token issued so far; used by tests of a client's re-authentication."""
        with self._lock:
            self.generation += 1

    def issue(self, app_id, principal_id, audience, roles):
        now = timefmt.now_seconds()
        claims = {
            "aud": audience,
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "iat": now,
            "nbf": now,
            "exp": now + LIFETIME_SECONDS,
            "aio": "loopback-test-server",
            "app_displayname": None,
            "appid": app_id,
            "appidacr": "1",
            "idp": f"https://sts.windows.net/{self.tenant_id}/",
            "idtyp": "app",
            "oid": principal_id,
            "roles": roles,
            "sub": principal_id,
            "tid": self.tenant_id,
            "uti": uuid.uuid4().hex[:22],
            "ver": "1.0",
            "xms_gen": self.generation,
        }
        header = {"typ": "JWT", "alg": "HS256", "kid": "loopback"}
        signing_input = b64url_encode(json.dumps(header, separators=(",", ":")).encode()) + "." + \
            b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
        sig = hmac.new(self.signing_key, signing_input.encode(), hashlib.sha256).digest()
        return signing_input + "." + b64url_encode(sig)

    def verify(self, token: str) -> dict:
        """Claims of a token good for Graph; TokenRejected with Graph's wording otherwise."""
        try:
            head, body, sig = token.split(".")
            expected = hmac.new(self.signing_key, (head + "." + body).encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, b64url_decode(sig)):
                raise TokenRejected("Access token validation failure.")
            claims = json.loads(b64url_decode(body))
        except (ValueError, TypeError):
            raise TokenRejected("CompactToken parsing failed with error code: 80049217") from None
        now = timefmt.now_seconds()
        if claims.get("exp", 0) <= now or claims.get("nbf", 0) > now + 300:
            raise TokenRejected("Lifetime validation failed, the token is expired.")
        if claims.get("xms_gen") != self.generation:
            raise TokenRejected("Access token validation failure.")
        if claims.get("aud") not in (GRAPH_AUDIENCE, GRAPH_AUDIENCE + "/", "00000003-0000-0000-c000-000000000000"):
            raise TokenRejected("Access token validation failure. Invalid audience.")
        if claims.get("tid") != self.tenant_id:
            raise TokenRejected("Access token validation failure.")
        return claims
