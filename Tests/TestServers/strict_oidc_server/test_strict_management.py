"""Client management (RFC 7592) in each of the strict provider's update modes."""
import pytest


def updated_metadata(client):
    """RFC 7592 §2.2: every field back, minus the four the client MUST NOT send, minus the secret."""
    forbidden = {"registration_access_token", "registration_client_uri", "client_secret_expires_at",
                 "client_id_issued_at", "client_secret"}
    return {key: value for key, value in client.items() if key not in forbidden}


def test_read_update_and_delete(provider):
    _, client = provider.register()
    uri, token = client["registration_client_uri"], client["registration_access_token"]
    status, read = provider.call("GET", uri, token=token)
    assert status == 200 and read["client_id"] == client["client_id"]
    assert provider.call("GET", uri, token="wrong")[0] == 401

    status, updated = provider.call("PUT", uri, updated_metadata(read), token=token)
    assert status == 200
    assert updated["client_secret"] != client["client_secret"]
    assert provider.token(client["client_id"], client["client_secret"]) == 401
    assert provider.token(client["client_id"], updated["client_secret"]) == 200

    assert provider.call("DELETE", uri, token=token)[0] == 204
    assert provider.call("GET", uri, token=token)[0] == 401


def test_an_update_must_not_carry_the_registration_fields(provider):
    _, client = provider.register()
    body = {**updated_metadata(client), "client_id_issued_at": client["client_id_issued_at"]}
    status, answer = provider.call("PUT", client["registration_client_uri"], body,
                                   token=client["registration_access_token"])
    assert status == 400 and answer["error"] == "invalid_request"


@pytest.mark.parametrize("provider,status", [(["--update", "400"], 400), (["--update", "405"], 405),
                                             (["--update", "501"], 501)], indirect=["provider"])
def test_refused_updates_leave_the_secret_working(provider, status):
    _, client = provider.register()
    uri, token = client["registration_client_uri"], client["registration_access_token"]
    assert provider.call("PUT", uri, updated_metadata(client), token=token)[0] == status
    assert provider.token(client["client_id"], client["client_secret"]) == 200
    assert provider.call("GET", uri, token=token)[0] == 200
    assert provider.call("DELETE", uri, token=token)[0] == 204


@pytest.mark.parametrize("provider", [["--secret-lifetime", "3600"]], indirect=True)
def test_an_update_issues_a_secret_with_a_fresh_expiry(provider):
    _, client = provider.register()
    _, updated = provider.call("PUT", client["registration_client_uri"], updated_metadata(client),
                               token=client["registration_access_token"])
    assert updated["client_secret_expires_at"] >= client["client_secret_expires_at"] > 0


@pytest.mark.parametrize("provider", [["--update", "405"]], indirect=True)
def test_the_control_endpoints_count_updates_and_act_like_the_providers_console(provider):
    _, client = provider.register()
    provider.call("PUT", client["registration_client_uri"], updated_metadata(client),
                  token=client["registration_access_token"])
    _, listed = provider.call("GET", f"{provider.issuer}/control/clients")
    assert listed == [{"client_id": client["client_id"], "metadata": listed[0]["metadata"],
                       "client_secret_expires_at": 0, "updates_attempted": 1}]
    assert "client_secret" not in listed[0]["metadata"]
    _, rotated = provider.call("POST", f"{provider.issuer}/control/clients/{client['client_id']}/rotate", {})
    assert provider.token(client["client_id"], client["client_secret"]) == 401
    assert provider.token(client["client_id"], rotated["client_secret"]) == 200
    _, changed = provider.call("POST", f"{provider.issuer}/control/clients/{client['client_id']}/expiry",
                               {"client_secret_expires_at": 4102444800})
    assert changed == {"client_secret_expires_at": 4102444800}
