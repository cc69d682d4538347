"""/_control knobs: injected throttling and outages, broken answers, statistics, latency, clock, revocation."""

import http.client as httpclient
import time
import urllib.error

import pytest

from graph_sdk_models import ODataError, list_config


def first_app(server):
    status, _, body = server.graph_call("GET", "/applications?$filter=displayName eq 'app-00020'&$select=id,appId")
    assert status == 200
    return body["value"][0]


def fault(server, **spec):
    status, payload = server.control("POST", "/faults", spec)
    assert status == 201, payload
    return payload["faults"][0]


def test_sdk_retries_throttling_honouring_retry_after(server, sdk):
    app = first_app(server)
    fault(server, method="GET", path_regex="^/v1.0/applications/", status=429, retry_after=1, count=2)
    server.control("POST", "/reset-stats")
    started = time.monotonic()
    got = sdk(lambda c: c.applications.by_application_id(app["id"]).get())
    elapsed = time.monotonic() - started
    assert got.id == app["id"]
    assert elapsed >= 2.0  # two waits of Retry-After: 1
    stats = server.control("GET", "/stats")[1]
    assert stats["by_route"]["GET /v1.0/applications/{id}"] == 3
    # The SDK's own token request plus three tries of the GET.
    assert stats["by_status"] == {"200": 2, "429": 2}


def test_sdk_gives_up_after_three_retries(server, sdk):
    app = first_app(server)
    fault(server, method="GET", path_regex="^/v1.0/applications/", status=429, retry_after=1, count=10)
    server.control("POST", "/reset-stats")
    with pytest.raises(ODataError) as caught:
        sdk(lambda c: c.applications.by_application_id(app["id"]).get())
    assert caught.value.response_status_code == 429
    assert caught.value.error.code == "TooManyRequests"
    assert server.control("GET", "/stats")[1]["by_route"]["GET /v1.0/applications/{id}"] == 4


def test_throttle_answer_has_graph_headers_and_body(server):
    fault(server, path_regex="^/v1.0/applications$", status=429, retry_after=7)
    status, headers, body = server.graph_call("GET", "/applications?$top=1", headers={"client-request-id": "abc-1"})
    assert status == 429
    assert headers["Retry-After"] == "7" and headers["x-ms-throttle-scope"]
    assert body["error"]["code"] == "TooManyRequests"
    assert body["error"]["innerError"]["client-request-id"] == "abc-1"
    assert server.graph_call("GET", "/applications?$top=1")[0] == 200  # count defaults to 1


def test_outage_503_is_retried_by_the_sdk(server, sdk):
    fault(server, path_regex="^/v1.0/applications", status=503, retry_after=1, count=1)
    status, headers, body = server.graph_call("GET", "/applications?$top=1")
    assert status == 503 and headers["Retry-After"] == "1" and body["error"]["code"] == "serviceNotAvailable"
    fault(server, path_regex="^/v1.0/applications", status=503, retry_after=1, count=1)
    page = sdk(lambda c: c.applications.get(list_config(top=2)))
    assert len(page.value) == 2


def test_faults_match_method_and_path(server):
    fault(server, method="POST", path_regex="addPassword$", status=500)
    assert server.graph_call("GET", "/applications?$top=1")[0] == 200
    app = first_app(server)
    status, _, body = server.graph_call("POST", f"/applications/{app['id']}/addPassword", {})
    assert status == 500 and body["error"]["code"] == "generalException"
    assert server.control("GET", "/faults")[1]["faults"] == []


def test_token_endpoint_faults_answer_in_the_aadsts_shape(server):
    fault(server, path_regex="/oauth2/v2.0/token$", status=503, retry_after=2)
    status, payload = server.token(secret=server.admin_secret)
    assert status == 503 and payload["error"] == "temporarily_unavailable" and payload["error_codes"] == [90033]
    assert server.token(secret=server.admin_secret)[0] == 200


def test_truncated_answer_breaks_the_body_then_service_resumes(server, sdk):
    token = server.admin_token()
    fault(server, kind="truncate", path_regex="^/v1.0/applications$", count=2)
    with pytest.raises(httpclient.IncompleteRead):
        server.graph_call("GET", "/applications?$top=5", token=token)
    with pytest.raises(Exception) as caught:
        sdk(lambda c: c.applications.get(list_config(top=5)))
    assert not isinstance(caught.value, ODataError)
    assert len(sdk(lambda c: c.applications.get(list_config(top=5))).value) == 5


def test_non_json_answer(server, sdk):
    token = server.admin_token()
    fault(server, kind="non_json", path_regex="^/v1.0/applications$", count=2)
    status, headers, body = server.graph_call("GET", "/applications?$top=1", token=token)
    assert status == 200 and headers["Content-Type"].startswith("text/html") and body.startswith("<html>")
    with pytest.raises(Exception) as caught:
        sdk(lambda c: c.applications.get(list_config(top=1)))
    assert not isinstance(caught.value, ODataError)


def test_connection_reset(server):
    token = server.admin_token()
    fault(server, kind="reset", path_regex="^/v1.0/applications$")
    with pytest.raises((httpclient.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        server.graph_call("GET", "/applications?$top=1", token=token)


def test_stats_count_requests_by_route_and_reset(server):
    server.control("POST", "/reset-stats")
    token = server.admin_token()
    app = first_app(server)
    server.graph_call("GET", f"/applications/{app['id']}", token=token)
    server.graph_call("GET", f"/applications(appId='{app['appId']}')", token=token)
    stats = server.control("GET", "/stats")[1]
    assert stats["by_route"] == {
        "POST /{tenant}/oauth2/v2.0/token": 2,
        "GET /v1.0/applications": 1,
        "GET /v1.0/applications/{id}": 1,
        "GET /v1.0/applications(appId={appId})": 1,
    }
    assert stats["total"] == 5
    assert server.control("POST", "/reset-stats")[0] == 204
    assert server.control("GET", "/stats")[1]["total"] == 0


def test_latency_knob(server):
    token = server.admin_token()
    assert server.control("POST", "/latency", {"ms": 300})[0] == 200
    started = time.monotonic()
    assert server.graph_call("GET", "/applications?$top=1", token=token)[0] == 200
    assert time.monotonic() - started >= 0.3
    server.control("POST", "/latency", {"ms": 0})


def test_revoked_tokens_are_refused(server):
    token = server.admin_token()
    assert server.control("POST", "/revoke-tokens")[0] == 204
    status, _, body = server.graph_call("GET", "/applications?$top=1", token=token)
    assert status == 401 and body["error"]["code"] == "InvalidAuthenticationToken"
    assert server.graph_call("GET", "/applications?$top=1")[0] == 200  # a fresh token works


def test_clock_offset_ages_secrets_and_tokens(server):
    token = server.admin_token()
    status, clock = server.control("POST", "/clock", {"offset_seconds": 181 * 86400})
    assert status == 200
    status, payload = server.token(secret=server.admin_secret)
    assert status == 401 and payload["error_codes"] == [7000222]
    status, _, body = server.graph_call("GET", "/applications?$top=1", token=token)
    assert status == 401
    server.control("POST", "/clock", {"offset_seconds": 0})
    assert server.token(secret=server.admin_secret)[0] == 200


def test_bad_fault_specs_are_refused(server):
    assert server.control("POST", "/faults", {"kind": "explode"})[0] == 400
    assert server.control("POST", "/faults", {"status": 200})[0] == 400
    assert server.control("POST", "/faults", {"path_regex": "("})[0] == 400
    assert server.control("GET", "/faults")[1]["faults"] == []
