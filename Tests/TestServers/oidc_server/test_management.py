"""RFC 7592 client management (read / update / delete) at glewlwyd 2.7.5."""

import os
import sqlite3

from oidc_support import REDIRECT_URI, http, jwt_parts, register, token


def read(client, rat=None):
    return http("GET", client["registration_client_uri"],
                bearer=rat if rat is not None else client["registration_access_token"])


def update(client, body, rat=None):
    return http("PUT", client["registration_client_uri"], json_body=body,
                bearer=rat if rat is not None else client["registration_access_token"])


def delete(client, rat=None):
    return http("DELETE", client["registration_client_uri"],
                bearer=rat if rat is not None else client["registration_access_token"])


def full_metadata(client, **changes):
    """What the adapter should send on PUT: the complete metadata incl. client_id."""
    body = {
        "client_id": client["client_id"],
        "client_name": client.get("client_name", "clientele-test"),
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    body.update(changes)
    return body


def introspect(server, at, creds):
    r = http("POST", server.issuer + "/introspect", form={"token": at}, basic=creds)
    assert r.status == 200, r
    return r.json


# ------------------------------------------------------------------- read

def test_read_with_registration_access_token(client):
    r = read(client)
    assert r.status == 200, r
    c = r.json
    assert c["client_id"] == client["client_id"]
    assert c["client_secret"] == client["client_secret"]  # the current secret is returned
    assert c["client_name"] == client["client_name"]
    assert c["redirect_uris"] == [REDIRECT_URI]
    assert c["response_types"] == ["code"]
    # Shapes differ from the registration response:
    assert c["token_endpoint_auth_method"] == ["client_secret_basic"]  # a LIST, not a string
    assert c["grant_types"] == ["authorization_code", "client_credentials"]  # code added
    assert c["description"] == ""
    for absent in ("registration_access_token", "registration_client_uri", "client_id_issued_at",
                   "client_secret_expires_at", "scope", "application_type"):
        assert absent not in c, absent
    # Reading is repeatable.
    assert read(client).status == 200


def test_read_with_wrong_or_missing_token_is_401_with_empty_body(oidc_server, client):
    r = read(client, rat="not-the-token")
    assert r.status == 401, r
    assert r.body == b"" and "www-authenticate" not in r.headers
    r = http("GET", client["registration_client_uri"])
    assert r.status == 401, r
    # A wrong token does not hurt the right one.
    assert read(client).status == 200


def test_quirk_using_the_token_on_another_clients_uri_disables_it(oidc_server, client):
    other = register(oidc_server).json
    r = http("GET", other["registration_client_uri"], bearer=client["registration_access_token"])
    assert r.status == 401, r
    # glewlwyd then disables this registration access token for good:
    assert read(client).status == 401
    assert read(other).status == 200
    # The client itself still works at the token endpoint.
    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 200


# ------------------------------------------------------------------- update

def test_update_rotates_the_secret_without_overlap(oidc_server, client):
    old_at = token(oidc_server, client["client_id"], client["client_secret"]).json["access_token"]
    r = update(client, full_metadata(client, client_name="renamed"))
    assert r.status == 200, r
    u = r.json
    assert u["client_id"] == client["client_id"]
    assert u["client_name"] == "renamed"
    assert u["token_endpoint_auth_method"] == "client_secret_basic"
    new_secret = u["client_secret"]
    assert new_secret and new_secret != client["client_secret"] and len(new_secret) == 32
    # The response carries no new registration access token (nor its URI, issued_at, expires_at).
    for absent in ("registration_access_token", "registration_client_uri", "client_id_issued_at",
                   "client_secret_expires_at"):
        assert absent not in u, absent

    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 403  # at once
    assert token(oidc_server, client["client_id"], new_secret).status == 200

    # The registration access token is NOT rotated: the old one still manages the client.
    r = read(client)
    assert r.status == 200, r
    assert r.json["client_secret"] == new_secret
    assert r.json["client_name"] == "renamed"

    # Access tokens issued under the old secret stay active until they expire.
    assert introspect(oidc_server, old_at, (client["client_id"], new_secret))["active"] is True


def test_update_ignores_a_client_secret_in_the_body(oidc_server, client):
    r = update(client, full_metadata(client, client_secret="keep-this-secret-0123456789"))
    assert r.status == 200, r
    assert r.json["client_secret"] != "keep-this-secret-0123456789"
    assert r.json["client_secret"] != client["client_secret"]
    assert token(oidc_server, client["client_id"], r.json["client_secret"]).status == 200
    assert token(oidc_server, client["client_id"], "keep-this-secret-0123456789").status == 403


def test_update_twice_rotates_twice(oidc_server, client):
    s1 = update(client, full_metadata(client)).json["client_secret"]
    s2 = update(client, full_metadata(client)).json["client_secret"]
    assert len({client["client_secret"], s1, s2}) == 3
    assert token(oidc_server, client["client_id"], s1).status == 403
    assert token(oidc_server, client["client_id"], s2).status == 200


def test_quirk_update_without_token_endpoint_auth_method_makes_the_client_public(oidc_server, client):
    body = full_metadata(client)
    del body["token_endpoint_auth_method"]
    r = update(client, body)
    assert r.status == 200, r
    assert "client_secret" not in r.json
    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 403
    assert "client_secret" not in read(client).json


def test_update_without_client_id_is_400(client):
    body = full_metadata(client)
    del body["client_id"]
    r = update(client, body)
    assert r.status == 400, r
    assert r.json == {"error": "invalid_client_metadata", "error_description": "Invalid client_id"}


def test_update_with_another_client_id_is_400(client):
    r = update(client, full_metadata(client, client_id="someone-else"))
    assert r.status == 400, r
    assert r.json == {"error": "invalid_client_metadata", "error_description": "Invalid client_id"}
    assert read(client).status == 200  # and the token still works


def test_update_without_redirect_uris_is_400(oidc_server, client):
    body = full_metadata(client)
    del body["redirect_uris"]
    r = update(client, body)
    assert r.status == 400, r
    assert r.json["error"] == "invalid_redirect_uri"
    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 200  # unchanged


def test_update_with_wrong_token_is_401(oidc_server, client):
    r = update(client, full_metadata(client), rat="not-the-token")
    assert r.status == 401, r
    assert r.body == b""
    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 200


# ------------------------------------------------------------------- delete

def test_delete_then_everything_is_refused(oidc_server, client):
    creds = (client["client_id"], client["client_secret"])
    at = token(oidc_server, *creds).json["access_token"]
    r = delete(client)
    assert r.status == 200, r  # RFC 7592 says 204
    assert r.body == b""
    assert read(client).status == 401
    assert token(oidc_server, *creds).status == 403
    assert update(client, full_metadata(client)).status == 401
    assert delete(client).status == 401
    # DELETE disables rather than removes: the client row stays (gc_enabled=0),
    # the registration access token is marked disabled, and access tokens
    # already issued are NOT revoked (self-contained JWTs, valid until exp).
    # Only the provider's database shows this (introspection is restricted to
    # the token's own client, whose credentials no longer work).
    db = sqlite3.connect(os.path.join(oidc_server.info["state_dir"], "glewlwyd.db"))
    try:
        assert db.execute("SELECT gc_enabled FROM g_client WHERE gc_client_id = ?",
                          (client["client_id"],)).fetchall() == [(0,)]
        assert db.execute("SELECT gpocr_management_at_hash FROM gpo_client_registration "
                          "WHERE gpocr_cient_id = ?", (client["client_id"],)).fetchall() == [("disabled",)]
        jti = jwt_parts(at)[1]["jti"]
        assert db.execute("SELECT gpoa_enabled FROM gpo_access_token WHERE gpoa_jti = ?",
                          (jti,)).fetchall() == [(1,)]
    finally:
        db.close()


def test_introspection_only_shows_a_clients_own_tokens(oidc_server, client):
    at = token(oidc_server, client["client_id"], client["client_secret"]).json["access_token"]
    other = register(oidc_server).json
    assert introspect(oidc_server, at, (other["client_id"], other["client_secret"])) == {"active": False}
    assert introspect(oidc_server, at, (client["client_id"], client["client_secret"]))["active"] is True
    r = http("POST", oidc_server.issuer + "/introspect", form={"token": at})
    assert r.status == 401, r


def test_delete_with_wrong_token_is_401(oidc_server, client):
    r = delete(client, rat="not-the-token")
    assert r.status == 401, r
    assert token(oidc_server, client["client_id"], client["client_secret"]).status == 200


def test_update_with_invalid_json_is_400(oidc_server, client):
    r = http("PUT", client["registration_client_uri"], raw_body="not json",
             bearer=client["registration_access_token"])
    assert r.status == 400, r
    assert r.json == {"error": "invalid_client_metadata",
                      "error_description": "registration parameter must be a JSON object"}


def test_quirk_update_without_grant_types_drops_client_credentials(oidc_server, client):
    body = full_metadata(client)
    del body["grant_types"], body["client_name"]
    r = update(client, body)
    assert r.status == 200, r
    assert r.json["grant_types"] == ["authorization_code"]
    assert token(oidc_server, client["client_id"], r.json["client_secret"]).status == 400
    after = read(client).json
    assert after["grant_types"] == ["authorization_code"]
    assert after["client_name"] == client["client_name"]  # omitted name is kept
