"""Classic API definitions: listing, the write-then-reload life cycle, and the gateway's own validation."""

import time

from tyk_harness import SEEDED_APIS


def new_definition(name, **extra):
    return {"name": name, "proxy": {"listen_path": f"/{name}/", "target_url": "http://127.0.0.1:9/up",
                                    "strip_listen_path": True},
            "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}}, **extra}


def test_lists_every_seeded_api_in_one_answer(server):
    status, apis, _ = server.tyk("GET", "/tyk/apis")
    assert status == 200
    seeded = sorted(a["name"] for a in apis if a["name"].startswith("api-"))
    assert seeded[:2] == ["api-00001", "api-00002"] and len(seeded) >= SEEDED_APIS
    assert len({a["api_id"] for a in apis}) == len(apis)


def test_a_written_api_is_served_only_after_a_blocking_reload(server):
    status, added, _ = server.tyk("POST", "/tyk/apis", new_definition("lifecycle", use_oauth2=True))
    assert status == 200 and added["status"] == "ok" and added["action"] == "added"
    api_id = added["key"]
    assert len(api_id) == 32
    status, missing, _ = server.tyk("GET", f"/tyk/apis/{api_id}")
    assert (status, missing) == (404, {"status": "error", "message": "API not found"})
    # Not loaded yet: the gateway cannot update it either.
    assert server.tyk("PUT", f"/tyk/apis/{api_id}", new_definition("lifecycle", api_id=api_id))[0] == 404
    server.reload()
    status, loaded, _ = server.tyk("GET", f"/tyk/apis/{api_id}")
    assert status == 200 and loaded["name"] == "lifecycle" and loaded["use_oauth2"] is True

    changed = {**loaded, "enable_ip_whitelisting": True, "allowed_ips": ["10.0.0.0/8"]}
    status, put, _ = server.tyk("PUT", f"/tyk/apis/{api_id}", changed)
    assert (status, put["action"]) == (200, "modified")
    assert server.tyk("GET", f"/tyk/apis/{api_id}")[1]["allowed_ips"] == []  # still the loaded one
    server.reload()
    assert server.tyk("GET", f"/tyk/apis/{api_id}")[1]["allowed_ips"] == ["10.0.0.0/8"]

    assert server.tyk("DELETE", f"/tyk/apis/{api_id}")[1] == {"key": api_id, "status": "ok", "action": "deleted"}
    assert server.tyk("GET", f"/tyk/apis/{api_id}")[0] == 200  # deleted file, not yet reloaded
    status, failed, _ = server.tyk("DELETE", f"/tyk/apis/{api_id}")
    assert (status, failed["message"]) == (500, "Delete failed")
    server.reload()
    assert server.tyk("GET", f"/tyk/apis/{api_id}")[0] == 404
    assert server.tyk("DELETE", f"/tyk/apis/{api_id}")[0] == 404


def test_a_queued_reload_happens_after_the_reload_delay(server):
    server.control("POST", "/reload-delay", {"ms": 300})
    api_id = server.tyk("POST", "/tyk/apis", new_definition("queued"))[1]["key"]
    started = time.monotonic()
    assert server.tyk("GET", "/tyk/reload")[:2] == (200, {"status": "ok", "message": ""})
    assert server.tyk("GET", f"/tyk/apis/{api_id}")[0] == 404
    assert server.control("GET", "/pending")[1]["apis"] == [api_id]
    while server.tyk("GET", f"/tyk/apis/{api_id}")[0] == 404:
        assert time.monotonic() - started < 5, "the queued reload never happened"
        time.sleep(0.05)
    assert time.monotonic() - started >= 0.3
    pending = server.control("GET", "/pending")[1]
    assert pending["apis"] == [] and pending["reload_queued"] is False


def test_put_must_name_the_same_api_id_as_its_path(server):
    some = server.seeded("api-00003")
    status, body, _ = server.tyk("PUT", f"/tyk/apis/{some['api_id']}", {**some, "api_id": "another"})
    assert status == 400
    assert body["message"] == "Request APIID does not match that in Definition! For Update operations these must match."


def test_a_definition_is_checked_against_tyks_schema(server):
    status, body, _ = server.tyk("POST", "/tyk/apis", {"name": "no-proxy"})
    assert status == 400 and body["status"] == "error"
    assert body["message"].startswith("Validation of API Definition failed. Reason:") and "proxy" in body["message"]
    status, body, _ = server.tyk("POST", "/tyk/apis", new_definition("typed", allowed_ips="10.0.0.1"))
    assert status == 400 and "allowed_ips" in body["message"]
    status, body, _ = server.tyk("POST", "/tyk/apis", new_definition("extra", policies_here=True))
    assert status == 400 and "policies_here" in body["message"]
    status, body, _ = server.tyk("POST", "/tyk/apis", raw=b"{not json")
    assert (status, body) == (400, {"status": "error", "message": "Request malformed"})
    assert server.control("GET", "/pending")[1]["apis"] == []  # nothing was written


def test_an_api_definition_carries_the_policy_kinds_fields(server):
    cors = {"enable": True, "allowed_origins": ["https://a.example"], "allowed_methods": ["GET"],
            "allowed_headers": [], "exposed_headers": [], "allow_credentials": False, "max_age": 60,
            "options_passthrough": False, "debug": False}
    definition = new_definition("kinds", CORS=cors, enable_jwt=True, jwt_signing_method="rsa",
                                jwt_source="aHR0cHM6Ly9pZHAuZXhhbXBsZS9qd2tz", jwt_identity_base_field="sub",
                                global_rate_limit={"rate": 10, "per": 1})
    api_id = server.tyk("POST", "/tyk/apis", definition)[1]["key"]
    server.reload()
    got = server.tyk("GET", f"/tyk/apis/{api_id}")[1]
    assert got["CORS"] == cors and got["enable_jwt"] is True and got["global_rate_limit"] == {"rate": 10, "per": 1}


def test_classic_apis_are_not_served_through_the_oas_routes(server):
    assert server.tyk("GET", "/tyk/apis/oas")[:2] == (200, [])
    some = server.seeded("api-00004")["api_id"]
    for method in ("GET", "DELETE"):
        status, body, _ = server.tyk(method, f"/tyk/apis/oas/{some}")
        assert status == 400 and "Tyk classic format" in body["message"]
    assert server.tyk("GET", "/tyk/apis/oas/none-such")[1] == {"status": "error", "message": "API not found"}
    assert server.tyk("GET", f"/tyk/apis/{some}")[0] == 200  # still there
