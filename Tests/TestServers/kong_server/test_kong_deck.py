"""Kong's own decK 1.4.0 is the independent peer: ping, dump, diff and sync against the test server must
behave as against a Kong (contract README, "Debian's deck 1.4.0 against a fake Admin API")."""

import json

import pytest

# Paging over 2,500 APIs is test_kong_deck_paging.py's; a small catalogue keeps these deck runs quick.
SERVER_APIS = 25


@pytest.fixture(scope="module")
def applied(server):
    """Plugins put on two seeded APIs over the Admin API, as Clientele's adapter will apply policies."""
    status, _, limit = server.admin("POST", "/services/api-00002/plugins", {
        "name": "rate-limiting", "config": {"minute": 5, "policy": "local"}, "tags": ["clientele"]})
    assert status == 201, limit
    status, _, keyauth = server.admin("POST", "/services/api-00001/plugins", {
        "name": "key-auth", "config": {"key_names": ["x-api-key"]}, "tags": ["clientele"]})
    assert status == 201, keyauth
    return {"rate-limiting": limit, "key-auth": keyauth}


def _dump(server, tmp_path, name="kong.json"):
    out = tmp_path / name
    result = server.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out, json.loads(out.read_text())


def _service(state, name):
    return next(s for s in state["services"] if s["name"] == name)


def _diff(server, path):
    return server.deck("diff", "-s", str(path), "--non-zero-exit-code")


def test_deck_ping_reads_kongs_version(server):
    result = server.deck("ping")
    assert result.returncode == 0, result.stderr
    assert "Kong version:  3.10.0" in result.stdout


def test_deck_ping_with_a_wrong_admin_token_fails_with_kongs_message(server):
    result = server.deck("ping", token="not-the-token")
    assert result.returncode == 1
    assert 'HTTP status 401 (message: "Invalid credentials. Token or User credentials required")' in result.stderr


def test_deck_dump_shows_plugins_applied_over_the_admin_api(server, applied, tmp_path):
    _, state = _dump(server, tmp_path)
    limit = _service(state, "api-00002")["plugins"]
    assert [p["name"] for p in limit] == ["rate-limiting"]
    assert limit[0]["config"]["minute"] == 5
    assert limit[0]["config"]["limit_by"] == "consumer"  # Kong's default, filled by the server
    assert limit[0]["enabled"] is True
    keyauth = _service(state, "api-00001")["plugins"]
    assert [p["name"] for p in keyauth] == ["key-auth"]
    assert keyauth[0]["config"]["key_names"] == ["x-api-key"]
    assert "plugins" not in _service(state, "api-00003")


