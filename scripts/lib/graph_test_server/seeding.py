"""A tenant to start from: the admin app, N owned applications and K the admin does not own.

Names, ids (with --seed) and credential end dates follow fixed patterns so tests can
predict them: apps are app-00001..., each with one or two secrets whose end dates
cycle through expired, expiring within days, and far away.
"""

import base64
import hashlib
import random
import uuid

from . import secrets_store, timefmt
from .certificates import thumbprints
from .context import AdminIdentity
from .directory import Application, Directory, KeyCredential, PasswordCredential, Principal

ADMIN_NAME = "clientele-admin"
ADMIN_SECRET_NAME = "clientele-admin-secret"
ADMIN_SECRET_DAYS = 180
OTHER_OWNER_NAME = "Someone Else"
# Days from now to each seeded secret's end; negative is already expired.
END_DAY_CYCLE = [-30, 3, 14, 45, 200, 700]
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class Ids:
    """uuid4-shaped ids, reproducible when a seed is given."""

    def __init__(self, seed):
        self.rng = random.Random(seed) if seed is not None else random.SystemRandom()

    def new(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hint(self):
        return "".join(self.rng.choice(_ALNUM) for _ in range(3))


def new_tenant(seed):
    ids = Ids(seed)
    tenant_id = ids.new()
    return ids, Directory(tenant_id, "clienteletest.onmicrosoft.com")


def seed_admin(directory, ids, admin_secret, cert_der, cert_start, cert_end):
    now = timefmt.now_ticks()
    app = Application(ids.new(), ids.new(), now - 400 * timefmt.TICKS_PER_DAY, ADMIN_NAME, set())
    sp_id = ids.new()
    app.owners.add(sp_id)  # the admin owns its own registration, so it can read and rotate its own secret
    salt, digest = secrets_store.hash_secret(admin_secret)
    end = now + ADMIN_SECRET_DAYS * timefmt.TICKS_PER_DAY
    secret_cred = PasswordCredential(ids.new(), ADMIN_SECRET_NAME, now - timefmt.TICKS_PER_DAY, end,
                                     admin_secret[:3], salt, digest)
    app.passwords.append(secret_cred)
    x5t, x5t_s256 = thumbprints(cert_der)
    app.keys.append(KeyCredential(
        ids.new(), f"CN={ADMIN_NAME}", cert_start * timefmt.TICKS_PER_SECOND, cert_end * timefmt.TICKS_PER_SECOND,
        cert_der, x5t, x5t_s256, base64.b64encode(hashlib.sha1(cert_der).digest()).decode(),
    ))
    directory.principals[sp_id] = Principal(sp_id, "#microsoft.graph.servicePrincipal", ADMIN_NAME, app.app_id)
    directory.sp_of_app[app.app_id] = sp_id
    directory.add(app)
    return AdminIdentity(app.id, app.app_id, sp_id, secret_cred.key_id, end, salt, digest, secret_cred.hint)


def seed_applications(directory, ids, admin: AdminIdentity, count, unowned):
    now = timefmt.now_ticks()
    day = timefmt.TICKS_PER_DAY
    other_owner = ids.new()
    directory.principals[other_owner] = Principal(other_owner, "#microsoft.graph.user", OTHER_OWNER_NAME)
    batches = [("app", count, admin.principal_id), ("unowned", unowned, other_owner)]
    for prefix, total, owner in batches:
        for i in range(1, total + 1):
            app = Application(ids.new(), ids.new(), now - (total - i + 1) * 60 * timefmt.TICKS_PER_SECOND,
                              f"{prefix}-{i:05d}", {owner})
            secret_count = 2 if i % 2 == 0 else 1
            for n in range(secret_count):
                end = now + END_DAY_CYCLE[(i + 3 * n) % len(END_DAY_CYCLE)] * day
                salt, digest = secrets_store.unknown_secret_hash()
                app.passwords.append(PasswordCredential(
                    ids.new(), f"secret-{n + 1}", end - 365 * day, end, ids.hint(), salt, digest))
            sp_id = ids.new()
            directory.principals[sp_id] = Principal(sp_id, "#microsoft.graph.servicePrincipal", app.display_name,
                                                    app.app_id)
            directory.sp_of_app[app.app_id] = sp_id
            directory.add(app)
