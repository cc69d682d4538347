"""Everything a request handler needs, gathered in one object shared by all threads."""

import threading

from loopback_server.faults import Faults
from loopback_server.stats import Stats

from . import secrets_store, timefmt
from .access_tokens import WRITE_ROLE
from .directory import PasswordCredential
from .sign_in_log import SignInLog
from .write_limit import WriteLimit


# Granted by default: Application.ReadWrite.OwnedBy for /v1.0 and AuditLog.Read.All for the beta sign-in report.
DEFAULT_ADMIN_ROLES = (WRITE_ROLE, "AuditLog.Read.All")


class AdminIdentity:
    """The admin app whose secret, certificate and key the server hands to its callers."""

    def __init__(self, object_id, app_id, principal_id, secret_key_id, secret_end, secret_salt, secret_digest,
                 secret_hint):
        self.object_id = object_id
        self.app_id = app_id
        self.principal_id = principal_id
        self.secret_key_id = secret_key_id
        # What "valid" restores: the end date and hash of the secret in the secret file.
        self.secret_end = secret_end
        self.secret_salt = secret_salt
        self.secret_digest = secret_digest
        self.secret_hint = secret_hint
        self.secret_state = "valid"


class ServerContext:
    def __init__(self, directory, tokens, admin: AdminIdentity, authority, policy_id,
                 max_secret_lifetime_days=None, latency_ms=0, report_lag_seconds=0, admin_roles=None,
                 write_limit=None):
        self.directory = directory
        self.tokens = tokens
        self.admin = admin
        self.authority = authority
        self.graph_base = authority + "/v1.0"
        self.policy_id = policy_id
        self.max_secret_lifetime_days = max_secret_lifetime_days
        self.latency_ms = latency_ms
        # How long a new secret stays unknown to the token endpoint (replication lag); 0 means at once.
        self.propagation_ms = 0
        # The application permissions in the admin's Graph tokens (a change shows in tokens issued after it).
        self.admin_roles = list(admin_roles) if admin_roles is not None else list(DEFAULT_ADMIN_ROLES)
        self.sign_ins = SignInLog(report_lag_seconds)
        self.faults = Faults()
        self.stats = Stats()
        self.write_limit = WriteLimit(*(write_limit or (None, None)))
        self._admin_lock = threading.Lock()

    @property
    def admin_app_id(self):
        return self.admin.app_id

    def assertion_audiences(self, tenant_segment):
        """Entra takes its token endpoint URL as the assertion audience, by tenant id or by the name used."""
        tenants = {self.directory.tenant_id, self.directory.domain, tenant_segment}
        audiences = set()
        for tenant in tenants:
            audiences.add(f"{self.authority}/{tenant}/oauth2/v2.0/token")
            audiences.add(f"{self.authority}/{tenant}/v2.0")
        return audiences

    def set_admin_secret_state(self, state):
        """expired: the file's secret is known but past its end date (AADSTS7000222);
        rotated: the app's secret changed so the file's is wrong (AADSTS7000215); valid: as at start."""
        directory, admin = self.directory, self.admin
        with self._admin_lock, directory.lock:
            app = directory.find(object_id=admin.object_id)
            if app is None:
                raise LookupError("the admin application was deleted")
            cred = next((c for c in app.passwords if c.key_id == admin.secret_key_id), None)
            if cred is None:
                cred = PasswordCredential(admin.secret_key_id, "clientele-admin-secret", timefmt.now_ticks(),
                                          admin.secret_end, admin.secret_hint, admin.secret_salt,
                                          admin.secret_digest)
                app.passwords.insert(0, cred)
            now = timefmt.now_ticks()
            if state == "valid":
                cred.salt, cred.digest, cred.end = admin.secret_salt, admin.secret_digest, admin.secret_end
                cred.start = min(cred.start, now)
            elif state == "expired":
                cred.salt, cred.digest = admin.secret_salt, admin.secret_digest
                cred.end = now - timefmt.TICKS_PER_DAY
                cred.start = min(cred.start, cred.end - 365 * timefmt.TICKS_PER_DAY)
            elif state == "rotated":
                cred.salt, cred.digest = secrets_store.unknown_secret_hash()
                cred.end = admin.secret_end
                cred.start = min(cred.start, now)
            else:
                raise ValueError("state must be 'valid', 'expired' or 'rotated'")
            admin.secret_state = state
            directory.touch(app)
            return {"state": state, "keyId": cred.key_id, "endDateTime": timefmt.format_ticks(cred.end)}