def test_deck_diff_of_its_own_dump_finds_nothing(server, applied, tmp_path):
    path, _ = _dump(server, tmp_path)
    result = _diff(server, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Created: 0" in result.stdout and "Updated: 0" in result.stdout and "Deleted: 0" in result.stdout


def test_deck_sync_of_a_changed_plugin_changes_exactly_that(server, applied, tmp_path):
    path, state = _dump(server, tmp_path)
    plugin_id = applied["rate-limiting"]["id"]
    _, _, before = server.admin("GET", f"/plugins/{plugin_id}")
    _service(state, "api-00002")["plugins"][0]["config"]["minute"] = 7
    path.write_text(json.dumps(state))

    diff = _diff(server, path)
    assert diff.returncode == 2, diff.stdout + diff.stderr
    assert "Updated: 1" in diff.stdout and "Created: 0" in diff.stdout and "Deleted: 0" in diff.stdout
    sync = server.deck("sync", "-s", str(path))
    assert sync.returncode == 0, sync.stderr

    _, _, after = server.admin("GET", f"/plugins/{plugin_id}")
    assert after["config"]["minute"] == 7
    for entity in (before, after):
        entity["config"].pop("minute")
        entity.pop("updated_at")
    assert after == before
    assert _diff(server, path).returncode == 0


def test_deck_sync_creates_then_deletes_a_consumer_with_credentials(server, tmp_path):
    path, state = _dump(server, tmp_path)
    state["consumers"] = [{"username": "partner-app", "keyauth_credentials": [{"key": "k-partner-1"}],
                           "acls": [{"group": "gold"}]}]
    path.write_text(json.dumps(state))
    sync = server.deck("sync", "-s", str(path))
    assert sync.returncode == 0, sync.stderr
    assert "Created: 3" in sync.stdout

    status, _, keys = server.admin("GET", "/consumers/partner-app/key-auth")
    assert status == 200 and [k["key"] for k in keys["data"]] == ["k-partner-1"]
    status, _, acls = server.admin("GET", "/consumers/partner-app/acls")
    assert [a["group"] for a in acls["data"]] == ["gold"]

    del state["consumers"]
    path.write_text(json.dumps(state))
    sync = server.deck("sync", "-s", str(path))
    assert sync.returncode == 0, sync.stderr
    assert server.admin("GET", "/consumers/partner-app")[0] == 404
    assert server.admin("GET", "/key-auths/k-partner-1")[0] == 404  # the credential went with its consumer


def test_deck_sync_reports_kongs_schema_violation_and_changes_nothing(server, applied, tmp_path):
    path, state = _dump(server, tmp_path)
    _service(state, "api-00002")["plugins"][0]["config"]["minute"] = -1
    path.write_text(json.dumps(state))
    sync = server.deck("sync", "-s", str(path))
    assert sync.returncode == 1
    assert 'HTTP status 400 (message: "schema violation (config.minute: value must be greater than 0)")' \
        in sync.stderr
    _, _, plugin = server.admin("GET", f"/plugins/{applied['rate-limiting']['id']}")
    assert plugin["config"]["minute"] > 0


def test_deck_retries_a_put_that_kong_answers_with_500(server, applied, tmp_path):
    path, state = _dump(server, tmp_path)
    _service(state, "api-00001")["plugins"][0]["config"]["hide_credentials"] = True
    path.write_text(json.dumps(state))
    server.control("POST", "/faults", {"method": "PUT", "path_regex": "^/plugins/", "status": 500, "count": 2})
    server.control("DELETE", "/stats")
    sync = server.deck("sync", "-s", str(path))
    assert sync.returncode == 0, sync.stderr
    _, stats = server.control("GET", "/stats")
    assert stats["by_route"]["PUT /plugins/{key}"] == 3
    _, _, plugin = server.admin("GET", f"/plugins/{applied['key-auth']['id']}")
    assert plugin["config"]["hide_credentials"] is True


def test_deck_dump_and_diff_agree_on_every_credential_kind(server, tmp_path):
    assert server.admin("PUT", "/consumers/cred-holder", {"custom_id": "c-1"})[0] == 200
    for path, body in [("key-auth", {"key": "holder-key"}),
                       ("oauth2", {"name": "holder", "client_id": "holder-client", "client_secret": "holder-s",
                                   "redirect_uris": ["https://holder.test/cb"]}),
                       ("jwt", {"key": "holder-iss", "secret": "holder-jwt-secret"}),
                       ("basic-auth", {"username": "holder-user", "password": "holder-pw"}),
                       ("acls", {"group": "silver"})]:
        status, _, body = server.admin("POST", f"/consumers/cred-holder/{path}", body)
        assert status == 201, body
    path, state = _dump(server, tmp_path)
    holder = next(c for c in state["consumers"] if c["username"] == "cred-holder")
    assert [k["key"] for k in holder["keyauth_credentials"]] == ["holder-key"]
    assert [(o["client_id"], o["client_secret"]) for o in holder["oauth2_credentials"]] == [
        ("holder-client", "holder-s")]
    assert [(j["key"], j["algorithm"]) for j in holder["jwt_secrets"]] == [("holder-iss", "HS256")]
    assert [b["username"] for b in holder["basicauth_credentials"]] == ["holder-user"]
    assert holder["basicauth_credentials"][0]["password"] != "holder-pw"  # Kong keeps only the hash
    assert [a["group"] for a in holder["acls"]] == ["silver"]
    result = _diff(server, path)
    assert result.returncode == 0, result.stdout + result.stderr
