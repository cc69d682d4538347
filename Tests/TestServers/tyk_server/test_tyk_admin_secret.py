"""X-Tyk-Authorization: the tyk.conf secret guards every /tyk route; /hello is open, as in the gateway."""

import pytest

BAD = {"status": "error", "message": "Attempted administrative access with invalid or missing key!"}


@pytest.mark.parametrize("method, path", [
    ("GET", "/tyk/apis"), ("POST", "/tyk/apis"), ("GET", "/tyk/policies"), ("GET", "/tyk/reload"),
    ("POST", "/tyk/oauth/clients/create"), ("DELETE", "/tyk/apis/x"),
])
def test_a_wrong_or_missing_secret_is_refused_in_tyks_shape(server, method, path):
    for secret in ("", "not-the-secret", server.secret + "x"):
        status, body, _ = server.tyk(method, path, body={} if method == "POST" else None, secret=secret)
        assert (status, body) == (403, BAD)


def test_a_refused_write_changes_nothing(server):
    server.reload()
    before = server.control("GET", "/pending")[1]
    server.tyk("POST", "/tyk/policies", {"id": "pol-sneaky"}, secret="wrong")
    server.tyk("GET", "/tyk/reload?block=true", secret="wrong")
    assert server.control("GET", "/pending")[1] == before  # no file written, no reload done
    server.reload()
    assert server.tyk("GET", "/tyk/policies/pol-sneaky")[0] == 404


def test_hello_needs_no_secret(server):
    status, body, _ = server.tyk("GET", "/hello", secret="")
    assert status == 200 and body["status"] == "pass"
