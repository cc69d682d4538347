"""Registration (RFC 7591, OIDC Dynamic Client Registration 1.0) as the strict provider enforces it."""
import time

import pytest

LOOPBACK = "http://127.0.0.1:9/unused"


def test_discovery_names_the_issuer_and_its_endpoints(provider):
    status, document = provider.call("GET", f"{provider.issuer}/.well-known/openid-configuration")
    assert status == 200
    assert document["issuer"] == provider.issuer
    assert document["registration_endpoint"] == f"{provider.issuer}/register"
    assert document["token_endpoint"] == f"{provider.issuer}/token"


def test_a_client_credentials_client_without_redirect_uris_registers_and_gets_tokens(provider):
    status, client = provider.register()
    assert status == 201
    assert client["client_secret_expires_at"] == 0
    assert client["registration_client_uri"] == f"{provider.issuer}/register/{client['client_id']}"
    assert provider.token(client["client_id"], client["client_secret"]) == 200
    assert provider.token(client["client_id"], "wrong") == 401


def test_a_web_client_with_a_loopback_http_redirect_uri_is_refused(provider):
    status, body = provider.register(redirect_uris=[LOOPBACK])
    assert status == 400 and body["error"] == "invalid_redirect_uri"
    status, body = provider.register(redirect_uris=[LOOPBACK], application_type="web")
    assert status == 400 and body["error"] == "invalid_redirect_uri"


def test_a_native_client_may_register_a_loopback_http_redirect_uri_but_not_a_remote_one(provider):
    status, client = provider.register(redirect_uris=[LOOPBACK], application_type="native")
    assert status == 201 and client["application_type"] == "native"
    status, body = provider.register(redirect_uris=["http://example.test/cb"], application_type="native")
    assert status == 400 and body["error"] == "invalid_redirect_uri"


def test_an_unknown_application_type_is_refused(provider):
    status, body = provider.register(application_type="desktop")
    assert status == 400 and body["error"] == "invalid_client_metadata"


@pytest.mark.parametrize("provider", [["--redirect-uris", "required"]], indirect=True)
def test_required_redirect_uris_refuse_a_registration_without_them(provider):
    status, body = provider.register()
    assert status == 400 and body["error"] == "invalid_redirect_uri"
    status, _ = provider.register(redirect_uris=[LOOPBACK], application_type="native")
    assert status == 201


@pytest.mark.parametrize("provider", [["--secret-lifetime", "3600"]], indirect=True)
def test_secret_lifetime_sets_client_secret_expires_at(provider):
    before = int(time.time())
    status, client = provider.register()
    assert status == 201
    assert before + 3600 <= client["client_secret_expires_at"] <= int(time.time()) + 3600
