"""Faults and latency set through /_control, as Clientele's retry and timeout tests will use them."""

import http.client
import socket
import time
import urllib.parse

import pytest


def _raw(server, method, path):
    """(status, headers, body bytes) over a fresh connection, so a broken answer shows as it is."""
    url = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, headers={"Kong-Admin-Token": server.token})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_429_with_retry_after_then_normal(server):
    server.control("POST", "/faults", {"path_regex": "^/services$", "status": 429, "retry_after": 7})
    status, headers, body = server.admin("GET", "/services")
    assert status == 429 and headers["Retry-After"] == "7" and body == {"message": "API rate limit exceeded"}
    assert server.admin("GET", "/services")[0] == 200


@pytest.mark.parametrize("code", [500, 503])
def test_server_errors_for_the_next_k_requests(server, code):
    server.control("POST", "/faults", {"method": "GET", "path_regex": "^/routes", "status": code, "count": 2})
    assert [server.admin("GET", "/routes")[0] for _ in range(3)] == [code, code, 200]


def test_non_json_body(server):
    server.control("POST", "/faults", {"kind": "non_json", "status": 502})
    status, headers, body = _raw(server, "GET", "/services")
    assert status == 502 and headers["Content-Type"].startswith("text/html") and body.startswith(b"<html>")


def test_truncated_body(server):
    server.control("POST", "/faults", {"kind": "truncate"})
    with pytest.raises(http.client.IncompleteRead):
        _raw(server, "GET", "/services?size=5")


def test_connection_reset(server):
    server.control("POST", "/faults", {"kind": "reset"})
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, socket.error)):
        _raw(server, "GET", "/services")
    assert server.admin("GET", "/services")[0] == 200


def test_delay_and_latency(server):
    server.control("POST", "/faults", {"kind": "delay", "delay_ms": 400})
    started = time.monotonic()
    assert server.admin("GET", "/")[0] == 200
    assert time.monotonic() - started >= 0.4
    server.control("POST", "/latency", {"ms": 250})
    started = time.monotonic()
    server.admin("GET", "/")
    assert time.monotonic() - started >= 0.25


def test_bad_fault_specs_are_refused(server):
    status, body = server.control("POST", "/faults", {"kind": "status", "status": 200})
    assert status == 400 and "status" in body["error"]
    assert server.control("GET", "/faults")[1] == {"faults": []}
