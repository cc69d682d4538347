"""--state-dir: a restarted server keeps its tenant, applications and secrets (as hashes only)."""

from graph_harness import ServerProcess


def test_restart_keeps_tenant_apps_and_secrets(tmp_path):
    state = tmp_path / "state"
    first = ServerProcess("--applications", 5, "--state-dir", state, "--quiet")
    try:
        admin_secret = first.admin_secret
        status, _, app = first.graph_call("POST", "/applications", {"displayName": "survives-restart"})
        assert status == 201
        status, _, added = first.graph_call("POST", f"/applications/{app['id']}/addPassword",
                                            {"passwordCredential": {"displayName": "kept"}})
        assert status == 200
    finally:
        assert first.stop() == 0

    saved = (state / "state.json").read_text()
    assert added["secretText"] not in saved and admin_secret not in saved

    second = ServerProcess("--applications", 5, "--state-dir", state, "--quiet")
    try:
        assert (second.tenant, second.client_id) == (first.tenant, first.client_id)
        assert second.admin_secret == admin_secret
        status, _, again = second.graph_call("GET", f"/applications/{app['id']}")
        assert status == 200 and again["displayName"] == "survives-restart"
        assert [c["keyId"] for c in again["passwordCredentials"]] == [added["keyId"]]
        assert second.token(client_id=app["appId"], secret=added["secretText"])[0] == 200
        status, _, listed = second.graph_call("GET", "/applications?$filter=startswith(displayName,'app-')")
        assert len(listed["value"]) == 5
    finally:
        assert second.stop() == 0
