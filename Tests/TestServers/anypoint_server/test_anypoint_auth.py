"""Access Management's client-credentials token and API Manager's bearer check, with raw requests (every
response validated against the fragments)."""

import pytest


def test_token_reply_shape(server):
    r = server.new_token()
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"].lower() == "bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) >= 32


def test_a_form_encoded_token_request_works_too(server):
    import requests
    r = requests.post(server.info["token_url"], data={"client_id": server.client_id, "grant_type": "client_credentials",
                                                      "client_secret": server.client_secret}, timeout=10)
    assert r.status_code == 200 and r.json()["access_token"]


@pytest.mark.parametrize("change, status, message", [
    ({"client_secret": "not-the-secret"}, 401, "Invalid client credentials"),
    ({"client_id": "0" * 32}, 401, "Invalid client credentials"),
    ({"grant_type": "password"}, 400, "grant_type must be client_credentials"),
    ({"client_secret": None}, 400, "client_id and client_secret are required"),
])
def test_token_refusals_are_anypoints_error_shape(server, change, status, message):
    import requests
    body = {"client_id": server.client_id, "client_secret": server.client_secret, "grant_type": "client_credentials"}
    body.update(change)
    r = requests.post(server.info["token_url"], json={k: v for k, v in body.items() if v is not None}, timeout=10)
    assert r.status_code == status
    assert r.json()["message"] == message


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_api_manager_refuses_without_a_valid_bearer(server, header):
    import requests
    headers = {} if header is None else {"Authorization": header}
    r = requests.get(server.env_url("Prod"), headers=headers, timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized", "message": "Unauthorized"}


def test_revoked_tokens_stop_working_and_a_new_one_does(server):
    token = server.new_token().json()["access_token"]
    assert server.call("GET", server.env_url(), token=token, params={"limit": 1}).status_code == 200
    server.control("POST", "/revoke-tokens")
    server._token = None
    assert server.call("GET", server.env_url(), token=token, params={"limit": 1}).status_code == 401
    assert server.call("GET", server.env_url(), params={"limit": 1}).status_code == 200


def test_another_organization_is_403_and_an_unknown_environment_404(server):
    other = server.env_url("Prod").replace(server.org_id, "00000000-0000-4000-8000-000000000000")
    r = server.call("GET", other)
    assert r.status_code == 403 and r.json()["error"] == "Forbidden"
    unknown = server.env_url("Prod").replace(server.environments["Prod"], "00000000-0000-4000-8000-000000000001")
    r = server.call("GET", unknown)
    assert r.status_code == 404 and "Environment" in r.json()["message"]
