"""The token endpoint: client secrets, client assertions, and errors in the AADSTS shape."""

import time

import pytest

from graph_harness import client_assertion, http

ERROR_FIELDS = {"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"}


def assert_aadsts(status, payload, want_status, want_error, code):
    assert status == want_status, payload
    assert ERROR_FIELDS <= set(payload)
    assert payload["error"] == want_error
    assert payload["error_codes"] == [code]
    assert payload["error_description"].startswith(f"AADSTS{code}:")
    assert "Trace ID: " + payload["trace_id"] in payload["error_description"]


def test_admin_secret_gets_a_bearer_token(server):
    status, payload = server.token(secret=server.admin_secret)
    assert status == 200
    assert payload["token_type"] == "Bearer"
    assert payload["expires_in"] == 3599 and payload["ext_expires_in"] == 3599
    assert payload["access_token"].count(".") == 2


def test_basic_authentication_is_accepted(server):
    import base64
    import urllib.parse
    pair = f"{urllib.parse.quote_plus(server.client_id)}:{urllib.parse.quote_plus(server.admin_secret)}"
    status, _, payload = http("POST", server.token_url,
                              form={"grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"},
                              headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()})
    assert status == 200, payload


def test_wrong_secret_is_7000215(server):
    assert_aadsts(*server.token(secret="not-the-secret"), 401, "invalid_client", 7000215)


def test_expired_secret_is_7000222_and_valid_again_after(server):
    status, state = server.control("POST", "/admin-secret", {"state": "expired"})
    assert status == 200 and state["state"] == "expired"
    assert_aadsts(*server.token(secret=server.admin_secret), 401, "invalid_client", 7000222)
    server.control("POST", "/admin-secret", {"state": "valid"})
    assert server.token(secret=server.admin_secret)[0] == 200


def test_rotated_admin_secret_makes_the_file_wrong(server):
    assert server.control("POST", "/admin-secret", {"state": "rotated"})[0] == 200
    assert_aadsts(*server.token(secret=server.admin_secret), 401, "invalid_client", 7000215)


def test_a_new_secret_is_refused_until_it_has_replicated(server):
    status, _, app = server.graph_call("POST", "/applications", {"displayName": "replication-lag"})
    assert status == 201, app
    assert server.control("POST", "/propagation", {"ms": 1500})[0] == 200
    status, _, added = server.graph_call("POST", f"/applications/{app['id']}/addPassword", {})
    assert status == 200, added
    created = time.monotonic()
    assert_aadsts(*server.token(client_id=app["appId"], secret=added["secretText"]), 401, "invalid_client", 7000215)
    time.sleep(max(0.0, 1.6 - (time.monotonic() - created)))
    assert server.token(client_id=app["appId"], secret=added["secretText"])[0] == 200
    # The delay is for secrets added while it is set: the admin's own secret was never delayed.
    assert server.token(secret=server.admin_secret)[0] == 200
    assert server.control("POST", "/propagation", {"ms": -1})[0] == 400


def test_unknown_client_is_700016(server):
    assert_aadsts(*server.token(client_id="11111111-2222-3333-4444-555555555555", secret="x"),
                  400, "unauthorized_client", 700016)


def test_unknown_tenant_is_90002(server):
    assert_aadsts(*server.token(secret=server.admin_secret, tenant="99999999-9999-9999-9999-999999999999"),
                  400, "invalid_request", 90002)


@pytest.mark.parametrize("scope", ["https://graph.microsoft.com/User.Read", "https://example.org/.default",
                                   "https://graph.microsoft.com/.default openid"])
def test_bad_scope_is_70011(server, scope):
    assert_aadsts(*server.token(secret=server.admin_secret, scope=scope), 400, "invalid_scope", 70011)


def test_missing_credentials_is_7000218(server):
    assert_aadsts(*server.token(), 401, "invalid_client", 7000218)


def test_correlation_id_echoes_client_request_id(server):
    status, headers, payload = http("POST", server.token_url, form={
        "grant_type": "client_credentials", "client_id": server.client_id, "client_secret": "wrong",
        "scope": "https://graph.microsoft.com/.default"}, headers={"client-request-id": "c0ffee00-0000-4000-8000-000000000001"})
    assert status == 401
    assert payload["correlation_id"] == "c0ffee00-0000-4000-8000-000000000001"
    assert headers["client-request-id"] == "c0ffee00-0000-4000-8000-000000000001"


def test_app_scope_token_is_not_a_graph_token(server):
    app_id = server.client_id
    status, payload = server.token(secret=server.admin_secret, scope=f"api://{app_id}/.default")
    assert status == 200
    status, _, body = server.graph_call("GET", "/applications?$top=1", token=payload["access_token"])
    assert status == 401 and body["error"]["code"] == "InvalidAuthenticationToken"


@pytest.mark.parametrize("thumb", ["x5t", "x5t#S256"])
def test_certificate_assertion_gets_a_token(server, thumb):
    status, payload = server.token(assertion=client_assertion(server, thumb=thumb))
    assert status == 200, payload
    status, _, body = server.graph_call("GET", "/applications?$top=1", token=payload["access_token"])
    assert status == 200 and len(body["value"]) == 1


def test_assertion_signed_by_another_key_is_700027(server, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "other.pem"
    key_file.write_bytes(other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    assert_aadsts(*server.token(assertion=client_assertion(server, private_key_file=key_file)),
                  401, "invalid_client", 700027)


def test_assertion_for_another_audience_is_700023(server):
    assertion = client_assertion(server, aud="https://login.microsoftonline.com/common/oauth2/v2.0/token")
    assert_aadsts(*server.token(assertion=assertion), 401, "invalid_client", 700023)


def test_expired_assertion_is_700024(server):
    past = int(time.time()) - 3600
    assertion = client_assertion(server, nbf=past - 600, iat=past - 600, exp=past)
    assert_aadsts(*server.token(assertion=assertion), 401, "invalid_client", 700024)


def test_assertion_issuer_must_be_the_client_is_700021(server):
    assertion = client_assertion(server, iss="11111111-2222-3333-4444-555555555555")
    assert_aadsts(*server.token(assertion=assertion), 401, "invalid_client", 700021)


def test_garbage_assertion_is_malformed(server):
    assert_aadsts(*server.token(assertion="not.a-jwt"), 400, "invalid_request", 50027)


def test_get_is_refused_like_entra(server):
    status, _, payload = http("GET", server.token_url)
    assert_aadsts(status, payload, 400, "invalid_request", 900561)
