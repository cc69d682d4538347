"""--validate-responses: the server checks each Anypoint response it sends against the OpenAPI fragments, so a
client that is not Python (Clientele's Swift integration tests) gets the same peer check as this suite."""

import requests

from anypoint_harness import ServerProcess, rate_limiting


def _contract(srv):
    return srv.control("GET", "/contract")


def test_conforming_answers_are_counted_and_a_nonconforming_one_is_reported():
    srv = ServerProcess("--apis", 3, "--validate-responses", "--quiet")
    try:
        api = srv.first_api("Prod")  # token + listing
        created = srv.call("POST", srv.env_url("Prod", f"/{api}/policies"), json=rate_limiting())
        assert created.status_code == 201
        assert srv.call("GET", srv.env_url("Prod", f"/{api}/policies")).status_code == 200
        assert srv.call("GET", srv.env_url("Prod"), params={"limit": 999}).status_code == 400  # the error shape
        report = _contract(srv)
        assert report == {"checked": 5, "violations": []}

        # The SDK's envelope is not the fragment's array: the server says so about its own answer.
        srv.control("POST", "/policy-list-shape", {"shape": "envelope"})
        assert srv.call("GET", srv.env_url("Prod", f"/{api}/policies")).status_code == 200
        report = _contract(srv)
        assert report["checked"] == 6
        assert len(report["violations"]) == 1 and "/policies -> 200" in report["violations"][0]

        srv.control("DELETE", "/contract")
        assert _contract(srv) == {"checked": 0, "violations": []}
    finally:
        srv.stop()


def test_without_the_flag_the_contract_endpoint_says_how_to_get_it():
    srv = ServerProcess("--apis", 1, "--quiet")
    try:
        r = requests.get(srv.info["control"] + "/contract", timeout=10)
        assert r.status_code == 409 and "--validate-responses" in r.json()["error"]
    finally:
        srv.stop()
