"""Keys (sessions): effective at once, at least one access right (directly or through a policy)."""

import pytest


def some_api(server):
    return server.seeded("api-00002")["api_id"]


def test_a_random_key_is_created_read_updated_listed_and_deleted(server):
    api_id = some_api(server)
    session = {"rate": 10, "per": 1, "quota_max": 1000, "access_rights": {api_id: {"api_id": api_id,
                                                                                   "versions": ["Default"]}}}
    status, added, _ = server.tyk("POST", "/tyk/keys/create", session)
    assert status == 200 and added["action"] == "added" and len(added["key"]) == 32
    key = added["key"]
    status, got, _ = server.tyk("GET", f"/tyk/keys/{key}")
    assert status == 200 and got["rate"] == 10 and list(got["access_rights"]) == [api_id]
    assert key in server.tyk("GET", "/tyk/keys")[1]["keys"]
    assert server.tyk("PUT", f"/tyk/keys/{key}", {**session, "rate": 20})[1]["action"] == "modified"
    assert server.tyk("GET", f"/tyk/keys/{key}")[1]["rate"] == 20
    assert server.tyk("DELETE", f"/tyk/keys/{key}")[1] == {"key": key, "status": "ok", "action": "deleted"}
    assert server.tyk("GET", f"/tyk/keys/{key}")[:2] == (404, {"status": "error", "message": "Key not found"})
    assert server.tyk("DELETE", f"/tyk/keys/{key}")[1]["message"] == "There is no such key found"


def test_a_named_key_may_take_its_rights_from_a_policy(server):
    api_id = some_api(server)
    server.tyk("POST", "/tyk/policies", {"id": "pol-keys", "rate": 5, "per": 1,
                                         "access_rights": {api_id: {"api_id": api_id}}})
    server.reload()
    status, added, _ = server.tyk("POST", "/tyk/keys/clientele-named-key", {"apply_policies": ["pol-keys"]})
    assert (status, added["key"]) == (200, "clientele-named-key")
    got = server.tyk("GET", "/tyk/keys/clientele-named-key")[1]
    assert got["apply_policies"] == ["pol-keys"] and api_id in got["access_rights"]


def test_a_key_without_access_rights_is_refused(server):
    before = server.tyk("GET", "/tyk/keys")[1]["keys"]
    status, body, _ = server.tyk("POST", "/tyk/keys/create", {"rate": 1, "per": 1})
    assert (status, body["message"]) == (400, "Failed to create key, keys must have at least one Access Rights record set.")
    assert server.tyk("GET", "/tyk/keys")[1]["keys"] == before


@pytest.mark.parametrize("path, status, message", [
    ("/tyk/keys/create", 500, "Unmarshalling failed"), ("/tyk/keys/bad-typed", 400, "Request malformed"),
])
def test_a_wrongly_typed_session_is_refused(server, path, status, message):
    got, body, _ = server.tyk("POST", path, {"rate": "fast", "access_rights": {}})
    assert (got, body["message"]) == (status, message)


def test_put_of_an_unknown_key_is_404(server):
    api_id = some_api(server)
    status, body, _ = server.tyk("PUT", "/tyk/keys/none-such", {"access_rights": {api_id: {"api_id": api_id}}})
    assert (status, body["message"]) == (404, "Key not found")


def test_the_log_never_shows_a_key():
    from tyk_harness import ServerProcess
    srv = ServerProcess("--apis", 1)
    try:
        api_id = srv.tyk("GET", "/tyk/apis")[1][0]["api_id"]
        key = srv.tyk("POST", "/tyk/keys/create", {"access_rights": {api_id: {"api_id": api_id}}})[1]["key"]
        srv.tyk("GET", f"/tyk/keys/{key}")
    finally:
        srv.stop()
    log = srv.log_text()
    assert "GET /tyk/keys/{keyID} 200" in log and key not in log
