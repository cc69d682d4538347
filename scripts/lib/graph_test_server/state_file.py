"""--state-dir: the tenant written to JSON so a restarted server keeps its applications and secrets.

Only salted hashes of secrets are written. A background thread saves at most once a
second after a change, and once more at shutdown; writes go through a temporary file
and a rename so a crash never leaves half a file.
"""

import base64
import json
import threading

from loopback_server.private_file import write_private_atomically

from .access_tokens import AccessTokens
from .certificates import thumbprints
from .context import AdminIdentity
from .directory import Application, Directory, KeyCredential, PasswordCredential, Principal

STATE_NAME = "state.json"
FORMAT = 1


def _b(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _u(text: str) -> bytes:
    return base64.b64decode(text)


def snapshot(directory: Directory, tokens: AccessTokens, admin: AdminIdentity, policy_id: str) -> dict:
    with directory.lock:
        apps = []
        for object_id in directory.sorted_ids:
            a = directory.by_id[object_id]
            apps.append({
                "id": a.id, "appId": a.app_id, "created": a.created, "displayName": a.display_name,
                "owners": sorted(a.owners), "props": a.props, "createdByAppId": a.created_by_app_id,
                "passwords": [{"keyId": c.key_id, "displayName": c.display_name, "start": c.start, "end": c.end,
                               "hint": c.hint, "salt": _b(c.salt), "digest": _b(c.digest)} for c in a.passwords],
                "keys": [{"keyId": k.key_id, "displayName": k.display_name, "start": k.start, "end": k.end,
                          "der": _b(k.der), "customKeyIdentifier": k.custom_key_identifier, "type": k.type,
                          "usage": k.usage} for k in a.keys],
            })
        state = {
            "format": FORMAT,
            "tenantId": directory.tenant_id,
            "domain": directory.domain,
            "policyId": policy_id,
            "signingKey": _b(tokens.signing_key),
            "admin": {
                "objectId": admin.object_id, "appId": admin.app_id, "principalId": admin.principal_id,
                "secretKeyId": admin.secret_key_id, "secretEnd": admin.secret_end, "secretHint": admin.secret_hint,
                "secretSalt": _b(admin.secret_salt), "secretDigest": _b(admin.secret_digest),
            },
            "principals": [{"id": p.id, "type": p.odata_type, "displayName": p.display_name, "appId": p.app_id}
                           for p in directory.principals.values()],
            "servicePrincipalOfApp": dict(directory.sp_of_app),
            "applications": json.loads(json.dumps(apps)),
        }
        return state


def load(path):
    """(directory, tokens, admin, policy_id) from a saved state."""
    with open(path, encoding="utf-8") as f:
        state = json.load(f)
    if state.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown state format {state.get('format')!r}")
    directory = Directory(state["tenantId"], state["domain"])
    for p in state["principals"]:
        directory.principals[p["id"]] = Principal(p["id"], p["type"], p["displayName"], p.get("appId"))
    directory.sp_of_app.update(state["servicePrincipalOfApp"])
    for a in state["applications"]:
        app = Application(a["id"], a["appId"], a["created"], a["displayName"], set(a["owners"]), a["props"],
                          created_by_app_id=a.get("createdByAppId"))
        app.passwords = [PasswordCredential(c["keyId"], c["displayName"], c["start"], c["end"], c["hint"],
                                            _u(c["salt"]), _u(c["digest"])) for c in a["passwords"]]
        for k in a["keys"]:
            der = _u(k["der"])
            x5t, x5t_s256 = thumbprints(der)
            app.keys.append(KeyCredential(k["keyId"], k["displayName"], k["start"], k["end"], der, x5t, x5t_s256,
                                          k["customKeyIdentifier"], k["type"], k["usage"]))
        directory.add(app)
    ad = state["admin"]
    admin = AdminIdentity(ad["objectId"], ad["appId"], ad["principalId"], ad["secretKeyId"], ad["secretEnd"],
                          _u(ad["secretSalt"]), _u(ad["secretDigest"]), ad["secretHint"])
    tokens = AccessTokens(directory.tenant_id, _u(state["signingKey"]))
    return directory, tokens, admin, state["policyId"]


class Persister:
    def __init__(self, path, ctx):
        self.path = path
        self.ctx = ctx
        self.saved_version = -1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="state-persister", daemon=True)

    def start(self):
        self.save()
        self._thread.start()

    def _run(self):
        while not self._stop.wait(1.0):
            self.save()

    def save(self):
        ctx = self.ctx
        version = ctx.directory.version
        if version == self.saved_version:
            return
        state = snapshot(ctx.directory, ctx.tokens, ctx.admin, ctx.policy_id)
        write_private_atomically(self.path, json.dumps(state).encode())
        self.saved_version = version

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.save()
