"""Security policies: files like API definitions (seen after a reload), with user.Policy's field types."""

import pytest


def policy(pol_id, **extra):
    return {"id": pol_id, "name": f"Policy {pol_id}", "rate": 100, "per": 60, "quota_max": -1,
            "throttle_interval": 1.5, "throttle_retry_limit": 3,
            "access_rights": {"some-api": {"api_id": "some-api", "api_name": "Some", "versions": ["Default"]}},
            "active": True, "tags": ["clientele"], **extra}


def test_a_policy_is_written_then_loaded_then_updated_and_deleted(server):
    status, added, _ = server.tyk("POST", "/tyk/policies", policy("pol-life"))
    assert (status, added) == (200, {"key": "pol-life", "status": "ok", "action": "added"})
    assert server.tyk("GET", "/tyk/policies/pol-life")[1] == {"status": "error", "message": "Policy not found"}
    server.reload()
    status, got, _ = server.tyk("GET", "/tyk/policies/pol-life")
    assert status == 200 and got["rate"] == 100 and got["per"] == 60 and got["throttle_retry_limit"] == 3
    assert got["access_rights"]["some-api"]["versions"] == ["Default"]
    assert got["partitions"] == {"quota": False, "rate_limit": False, "complexity": False, "acl": False,
                                 "per_api": False}
    assert any(p["id"] == "pol-life" for p in server.tyk("GET", "/tyk/policies")[1])

    assert server.tyk("PUT", "/tyk/policies/pol-life", policy("pol-life", rate=5))[1]["action"] == "modified"
    assert server.tyk("GET", "/tyk/policies/pol-life")[1]["rate"] == 100
    server.reload()
    assert server.tyk("GET", "/tyk/policies/pol-life")[1]["rate"] == 5

    assert server.tyk("DELETE", "/tyk/policies/pol-life")[1]["action"] == "deleted"
    assert server.tyk("DELETE", "/tyk/policies/pol-life")[:2] == (500, {"status": "error", "message": "Delete failed"})
    server.reload()
    assert server.tyk("GET", "/tyk/policies/pol-life")[0] == 404


@pytest.mark.parametrize("bad", [
    {"rate": "ten"}, {"quota_max": 1.5}, {"active": "yes"}, {"tags": "one"},
    {"access_rights": {"a": {"versions": "Default"}}}, {"partitions": {"quota": 1}},
])
def test_a_field_of_the_wrong_type_is_a_malformed_request(server, bad):
    status, body, _ = server.tyk("POST", "/tyk/policies", policy("pol-bad", **bad))
    assert (status, body) == (400, {"status": "error", "message": "Request malformed"})
    server.reload()
    assert server.tyk("GET", "/tyk/policies/pol-bad")[0] == 404


def test_a_policy_needs_a_usable_id_matching_its_path(server):
    body = policy("x")
    del body["id"]
    assert server.tyk("POST", "/tyk/policies", body)[:2] == (400, {"status": "error", "message": "Policy ID must be set"})
    assert server.tyk("POST", "/tyk/policies", policy("../escape"))[1]["message"] == "Invalid Policy ID"
    status, mismatch, _ = server.tyk("PUT", "/tyk/policies/pol-a", policy("pol-b"))
    assert status == 400 and mismatch["message"].startswith("Request ID does not match that in policy!")
