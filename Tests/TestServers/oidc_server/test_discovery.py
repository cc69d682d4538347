"""Discovery document and JWKS of the glewlwyd test provider."""

import re

from oidc_support import http


def discovery(server):
    r = http("GET", server.issuer + "/.well-known/openid-configuration")
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("application/json")
    return r.json


def test_printed_line_has_the_promised_fields(oidc_server):
    info = oidc_server.info
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/oidc", info["issuer"])
    assert info["registration_endpoint"] == info["issuer"] + "/register"
    assert info["token_endpoint"] == info["issuer"] + "/token"
    assert info["scopes"] == ["api.read"]
    assert isinstance(info["pid"], int) and info["pid"] > 1
    assert info["state_dir"]


def test_issuer_and_endpoints_match_the_printed_line(oidc_server):
    doc = discovery(oidc_server)
    issuer = oidc_server.issuer
    assert doc["issuer"] == issuer
    assert doc["registration_endpoint"] == oidc_server.info["registration_endpoint"] == f"{issuer}/register"
    assert doc["token_endpoint"] == oidc_server.info["token_endpoint"] == f"{issuer}/token"
    assert doc["jwks_uri"] == f"{issuer}/jwks"
    assert doc["introspection_endpoint"] == f"{issuer}/introspect"
    assert doc["revocation_endpoint"] == f"{issuer}/revoke"


def test_token_endpoint_auth_methods(oidc_server):
    doc = discovery(oidc_server)
    assert "client_secret_basic" in doc["token_endpoint_auth_methods_supported"]
    assert "client_secret_post" in doc["token_endpoint_auth_methods_supported"]


def test_quirk_grant_types_supported_omits_client_credentials(oidc_server):
    # glewlwyd 2.7.5 lists only the browser flows although client_credentials
    # works: an adapter must not refuse a provider for lacking it here.
    doc = discovery(oidc_server)
    assert "client_credentials" not in doc.get("grant_types_supported", [])
    assert "authorization_code" in doc["grant_types_supported"]


def test_jwks_has_one_rs256_signing_key_with_kid(oidc_server):
    r = http("GET", discovery(oidc_server)["jwks_uri"])
    assert r.status == 200, r
    keys = r.json["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
    assert key["e"] == "AQAB" and len(key["n"]) > 300  # 2048-bit modulus
    assert "d" not in key  # public part only
