"""POST, PATCH and DELETE on applications, with the body checks Graph applies."""

import base64
import hashlib
import re
import uuid

from . import representation, schema, timefmt
from .application_reads import metadata_context
from .certificates import describe_der, load_der_from_pem, thumbprints
from .directory import Application, KeyCredential, Principal
from .errors import GraphError, bad_request, not_found
from .password_actions import PERSONAL_ACCOUNT_SECRET_LIMIT, new_password, too_many_personal_secrets
from .replies import graph_json, no_content
from .request_bodies import date_field, json_object

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _invalid(prop, resource="Application"):
    return bad_request(f"Invalid value specified for property '{prop}' of resource '{resource}'.")


def create_application(ctx, req):
    props, passwords_in, keys_in = _validated_properties(json_object(req.body), creating=True)
    display_name = props.pop("displayName", None)
    if not isinstance(display_name, str) or not display_name.strip():
        raise _invalid("displayName")
    if len(passwords_in) > PERSONAL_ACCOUNT_SECRET_LIMIT and props.get("signInAudience") in schema.PERSONAL_AUDIENCES:
        raise too_many_personal_secrets()
    app = Application(
        id=str(uuid.uuid4()),
        app_id=str(uuid.uuid4()),
        created=timefmt.now_ticks(),
        display_name=display_name,
        owners={req.caller_principal},  # Application.ReadWrite.OwnedBy: the creator owns what it creates
        props=props,
        created_by_app_id=req.caller_app_id,
    )
    app.keys = _build_keys(keys_in, [])
    secrets_by_key = {}
    for spec in passwords_in:
        cred, secret = new_password(ctx, spec)
        app.passwords.append(cred)
        secrets_by_key[cred.key_id] = secret
    # The portal creates the service principal along with the app; without one no token could be issued.
    sp_id = str(uuid.uuid4())
    directory = ctx.directory
    with directory.lock:
        directory.principals[sp_id] = Principal(sp_id, "#microsoft.graph.servicePrincipal", display_name, app.app_id)
        directory.sp_of_app[app.app_id] = sp_id
        directory.add(app)
        rendered = representation.application_json(app, directory.domain)
    # Secrets added at creation are returned in this answer only, like addPassword's.
    rendered["passwordCredentials"] = [dict(c, secretText=secrets_by_key.get(c["keyId"]))
                                       for c in rendered["passwordCredentials"]]
    payload = {"@odata.context": metadata_context(ctx, "applications/$entity")}
    payload.update(rendered)
    location = f"{ctx.graph_base}/directoryObjects/{app.id}/Microsoft.DirectoryServices.Application"
    return graph_json(201, payload, {"Location": location})


def update_application(ctx, req, app):
    props, passwords_in, keys_in = _validated_properties(json_object(req.body), creating=False)
    if passwords_in is not None:
        raise bad_request("Property 'passwordCredentials' cannot be set with PATCH; use addPassword and removePassword.")
    if "displayName" in props and (not isinstance(props["displayName"], str) or not props["displayName"].strip()):
        raise _invalid("displayName")
    directory = ctx.directory
    with directory.lock:
        if directory.find(object_id=app.id) is None:
            raise not_found(app.id)
        if props.get("signInAudience") in schema.PERSONAL_AUDIENCES and len(app.passwords) > PERSONAL_ACCOUNT_SECRET_LIMIT:
            raise too_many_personal_secrets()
        if keys_in is not None:
            app.keys = _build_keys(keys_in, app.keys)
        if "displayName" in props:
            app.display_name = props.pop("displayName")
            principal = directory.principals.get(directory.sp_of_app.get(app.app_id, ""))
            if principal:
                principal.display_name = app.display_name
        for name, value in props.items():
            if name in schema.COMPLEX_PROPERTIES and isinstance(value, dict):
                # A partial complex value keeps the members it does not name.
                merged = schema.default_value(name) or {}
                merged.update(app.props.get(name) or {})
                merged.update(value)
                value = merged
            app.props[name] = value
        directory.touch(app)
    return no_content()


