"""The tenant's directory in memory: applications, their credentials and owners.

One re-entrant lock guards it; handlers copy what they need out of it and build
JSON outside the lock so parallel requests do not queue behind serialisation.
"""

import bisect
import threading
from dataclasses import dataclass, field
from typing import Optional

from . import timefmt


@dataclass
class PasswordCredential:
    key_id: str
    display_name: Optional[str]
    start: int
    end: int
    hint: Optional[str]
    salt: bytes
    digest: bytes
    # Wall-clock time (time.time()) before which the token endpoint does not yet know the secret: Entra's
    # replication lag after addPassword, set through /_control/propagation. Not persisted.
    usable_after: float = 0.0


@dataclass
class KeyCredential:
    key_id: str
    display_name: Optional[str]
    start: int
    end: int
    der: bytes
    x5t: str
    x5t_s256: str
    custom_key_identifier: str
    type: str = "AsymmetricX509Cert"
    usage: str = "Verify"


@dataclass
class Application:
    id: str
    app_id: str
    created: int
    display_name: str
    owners: set
    props: dict = field(default_factory=dict)
    passwords: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    created_by_app_id: Optional[str] = None
    # Bumped on every change; rendered JSON is cached against it (see representation.application_bytes).
    rev: int = 0
    rendered: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Principal:
    """An owner as Graph lists it under /owners: a service principal or a user."""

    id: str
    odata_type: str
    display_name: str
    app_id: Optional[str] = None


class Directory:
    def __init__(self, tenant_id: str, domain: str):
        self.tenant_id = tenant_id
        self.domain = domain
        self.lock = threading.RLock()
        self.by_id: dict[str, Application] = {}
        self.by_app_id: dict[str, Application] = {}
        self.principals: dict[str, Principal] = {}
        # Service principal object id of each application that has one; ownership is by principal.
        self.sp_of_app: dict[str, str] = {}
        self.sorted_ids: list[str] = []
        self.version = 0

    def touch(self, app: Optional[Application] = None):
        """Marks the state changed so the persister writes it out, and `app`'s cached JSON stale."""
        self.version += 1
        if app is not None:
            app.rev += 1

    def add(self, app: Application) -> None:
        with self.lock:
            self.by_id[app.id] = app
            self.by_app_id[app.app_id] = app
            bisect.insort(self.sorted_ids, app.id)
            self.touch()

    def remove(self, app: Application) -> None:
        with self.lock:
            self.by_id.pop(app.id, None)
            self.by_app_id.pop(app.app_id, None)
            i = bisect.bisect_left(self.sorted_ids, app.id)
            if i < len(self.sorted_ids) and self.sorted_ids[i] == app.id:
                del self.sorted_ids[i]
            self.touch()

    def find(self, object_id: Optional[str] = None, app_id: Optional[str] = None) -> Optional[Application]:
        with self.lock:
            if object_id is not None:
                return self.by_id.get(object_id.lower())
            return self.by_app_id.get((app_id or "").lower())

    def principal_for_app(self, app: Application) -> Optional[str]:
        return self.sp_of_app.get(app.app_id)


def credential_is_active(cred, now: Optional[int] = None) -> bool:
    now = timefmt.now_ticks() if now is None else now
    return cred.start <= now < cred.end
