"""--write-limit N/SECONDS: writes per admin application and tenant in a sliding window, 429 with Retry-After
over it, as Graph throttles; msgraph-sdk, which honours Retry-After, is the independent client."""

import os
import subprocess
import sys
import time

import pytest

from graph_harness import SERVER_SCRIPT, ServerProcess
from graph_sdk_models import AddPasswordPostRequestBody, PasswordCredential


@pytest.fixture
def limited():
    srv = ServerProcess("--applications", "3", "--write-limit", "3/2", "--quiet")
    yield srv
    srv.stop()


def app_id(server):
    status, _, body = server.graph_call("GET", "/applications?$select=id&$top=1")
    assert status == 200
    return body["value"][0]["id"]


def add_password(server, app, token):
    return server.graph_call("POST", f"/applications/{app}/addPassword", {}, token=token)


def test_writes_over_the_limit_get_graphs_429(limited):
    token = limited.admin_token()
    app = app_id(limited)
    for _ in range(3):
        assert add_password(limited, app, token)[0] == 200
    status, headers, body = add_password(limited, app, token)
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 2
    assert headers["x-ms-throttle-scope"].startswith(f"Tenant_Application/ReadWrite/{limited.tenant}/")
    assert headers["x-ms-throttle-information"]
    assert body["error"]["code"] == "TooManyRequests" and body["error"]["innerError"]["request-id"]
    # Reads are not writes: still served.
    assert limited.graph_call("GET", f"/applications/{app}", token=token)[0] == 200
    assert limited.control("GET", "/write-limit")[1] == {"limit": {"count": 3, "seconds": 2.0}, "allowed": 3,
                                                        "throttled": 1}
    assert limited.control("GET", "/stats")[1]["by_status"]["429"] == 1


def test_a_slot_frees_when_the_oldest_write_leaves_the_window(limited):
    token = limited.admin_token()
    app = app_id(limited)
    for _ in range(3):
        assert add_password(limited, app, token)[0] == 200
    status, headers, _ = add_password(limited, app, token)
    assert status == 429
    time.sleep(int(headers["Retry-After"]) + 0.05)
    assert add_password(limited, app, token)[0] == 200


def test_sdk_gets_through_the_limit_by_honouring_retry_after(limited, monkeypatch):
    import asyncio

    from graph_harness import graph_client

    app = app_id(limited)
    started = time.monotonic()

    async def main():
        client = graph_client(limited)
        body = AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="burst"))
        return [await client.applications.by_application_id(app).add_password.post(body) for _ in range(5)]

    added = asyncio.run(main())
    assert len({a.key_id for a in added}) == 5
    assert time.monotonic() - started >= 1.0  # at least one Retry-After wait
    counts = limited.control("GET", "/write-limit")[1]
    assert counts["allowed"] == 5 and counts["throttled"] >= 1


def test_control_sets_and_clears_the_limit(limited):
    token = limited.admin_token()
    app = app_id(limited)
    assert limited.control("POST", "/write-limit", {"limit": "1/60"})[1]["limit"] == {"count": 1, "seconds": 60.0}
    assert add_password(limited, app, token)[0] == 200
    status, headers, _ = add_password(limited, app, token)
    assert status == 429 and 59 <= int(headers["Retry-After"]) <= 60
    assert limited.control("POST", "/write-limit", {"limit": None})[1]["limit"] is None
    assert add_password(limited, app, token)[0] == 200
    status, payload = limited.control("POST", "/write-limit", {"limit": "many"})
    assert status == 400 and "N/SECONDS" in payload["error"]


@pytest.mark.parametrize("spec", ["300", "0/15", "300/0", "x/y"])
def test_a_bad_write_limit_is_one_line_and_no_server(spec):
    done = subprocess.run([sys.executable, str(SERVER_SCRIPT), "--port", "0", "--write-limit", spec],
                          capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert done.returncode == 2 and done.stdout == ""
    assert "--write-limit" in done.stderr.strip().splitlines()[-1]
