"""Each credential's sign-ins as Entra's beta report `appCredentialSignInActivities` shows them.

A successful client-credentials token request with a client secret is a sign-in of that secret. Entra's report
lags behind real sign-ins, so a sign-in becomes visible only `lag_seconds` (server clock) after it happened: tests
of "at least this recent" move the server clock or wait, as an operator would wait for the report.
"""

import threading
import uuid
from dataclasses import dataclass, field
from typing import Optional

from . import timefmt

# Stable row ids derived from the key id, so a row keeps its id across sign-ins (Graph's ids are opaque strings).
_ROW_NAMESPACE = uuid.UUID("6f1c2a8e-5b3d-4e7a-9c10-2d4b6a8e0f31")


@dataclass
class SignIn:
    ticks: int
    request_id: str


@dataclass
class CredentialActivity:
    id: str
    app_id: str
    app_object_id: str
    service_principal_id: Optional[str]
    key_id: str
    created: int
    expiration: Optional[int]
    sign_ins: list = field(default_factory=list)


class SignInLog:
    def __init__(self, lag_seconds=0):
        self.lag_seconds = lag_seconds
        self._lock = threading.Lock()
        self._by_key: dict[str, CredentialActivity] = {}

    def record(self, app, cred, principal_id, ticks, request_id):
        key = cred.key_id.lower()
        with self._lock:
            row = self._by_key.get(key)
            if row is None:
                row = CredentialActivity(str(uuid.uuid5(_ROW_NAMESPACE, key)), app.app_id, app.id, principal_id,
                                         cred.key_id, cred.start, cred.end)
                self._by_key[key] = row
            row.expiration = cred.end
            row.sign_ins.append(SignIn(ticks, request_id))
            self._prune(row, timefmt.now_ticks())

    def visible(self, now_ticks=None):
        """(row, latest visible sign-in) for every credential with a sign-in the report shows yet, by row id."""
        now = timefmt.now_ticks() if now_ticks is None else now_ticks
        horizon = now - int(self.lag_seconds * timefmt.TICKS_PER_SECOND)
        out = []
        with self._lock:
            for row in self._by_key.values():
                shown = [s for s in row.sign_ins if s.ticks <= horizon]
                if shown:
                    out.append((row, max(shown, key=lambda s: s.ticks)))
        out.sort(key=lambda pair: pair[0].id)
        return out

    def _prune(self, row, now):
        # Keeps the latest sign-in already visible and any still hidden by the lag; older ones can never show.
        horizon = now - int(self.lag_seconds * timefmt.TICKS_PER_SECOND)
        shown = [s for s in row.sign_ins if s.ticks <= horizon]
        hidden = [s for s in row.sign_ins if s.ticks > horizon]
        row.sign_ins = ([max(shown, key=lambda s: s.ticks)] if shown else []) + hidden[-50:]


def activity_json(row: CredentialActivity, sign_in: SignIn) -> dict:
    """The CSDL's appCredentialSignInActivity. A client-credentials grant is a non-interactive, successful
    sign-in, so lastSignIn, lastNonInteractiveSignIn and lastSuccessfulSignIn all carry it; a password
    credential is one Entra verifies, so keyUsage is `verify` (as for a certificate used for client auth)."""
    when = timefmt.format_ticks(sign_in.ticks)
    return {
        "id": row.id,
        "appId": row.app_id,
        "appObjectId": row.app_object_id,
        "createdDateTime": timefmt.format_ticks(row.created),
        "credentialOrigin": "application",
        "expirationDateTime": timefmt.format_ticks(row.expiration) if row.expiration is not None else None,
        "keyId": row.key_id,
        "keyType": "clientSecret",
        "keyUsage": "verify",
        "resourceId": None,
        "servicePrincipalObjectId": row.service_principal_id,
        "signInActivity": {
            "lastSignInDateTime": when,
            "lastSignInRequestId": sign_in.request_id,
            "lastNonInteractiveSignInDateTime": when,
            "lastNonInteractiveSignInRequestId": sign_in.request_id,
            "lastSuccessfulSignInDateTime": when,
            "lastSuccessfulSignInRequestId": sign_in.request_id,
        },
    }
