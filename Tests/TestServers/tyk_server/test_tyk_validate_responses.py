"""--validate-responses: the server checks its own answers against Tyk's OpenAPI document, so clients that
are not this suite (Clientele's Swift integration tests) get the same peer check, and it can fail."""

import pytest

from tyk_harness import FRAGMENT, ServerProcess


@pytest.fixture(scope="module")
def checked():
    srv = ServerProcess("--apis", 3, "--quiet", "--validate-responses", FRAGMENT)
    yield srv
    srv.stop()


def test_allowed_answers_pass_and_are_counted(checked):
    before = checked.control("GET", "/peer-check")[1]["validated"]
    assert checked.tyk("GET", "/tyk/apis")[0] == 200
    assert checked.tyk("GET", "/tyk/apis/none-such")[:2] == (404, {"status": "error", "message": "API not found"})
    report = checked.control("GET", "/peer-check")[1]
    assert report == {"validated": before + 2, "violations": []}


def test_an_injected_fault_is_checked_against_tyks_error_shape(checked):
    checked.control("POST", "/faults", {"path_regex": "^/tyk/policies$", "status": 429, "retry_after": 1})
    assert checked.tyk("GET", "/tyk/policies", injected=True)[0] == 429
    assert checked.control("GET", "/peer-check")[1]["violations"] == []
    checked.control("DELETE", "/faults")


def test_an_answer_the_document_does_not_allow_is_not_sent(checked):
    # Tyk's document has no such path, so no 404 for it is allowed: the server answers 500 "peer check: ...".
    resp = checked.session.get(checked.base + "/tyk/none-such-route",
                               headers={"X-Tyk-Authorization": checked.secret}, timeout=30)
    assert resp.status_code == 500
    assert resp.json()["message"].startswith("peer check: Tyk's OpenAPI document does not allow this answer")
    violations = checked.control("GET", "/peer-check")[1]["violations"]
    assert len(violations) == 1 and violations[0].startswith("GET /tyk/none-such-route: HTTP 404"), violations


def test_without_the_option_nothing_is_checked(server):
    assert server.control("GET", "/peer-check")[0] == 404