def delete_application(ctx, req, app):
    directory = ctx.directory
    with directory.lock:
        if directory.find(object_id=app.id) is None:
            raise not_found(app.id)
        directory.remove(app)
        directory.principals.pop(directory.sp_of_app.pop(app.app_id, None), None)
    return no_content()


def _validated_properties(body, creating):
    """(writable properties, passwordCredentials or None, keyCredentials or None) from a POST/PATCH body."""
    props, passwords, keys = {}, None, None
    for key, value in body.items():
        if key == "@odata.type":
            if str(value).lstrip("#").lower() != "microsoft.graph.application":
                raise GraphError(400, "BadRequest", f"A type named '{value}' could not be resolved by the model. When a "
                                                    "model is available, each type name must resolve to a valid type.")
            continue
        if "@odata." in key or key.startswith("@"):
            continue  # instance annotations such as owners@odata.bind are accepted and not acted on
        if key in ("passwordCredentials", "keyCredentials"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise _invalid(key)
            if key == "passwordCredentials":
                passwords = value
            else:
                keys = value
            continue
        if key not in schema.SELECTABLE:
            raise GraphError(400, "BadRequest",
                             f"The property '{key}' does not exist on type 'microsoft.graph.application'. Make sure to "
                             "only use property names that are defined by the type or mark the type as open type.")
        if key in schema.READ_ONLY:
            raise bad_request(f"Property '{key}' is read-only and cannot be set.")
        if not _type_ok(key, value) or (key == "signInAudience" and value not in schema.SIGN_IN_AUDIENCES):
            raise _invalid(key)
        props[key] = value
    if creating and passwords is None:
        passwords = []
    return props, passwords, keys


def _type_ok(name, value):
    if name in schema.STRING_PROPERTIES or name == "displayName":
        return value is None or isinstance(value, str)
    if name in schema.BOOLEAN_PROPERTIES:
        return value is None or isinstance(value, bool)
    if name in schema.COLLECTION_PROPERTIES:
        return isinstance(value, list)
    if name in schema.COMPLEX_PROPERTIES:
        return value is None or isinstance(value, dict)
    return True


def _build_keys(specs, existing):
    """keyCredentials are replaced as a whole, as Graph does; an entry naming an existing keyId
    without a key keeps that certificate."""
    if specs is None:
        return list(existing)
    by_id = {k.key_id.lower(): k for k in existing}
    result = []
    for spec in specs:
        blob, key_id = spec.get("key"), spec.get("keyId")
        if blob is None:
            if isinstance(key_id, str) and key_id.lower() in by_id:
                result.append(by_id[key_id.lower()])
                continue
            raise _invalid("keyCredentials")
        if spec.get("type", "AsymmetricX509Cert") != "AsymmetricX509Cert" or spec.get("usage", "Verify") != "Verify":
            raise _invalid("keyCredentials")
        try:
            raw = base64.b64decode(blob)
            # The portal uploads DER; some tools send the PEM text base64-encoded again.
            der = load_der_from_pem(raw) if raw.lstrip().startswith(b"-----BEGIN") else raw
            not_before, not_after, subject = describe_der(der)
        except (ValueError, TypeError):
            raise _invalid("keyCredentials") from None
        x5t, x5t_s256 = thumbprints(der)
        result.append(KeyCredential(
            key_id=key_id if isinstance(key_id, str) and _GUID.match(key_id) else str(uuid.uuid4()),
            display_name=spec.get("displayName") or subject,
            start=date_field(spec, "startDateTime", not_before * timefmt.TICKS_PER_SECOND),
            end=date_field(spec, "endDateTime", not_after * timefmt.TICKS_PER_SECOND),
            der=der, x5t=x5t, x5t_s256=x5t_s256,
            custom_key_identifier=base64.b64encode(hashlib.sha1(der).digest()).decode(),
        ))
    return result
