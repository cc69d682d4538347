"""Client-credentials tokens from glewlwyd 2.7.5 for a dynamically registered client."""

import time

from oidc_support import http, jwt_parts, register, rs256_verify, token


def jwks(server):
    return http("GET", server.issuer + "/jwks").json["keys"]


def test_client_credentials_basic_gives_a_signed_jwt(oidc_server, client):
    before = int(time.time())
    r = token(oidc_server, client["client_id"], client["client_secret"], scope="api.read")
    assert r.status == 200, r
    assert r.headers.get("cache-control") == "no-store"
    body = r.json
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "bearer"  # lower case
    assert body["expires_in"] == 3600
    assert body["scope"] == "api.read"

    header, claims, _, _ = jwt_parts(body["access_token"])
    assert header == {"typ": "at+jwt", "alg": "RS256", "kid": header["kid"]}
    (key,) = [k for k in jwks(oidc_server) if k["kid"] == header["kid"]]
    assert rs256_verify(body["access_token"], key)
    assert claims["iss"] == oidc_server.issuer
    assert claims["client_id"] == client["client_id"]
    assert claims["sub"] == client["client_id"]
    assert claims["scope"] == "api.read"
    assert claims["type"] == "access_token"
    assert claims["aud"] == "api.read"  # without a resource parameter: the scope
    assert before - 5 <= claims["iat"] <= time.time() + 5
    assert claims["nbf"] == claims["iat"]
    assert claims["exp"] == claims["iat"] + 3600
    assert len(claims["jti"]) == 32


def test_resource_parameter_sets_aud(oidc_server, client):
    r = token(oidc_server, client["client_id"], client["client_secret"], scope="api.read",
              resource="https://api.example.test")
    assert r.status == 200, r
    assert jwt_parts(r.json["access_token"])[1]["aud"] == "https://api.example.test"


def test_two_scopes_at_once(oidc_server, client):
    r = token(oidc_server, client["client_id"], client["client_secret"], scope="api.read api.write")
    assert r.status == 200, r
    assert sorted(r.json["scope"].split()) == ["api.read", "api.write"]


def test_wrong_secret_is_403_with_empty_body(oidc_server, client):
    r = token(oidc_server, client["client_id"], client["client_secret"] + "x")
    assert r.status == 403, r  # not 400/401 invalid_client as RFC 6749 says
    assert r.body == b""
    assert "www-authenticate" not in r.headers


def test_unknown_client_is_403_with_empty_body(oidc_server):
    r = token(oidc_server, "no-such-client", "whatever")
    assert r.status == 403, r
    assert r.body == b""


def test_missing_scope_is_403_with_empty_body(oidc_server, client):
    r = token(oidc_server, client["client_id"], client["client_secret"], scope=None)
    assert r.status == 403, r
    assert r.body == b""


def test_scope_not_allowed_is_400_scope_invalid(oidc_server, client):
    for scope in ("api.admin", "openid"):
        r = token(oidc_server, client["client_id"], client["client_secret"], scope=scope)
        assert r.status == 400, r
        assert r.json == {"error": "scope_invalid"}  # sic, RFC 6749 says invalid_scope


def test_client_secret_post_refused_for_a_basic_client(oidc_server, client):
    r = http("POST", oidc_server.info["token_endpoint"],
             form={"grant_type": "client_credentials", "scope": "api.read",
                   "client_id": client["client_id"], "client_secret": client["client_secret"]})
    assert r.status == 403, r
    assert r.body == b""


def test_client_secret_post_client_must_use_post(oidc_server):
    c = register(oidc_server, token_endpoint_auth_method="client_secret_post").json
    assert c["token_endpoint_auth_method"] == "client_secret_post" and c["client_secret"]
    r = http("POST", oidc_server.info["token_endpoint"],
             form={"grant_type": "client_credentials", "scope": "api.read",
                   "client_id": c["client_id"], "client_secret": c["client_secret"]})
    assert r.status == 200, r
    assert token(oidc_server, c["client_id"], c["client_secret"]).status == 403


def test_unsupported_grant_type_is_400(oidc_server, client):
    r = http("POST", oidc_server.info["token_endpoint"], form={"grant_type": "bogus"},
             basic=(client["client_id"], client["client_secret"]))
    assert r.status == 400, r
    assert r.body == b""


def test_client_without_client_credentials_grant_is_refused(oidc_server):
    c = register(oidc_server, grant_types=None).json
    assert c["grant_types"] == ["authorization_code"]
    r = token(oidc_server, c["client_id"], c["client_secret"])
    assert r.status == 400, r


def test_introspection_of_own_token(oidc_server, client):
    at = token(oidc_server, client["client_id"], client["client_secret"]).json["access_token"]
    r = http("POST", oidc_server.issuer + "/introspect", form={"token": at},
             basic=(client["client_id"], client["client_secret"]))
    assert r.status == 200, r
    assert r.json["active"] is True
    assert r.json["client_id"] == client["client_id"]
    assert r.json["scope"] == "api.read"
    assert r.json["token_type"] == "bearer"
