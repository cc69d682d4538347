"""Faults set through /_control/faults for the next K matching requests, and latency: statuses with
Retry-After in Anypoint's error shape, broken bodies (which the contract validator must reject), resets."""

import time

import pytest
import requests

# requests' own retries are off here (a plain Session), so each fault is seen exactly once.


def _fault(server, **spec):
    return server.control("POST", "/faults", spec)["faults"][0]


@pytest.mark.parametrize("status, phrase", [(429, "Too Many Requests"), (500, "Internal Server Error"),
                                            (503, "Service Unavailable")])
def test_status_faults_carry_retry_after_and_the_error_shape_then_clear(server, status, phrase):
    _fault(server, kind="status", status=status, retry_after=7, count=2, method="GET", path_regex=r"/apis$")
    for _ in range(2):
        r = server.call("GET", server.env_url())
        assert r.status_code == status and r.headers["Retry-After"] == "7"
        assert r.json()["error"] == phrase
    assert server.call("GET", server.env_url(), params={"limit": 1}).status_code == 200


def test_a_fault_on_the_token_endpoint(server):
    _fault(server, kind="status", status=503, path_regex=r"/oauth2/token$")
    r = server.new_token()
    assert r.status_code == 503 and "Retry-After" not in r.headers
    assert server.new_token().status_code == 200


def test_a_fault_matches_only_its_method_and_path(server):
    _fault(server, kind="status", status=500, method="POST", path_regex=r"/policies$")
    assert server.call("GET", server.env_url(), params={"limit": 1}).status_code == 200
    assert len(server.control("GET", "/faults")["faults"]) == 1


def test_a_truncated_body_is_a_broken_read_and_a_non_json_body_what_the_contract_rejects(server):
    # Half the promised Content-Length, then the close: the client never gets a whole response to validate.
    _fault(server, kind="truncate", path_regex=r"/apis$")
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        server.call("GET", server.env_url(), params={"limit": 3})
    _fault(server, kind="non_json", status=503, path_regex=r"/apis$")
    with server.validator.expect_violation() as seen:
        r = server.call("GET", server.env_url(), params={"limit": 3})
    assert seen == [f"GET {requests.utils.urlparse(r.url).path} -> 503: the body is not JSON"]
    assert r.status_code == 503 and r.headers["Content-Type"].startswith("text/html")


def test_a_reset_drops_the_connection(server):
    _fault(server, kind="reset", path_regex=r"/apis$")
    with pytest.raises(requests.ConnectionError):
        server.call("GET", server.env_url())
    assert server.call("GET", server.env_url(), params={"limit": 1}).status_code == 200


def test_delay_fault_and_latency_knob(server):
    _fault(server, kind="delay", delay_ms=400, path_regex=r"/apis$")
    started = time.monotonic()
    assert server.call("GET", server.env_url(), params={"limit": 1}).status_code == 200
    assert time.monotonic() - started >= 0.4
    server.control("POST", "/latency", {"ms": 500})
    started = time.monotonic()
    server.call("GET", server.env_url(), params={"limit": 1})
    server.call("GET", server.env_url(), params={"limit": 1})
    assert time.monotonic() - started >= 1.0
    server.control("POST", "/latency", {"ms": 0})
    started = time.monotonic()
    server.call("GET", server.env_url(), params={"limit": 1})
    assert time.monotonic() - started < 0.45  # off again: far below one 500 ms sleep, even on a busy machine


@pytest.mark.parametrize("spec, word", [({"kind": "explode"}, "'kind'"), ({"status": 200}, "'status'"),
                                        ({"path_regex": "("}, "'path_regex'"), ({"count": 0}, "'count'")])
def test_a_bad_fault_spec_is_refused(server, spec, word):
    import urllib.error
    with pytest.raises(urllib.error.HTTPError) as err:
        server.control("POST", "/faults", spec)
    assert err.value.code == 400 and word in err.value.read().decode()
    assert server.control("GET", "/faults") == {"faults": []}


def test_latency_from_the_command_line():
    from anypoint_harness import ServerProcess
    srv = ServerProcess("--latency-ms", 250, "--quiet")
    try:
        started = time.monotonic()
        srv.new_token()
        assert time.monotonic() - started >= 0.25
    finally:
        srv.stop()
