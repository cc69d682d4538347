"""Applications and credentials rendered as Graph v1.0 JSON."""

import base64
import json

from . import schema, timefmt


def password_json(cred, secret_text=None) -> dict:
    # secretText is null on every read; only the addPassword answer carries it.
    return {
        "customKeyIdentifier": None,
        "displayName": cred.display_name,
        "endDateTime": timefmt.format_ticks(cred.end),
        "hint": cred.hint,
        "keyId": cred.key_id,
        "secretText": secret_text,
        "startDateTime": timefmt.format_ticks(cred.start),
    }


def key_json(cred, include_key: bool) -> dict:
    # Graph returns the certificate blob only for $select=keyCredentials on a single object.
    return {
        "customKeyIdentifier": cred.custom_key_identifier,
        "displayName": cred.display_name,
        "endDateTime": timefmt.format_ticks(cred.end),
        "key": base64.b64encode(cred.der).decode() if include_key else None,
        "keyId": cred.key_id,
        "startDateTime": timefmt.format_ticks(cred.start),
        "type": cred.type,
        "usage": cred.usage,
    }


def _value(app, name, publisher_domain, include_key):
    if name == "id":
        return app.id
    if name == "appId":
        return app.app_id
    if name == "deletedDateTime":
        return None
    if name == "createdDateTime":
        return timefmt.format_ticks(app.created)
    if name == "displayName":
        return app.display_name
    if name == "publisherDomain":
        return publisher_domain
    if name == "createdByAppId":
        return app.created_by_app_id
    if name == "passwordCredentials":
        return [password_json(c) for c in app.passwords]
    if name == "keyCredentials":
        return [key_json(c, include_key) for c in app.keys]
    # Stored values are replaced, never changed in place, so sharing them with the output is safe.
    if name in app.props:
        return app.props[name]
    return schema.shared_default(name)


def application_json(app, publisher_domain, select=None, include_key=False) -> dict:
    names = select if select else schema.DEFAULT_PROPERTIES
    return {name: _value(app, name, publisher_domain, include_key) for name in names}


def owner_json(principal) -> dict:
    body = {"@odata.type": principal.odata_type, "id": principal.id, "deletedDateTime": None,
            "displayName": principal.display_name}
    if principal.app_id:
        body["appId"] = principal.app_id
    return body


def application_bytes(app, publisher_domain, select=None, include_key=False) -> bytes:
    """application_json as compact JSON, cached per application until it changes.
    A 999-item page is then mostly a join of cached fragments. Call with the directory lock held."""
    key = (tuple(select) if select else None, include_key)
    hit = app.rendered.get(key)
    if hit is not None and hit[0] == app.rev:
        return hit[1]
    data = json.dumps(application_json(app, publisher_domain, select, include_key), separators=(",", ":")).encode()
    if len(app.rendered) >= 8:
        app.rendered.clear()
    app.rendered[key] = (app.rev, data)
    return data
