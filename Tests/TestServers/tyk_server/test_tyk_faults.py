"""/_control knobs: injected throttling and outages, broken answers, resets, delays, latency, statistics."""

import time

import pytest
import requests


def fault(server, **spec):
    status, payload = server.control("POST", "/faults", spec)
    assert status == 201, payload
    return payload["faults"][0]


@pytest.mark.parametrize("status, retry_after", [(429, 2), (503, 1), (500, None)])
def test_a_status_fault_answers_in_tyks_error_shape_for_the_next_k_requests(server, status, retry_after):
    fault(server, method="GET", path_regex="^/tyk/policies$", status=status, retry_after=retry_after, count=2)
    for _ in range(2):
        got, body, resp = server.tyk("GET", "/tyk/policies", injected=True)
        assert got == status and body["status"] == "error" and body["message"]
        assert resp.headers.get("Retry-After") == (str(retry_after) if retry_after is not None else None)
    assert server.tyk("GET", "/tyk/policies")[0] == 200


def test_a_fault_is_not_processed(server):
    fault(server, method="POST", path_regex="^/tyk/policies$", status=503, retry_after=1)
    assert server.tyk("POST", "/tyk/policies", {"id": "pol-fault"}, injected=True)[0] == 503
    server.reload()
    assert server.tyk("GET", "/tyk/policies/pol-fault")[0] == 404


def test_faults_match_method_and_path(server):
    fault(server, method="DELETE", path_regex="^/tyk/apis/", status=500)
    assert server.tyk("GET", "/tyk/apis/none-such")[0] == 404
    assert server.tyk("DELETE", "/tyk/apis/none-such", injected=True)[1] == {"status": "error", "message": "Internal server error"}
    assert server.control("GET", "/faults")[1]["faults"] == []


def test_a_truncated_answer_is_cut_under_its_full_length(server):
    fault(server, path_regex="^/tyk/policies$", kind="truncate")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        server.session.get(server.base + "/tyk/policies", headers={"X-Tyk-Authorization": server.secret}).json()


def test_a_non_json_answer_is_an_html_page(server):
    fault(server, path_regex="^/tyk/policies$", kind="non_json", status=502)
    resp = server.session.get(server.base + "/tyk/policies", headers={"X-Tyk-Authorization": server.secret})
    assert resp.status_code == 502 and resp.headers["Content-Type"].startswith("text/html")
    assert resp.text.startswith("<html>")


def test_a_reset_drops_the_connection_without_an_answer(server):
    fault(server, path_regex="^/hello$", kind="reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.base + "/hello", timeout=10)
    assert server.tyk("GET", "/hello", secret="")[0] == 200


def test_delay_and_latency_slow_answers_down(server):
    fault(server, path_regex="^/hello$", kind="delay", delay_ms=300)
    started = time.monotonic()
    assert server.tyk("GET", "/hello", secret="")[0] == 200
    assert time.monotonic() - started >= 0.3
    assert server.control("POST", "/latency", {"ms": 150})[0] == 200
    started = time.monotonic()
    server.tyk("GET", "/hello", secret="")
    assert time.monotonic() - started >= 0.15


def test_stats_count_requests_by_route_and_status(server):
    server.control("POST", "/reset-stats")
    server.tyk("GET", "/tyk/apis/none-such")
    server.tyk("GET", "/tyk/apis/none-such", secret="wrong")
    server.reload()
    stats = server.control("GET", "/stats")[1]
    assert stats["by_route"] == {"GET /tyk/apis/{apiID}": 2, "GET /tyk/reload": 1}
    assert stats["by_status"] == {"200": 1, "403": 1, "404": 1}


def test_a_bad_fault_spec_is_refused_naming_the_field(server):
    status, body = server.control("POST", "/faults", {"kind": "status", "status": 200})
    assert status == 400 and "'status'" in body["error"]
    assert server.control("POST", "/latency", {"ms": -1})[0] == 400
