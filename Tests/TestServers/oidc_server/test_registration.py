"""RFC 7591 dynamic client registration at glewlwyd 2.7.5."""

import time

from oidc_support import REDIRECT_URI, http, register, token


def test_register_client_credentials_client(oidc_server):
    before = int(time.time())
    r = register(oidc_server, client_name="reg-ok")
    assert r.status == 200, r  # 200, not the 201 RFC 7591 asks for
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers.get("cache-control") == "no-store"
    c = r.json
    assert isinstance(c["client_id"], str) and len(c["client_id"]) == 16
    assert isinstance(c["client_secret"], str) and len(c["client_secret"]) == 32
    assert isinstance(c["registration_access_token"], str) and len(c["registration_access_token"]) == 32
    assert c["registration_client_uri"] == f"{oidc_server.info['registration_endpoint']}/{c['client_id']}"
    assert before - 5 <= c["client_id_issued_at"] <= time.time() + 5
    assert c["client_secret_expires_at"] == 0
    # The request metadata is echoed back as sent ...
    assert c["client_name"] == "reg-ok"
    assert c["redirect_uris"] == [REDIRECT_URI]
    assert c["grant_types"] == ["client_credentials"]
    assert c["token_endpoint_auth_method"] == "client_secret_basic"
    assert c["scope"] == "api.read"
    # ... plus defaults glewlwyd adds.
    assert c["application_type"] == "web"
    assert c["response_types"] == ["code"]


def test_two_registrations_get_distinct_credentials(oidc_server):
    a, b = register(oidc_server).json, register(oidc_server).json
    assert a["client_id"] != b["client_id"]
    assert a["client_secret"] != b["client_secret"]
    assert a["registration_access_token"] != b["registration_access_token"]


def test_registration_without_redirect_uris_is_400(oidc_server):
    r = register(oidc_server, redirect_uris=None)
    assert r.status == 400, r
    assert r.json == {"error": "invalid_redirect_uri",
                      "error_description": "redirect_uris is mandatory and must be an array of strings"}


def test_registration_with_empty_redirect_uris_is_400(oidc_server):
    r = register(oidc_server, redirect_uris=[])
    assert r.status == 400, r
    assert r.json["error"] == "invalid_redirect_uri"


def test_registration_with_plain_http_redirect_is_400_but_loopback_http_is_ok(oidc_server):
    r = register(oidc_server, redirect_uris=["http://app.example.test/cb"])
    assert r.status == 400, r
    assert r.json == {"error": "invalid_redirect_uri",
                      "error_description": "a redirect_uri must be a 'https://' uri or a 'http://localhost' "
                                           "uri without credentials"}
    r = register(oidc_server, redirect_uris=["http://127.0.0.1:9/cb"])
    assert r.status == 200, r


def test_registration_with_invalid_json_is_400(oidc_server):
    r = http("POST", oidc_server.info["registration_endpoint"], raw_body="not json")
    assert r.status == 400, r
    assert r.json == {"error": "invalid_client_metadata",
                      "error_description": "registration parameter must be a JSON object"}


def test_registration_with_unknown_grant_type_is_400(oidc_server):
    r = register(oidc_server, grant_types=["bogus"])
    assert r.status == 400, r
    assert r.json["error"] == "invalid_client_metadata"
    assert "grant_types must have one of the following values" in r.json["error_description"]


def test_quirk_without_token_endpoint_auth_method_the_client_is_public(oidc_server):
    # RFC 7591 says the default is client_secret_basic; glewlwyd registers a
    # PUBLIC client with no secret: always send token_endpoint_auth_method.
    r = register(oidc_server, token_endpoint_auth_method=None)
    assert r.status == 200, r
    assert "client_secret" not in r.json
    assert "token_endpoint_auth_method" not in r.json
    assert r.json["registration_access_token"]


def test_client_secret_in_registration_request_is_ignored(oidc_server):
    r = register(oidc_server, client_secret="chosen-by-the-client")
    assert r.status == 200, r
    assert r.json["client_secret"] != "chosen-by-the-client"
    assert len(r.json["client_secret"]) == 32
    assert token(oidc_server, r.json["client_id"], r.json["client_secret"]).status == 200


def test_client_name_is_optional(oidc_server):
    r = register(oidc_server, client_name=None)
    assert r.status == 200, r
    assert "client_name" not in r.json and r.json["client_secret"]


def test_quirk_registered_scope_does_not_restrict_client_credentials_scopes(oidc_server):
    # Client-credentials scopes come from the plugin's
    # register-client-credentials-scope (api.read, api.write) for every
    # registered client, whatever "scope" the registration asked for.
    c = register(oidc_server, scope="api.read").json
    r = token(oidc_server, c["client_id"], c["client_secret"], scope="api.write")
    assert r.status == 200, r
    assert r.json["scope"] == "api.write"
