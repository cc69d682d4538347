"""Fixtures: a real glewlwyd OIDC provider on loopback, started through
scripts/oidc-test-server --port 0 and terminated (SIGTERM) afterwards.

Prerequisites: scripts/install/glewlwyd (Debian packages glewlwyd sqlite3 openssl jq, pytest).
Without glewlwyd the tests FAIL (oidc-test-server says "glewlwyd is not installed"): they are
not skipped, so that a missing install step cannot pass as green.
"""

import pytest

from oidc_support import STARTED_GLEWLWYD_PIDS, register, start_server, stop_process, wait_gone


@pytest.fixture(scope="session")
def server_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("oidc-server")


@pytest.fixture(scope="session", autouse=True)
def no_glewlwyd_left_behind():
    """No glewlwyd that these tests started may outlive the session."""
    yield
    leaked = [p for p in STARTED_GLEWLWYD_PIDS if not wait_gone(p, 5)]
    assert not leaked, f"glewlwyd processes left behind: {leaked}"


@pytest.fixture(scope="session")
def oidc_server(server_tmp):
    """One shared provider for the protocol tests (each test registers its own clients)."""
    server = start_server(tmp_path=server_tmp)
    yield server
    rc = stop_process(server.proc)
    assert rc == 0, f"oidc-test-server exited {rc} on SIGTERM; stderr: {server.stderr()}"
    assert wait_gone(server.pid), f"glewlwyd pid {server.pid} survived SIGTERM"


@pytest.fixture(scope="session")
def iat_server(server_tmp):
    """A provider whose /register requires an initial access token (multi-use)."""
    server = start_server("--require-initial-access-token", tmp_path=server_tmp)
    yield server
    stop_process(server.proc)
    assert wait_gone(server.pid)


@pytest.fixture
def client(oidc_server):
    """A freshly registered client-credentials client (client_secret_basic)."""
    r = register(oidc_server)
    assert r.status == 200, r
    return r.json
