"""Client secrets: addPassword and removePassword through the SDK, checked at the token endpoint,
the way Clientele verifies a rotation."""

import base64
import datetime
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from graph_harness import ServerProcess, graph_client
from graph_sdk_models import AddPasswordPostRequestBody, ODataError, PasswordCredential, RemovePasswordPostRequestBody, \
    list_config

UTC = datetime.timezone.utc


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


async def seeded(client, name):
    found = (await client.applications.get(list_config(filter=f"displayName eq '{name}'"))).value
    assert len(found) == 1
    return found[0]


def test_rotation_add_verify_remove(server, sdk):
    end = datetime.datetime.now(UTC).replace(microsecond=0) + datetime.timedelta(days=90)

    async def add(c):
        app = await seeded(c, "app-00007")
        body = AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="rotation", end_date_time=end))
        added = await c.applications.by_application_id(app.id).add_password.post(body)
        after = await c.applications.by_application_id(app.id).get()
        return app, added, after

    app, added, after = sdk(add)
    secret = added.secret_text
    assert 16 <= len(secret) <= 64 and added.hint == secret[:3]
    assert added.display_name == "rotation" and added.end_date_time == end
    # The new secret works for that application, for Graph and for its own API.
    for scope in ("https://graph.microsoft.com/.default", f"api://{app.app_id}/.default"):
        status, payload = server.token(client_id=app.app_id, secret=secret, scope=scope)
        assert status == 200, payload
    # Reads carry the credential's hint and dates, never the text again.
    listed = {str(c.key_id): c for c in after.password_credentials}
    stored = listed[str(added.key_id)]
    assert stored.secret_text is None and stored.hint == added.hint and stored.end_date_time == end

    async def remove(c):
        await c.applications.by_application_id(app.id).remove_password.post(
            RemovePasswordPostRequestBody(key_id=added.key_id))
        return await c.applications.by_application_id(app.id).get()

    final = sdk(remove)
    assert str(added.key_id) not in {str(c.key_id) for c in final.password_credentials}
    status, payload = server.token(client_id=app.app_id, secret=secret)
    assert status == 401 and payload["error_codes"] == [7000215]


def test_default_lifetime_is_two_years(server, sdk):
    async def add(c):
        app = await seeded(c, "app-00008")
        return await c.applications.by_application_id(app.id).add_password.post(AddPasswordPostRequestBody())

    added = sdk(add)
    start, end = added.start_date_time, added.end_date_time
    assert abs((start - datetime.datetime.now(UTC)).total_seconds()) < 60
    assert end.replace(year=end.year - 2) == start


def test_both_action_spellings_and_the_app_id_key(server):
    status, _, app = server.graph_call("GET", "/applications?$filter=displayName eq 'app-00009'&$select=id,appId")
    app = app["value"][0]
    paths = [f"/applications/{app['id']}/microsoft.graph.addPassword",
             f"/applications(appId='{app['appId']}')/addPassword",
             f"/applications(appId='{app['appId']}')/microsoft.graph.addPassword"]
    added = []
    for path in paths:
        status, _, body = server.graph_call("POST", path, {"passwordCredential": {"displayName": path[-20:]}})
        assert status == 200, body
        assert body["@odata.context"] == f"{server.graph}/$metadata#microsoft.graph.passwordCredential"
        assert server.token(client_id=app["appId"], secret=body["secretText"])[0] == 200
        added.append(body["keyId"])
    for key_id, path in zip(added, [f"/applications/{app['id']}/removePassword",
                                    f"/applications(appId='{app['appId']}')/removePassword",
                                    f"/applications/{app['id']}/microsoft.graph.removePassword"]):
        status, _, body = server.graph_call("POST", path, {"keyId": key_id})
        assert status == 204 and body is None


def test_removing_an_unknown_key_is_a_graph_error(server, sdk):
    async def run(c):
        app = await seeded(c, "app-00010")
        with pytest.raises(ODataError) as caught:
            await c.applications.by_application_id(app.id).remove_password.post(
                RemovePasswordPostRequestBody(key_id="00000000-0000-4000-8000-000000000000"))
        return caught.value

    err = sdk(run)
    assert err.response_status_code == 400
    assert err.error.code == "Request_BadRequest" and "00000000-0000-4000-8000-000000000000" in err.error.message


def test_end_before_start_is_refused(server, sdk):
    async def run(c):
        app = await seeded(c, "app-00011")
        now = datetime.datetime.now(UTC)
        body = AddPasswordPostRequestBody(password_credential=PasswordCredential(
            start_date_time=now, end_date_time=now - datetime.timedelta(days=1)))
        with pytest.raises(ODataError) as caught:
            await c.applications.by_application_id(app.id).add_password.post(body)
        return caught.value

    assert sdk(run).response_status_code == 400


