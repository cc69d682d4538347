"""The addPassword and removePassword actions. A new secret's text is returned once and kept
only as a salted hash, which the token endpoint checks."""

import re
import time
import uuid

from . import representation, schema, secrets_store, timefmt
from .application_reads import metadata_context
from .directory import PasswordCredential
from .errors import GraphError, bad_request, not_found
from .replies import graph_json, no_content
from .request_bodies import date_field, json_object

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# An app holds at most about 1,000 items across its collections (contract README).
MAX_CREDENTIALS = 1000
PERSONAL_ACCOUNT_SECRET_LIMIT = 2


def too_many_personal_secrets():
    return bad_request("Applications that support personal Microsoft accounts can have at most "
                       f"{PERSONAL_ACCOUNT_SECRET_LIMIT} password credentials.")


def new_password(ctx, spec: dict):
    """(credential, secret text) from a passwordCredential body, after Graph's checks and the tenant policy."""
    for read_only in ("keyId", "secretText", "hint"):
        if spec.get(read_only) is not None:
            raise bad_request(f"Property '{read_only}' is read-only and cannot be set.")
    display_name = spec.get("displayName")
    if display_name is not None and not isinstance(display_name, str):
        raise bad_request("Invalid value specified for property 'displayName' of resource 'PasswordCredential'.")
    start = date_field(spec, "startDateTime", timefmt.now_ticks())
    end = date_field(spec, "endDateTime", None)
    if end is None:
        end = timefmt.add_years(start, 2)  # Graph's documented default: startDateTime + 2 years
    if end <= start:
        raise bad_request("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.")
    cap_days = ctx.max_secret_lifetime_days
    if cap_days is not None and end - start > cap_days * timefmt.TICKS_PER_DAY:
        # The body Graph returns when a tenant app management policy caps password lifetime.
        message = f"Credential lifetime exceeds the max value allowed as per assigned policy '{ctx.policy_id}'."
        raise GraphError(400, "CredentialInvalidLifetimeAsPerAppPolicy", message,
                         details=[{"code": "InvalidKeyEndDate", "message": message, "target": "EndDate"}])
    secret = secrets_store.new_secret_text()
    salt, digest = secrets_store.hash_secret(secret)
    credential = PasswordCredential(str(uuid.uuid4()), display_name, start, end, secret[:3], salt, digest)
    credential.usable_after = time.time() + ctx.propagation_ms / 1000
    return credential, secret


def add_password(ctx, req, app):
    body = json_object(req.body, allow_empty=True)
    spec = body.get("passwordCredential")
    if spec is None:
        spec = {}  # the parameter is optional; azure-cli, for one, posts {}
    if not isinstance(spec, dict):
        raise GraphError(400, "BadRequest", "Invalid value specified for property 'passwordCredential'.")
    cred, secret = new_password(ctx, spec)
    directory = ctx.directory
    with directory.lock:
        if directory.find(object_id=app.id) is None:
            raise not_found(app.id)
        if len(app.passwords) + len(app.keys) >= MAX_CREDENTIALS:
            raise GraphError(400, "Directory_ResourceSizeExceeded",
                             "The size of the object has exceeded its limit. Please reduce the number of values "
                             "and retry your request.")
        if app.props.get("signInAudience") in schema.PERSONAL_AUDIENCES and \
                len(app.passwords) >= PERSONAL_ACCOUNT_SECRET_LIMIT:
            raise too_many_personal_secrets()
        app.passwords.append(cred)
        directory.touch(app)
    payload = {"@odata.context": metadata_context(ctx, "microsoft.graph.passwordCredential")}
    payload.update(representation.password_json(cred, secret))
    return graph_json(200, payload)


def remove_password(ctx, req, app):
    body = json_object(req.body)
    key_id = body.get("keyId")
    if key_id is None:
        raise GraphError(400, "BadRequest", "The request body must contain the parameter 'keyId'.")
    if not isinstance(key_id, str) or not _GUID.match(key_id):
        raise GraphError(400, "BadRequest", f"Cannot convert the literal '{key_id}' to the expected type 'Edm.Guid'.")
    directory = ctx.directory
    with directory.lock:
        if directory.find(object_id=app.id) is None:
            raise not_found(app.id)
        kept = [c for c in app.passwords if c.key_id.lower() != key_id.lower()]
        if len(kept) == len(app.passwords):
            # The contract is silent on this case; a 400 naming the key is what the brief asks for.
            raise bad_request(f"No password credential found with keyId '{key_id}'.")
        app.passwords = kept
        directory.touch(app)
    return no_content()