def test_seeded_secrets_span_expired_soon_and_far(server):
    status, _, body = server.graph_call(
        "GET", "/applications?$filter=startswith(displayName,'app-0010')&$select=displayName,passwordCredentials")
    assert status == 200 and len(body["value"]) == 10
    now = datetime.datetime.now(UTC)
    ends = []
    for app in body["value"]:
        assert 1 <= len(app["passwordCredentials"]) <= 2
        ends += [parse(c["endDateTime"]) - now for c in app["passwordCredentials"]]
    assert any(d < datetime.timedelta(0) for d in ends)
    assert any(datetime.timedelta(0) < d < datetime.timedelta(days=30) for d in ends)
    assert any(d > datetime.timedelta(days=365) for d in ends)


def test_admin_app_shows_its_own_secret_expiry_and_certificate(server):
    status, _, admin = server.graph_call("GET", f"/applications(appId='{server.client_id}')")
    assert status == 200 and admin["displayName"] == "clientele-admin"
    secret = next(c for c in admin["passwordCredentials"] if c["displayName"] == "clientele-admin-secret")
    assert secret["hint"] == server.admin_secret[:3] and secret["secretText"] is None
    left = parse(secret["endDateTime"]) - datetime.datetime.now(UTC)
    assert datetime.timedelta(days=170) < left < datetime.timedelta(days=190)

    der = x509.load_pem_x509_certificate(Path(server.info["certificate_file"]).read_bytes()) \
        .public_bytes(serialization.Encoding.DER)
    [key] = admin["keyCredentials"]
    assert key["type"] == "AsymmetricX509Cert" and key["usage"] == "Verify" and key["key"] is None
    assert key["customKeyIdentifier"] == base64.b64encode(hashlib.sha1(der).digest()).decode()
    status, _, selected = server.graph_call("GET", f"/applications/{admin['id']}?$select=keyCredentials")
    assert base64.b64decode(selected["keyCredentials"][0]["key"]) == der


def test_expired_admin_secret_is_visible_when_read(server):
    # A token issued before the secret expired stays good until its own expiry, as in Entra.
    token = server.admin_token()
    server.control("POST", "/admin-secret", {"state": "expired"})
    status, _, admin = server.graph_call("GET", f"/applications(appId='{server.client_id}')?$select=passwordCredentials",
                                         token=token)
    assert status == 200
    secret = next(c for c in admin["passwordCredentials"] if c["displayName"] == "clientele-admin-secret")
    assert parse(secret["endDateTime"]) < datetime.datetime.now(UTC)


def test_tenant_lifetime_policy_caps_new_secrets():
    srv = ServerProcess("--applications", 3, "--max-secret-lifetime-days", 90, "--quiet")
    try:
        import asyncio

        async def run():
            c = graph_client(srv)
            app = await seeded(c, "app-00001")
            with pytest.raises(ODataError) as too_long:
                await c.applications.by_application_id(app.id).add_password.post(AddPasswordPostRequestBody())
            short = datetime.datetime.now(UTC) + datetime.timedelta(days=60)
            ok = await c.applications.by_application_id(app.id).add_password.post(AddPasswordPostRequestBody(
                password_credential=PasswordCredential(end_date_time=short)))
            return too_long.value, ok

        err, ok = asyncio.run(run())
        assert err.response_status_code == 400
        assert err.error.code == "CredentialInvalidLifetimeAsPerAppPolicy"
        assert err.error.details[0].code == "InvalidKeyEndDate"
        assert ok.secret_text
    finally:
        srv.stop()


def test_secrets_given_at_create_are_returned_once(server):
    status, _, created = server.graph_call("POST", "/applications", {
        "displayName": "created-with-secret", "passwordCredentials": [{"displayName": "at-create"}]})
    try:
        assert status == 201
        [cred] = created["passwordCredentials"]
        assert cred["displayName"] == "at-create" and cred["hint"] == cred["secretText"][:3]
        assert server.token(client_id=created["appId"], secret=cred["secretText"])[0] == 200
        status, _, read = server.graph_call("GET", f"/applications/{created['id']}")
        assert read["passwordCredentials"][0]["secretText"] is None
        status, _, body = server.graph_call("PATCH", f"/applications/{created['id']}",
                                            {"passwordCredentials": []})
        assert status == 400 and body["error"]["code"] == "Request_BadRequest"
        status, _, body = server.graph_call("PATCH", f"/applications/{created['id']}", {"appId": created["id"]})
        assert status == 400
    finally:
        server.graph_call("DELETE", f"/applications/{created['id']}")


def test_uploaded_certificate_enables_the_assertion_flow_for_that_app(server):
    from graph_harness import client_assertion
    der = x509.load_pem_x509_certificate(Path(server.info["certificate_file"]).read_bytes()) \
        .public_bytes(serialization.Encoding.DER)
    status, _, created = server.graph_call("POST", "/applications", {"displayName": "cert-holder"})
    try:
        status, _, _ = server.graph_call("PATCH", f"/applications/{created['id']}", {"keyCredentials": [
            {"type": "AsymmetricX509Cert", "usage": "Verify", "key": base64.b64encode(der).decode()}]})
        assert status == 204
        assertion = client_assertion(server, iss=created["appId"], sub=created["appId"])
        status, payload = server.token(client_id=created["appId"], assertion=assertion)
        assert status == 200, payload
    finally:
        server.graph_call("DELETE", f"/applications/{created['id']}")
