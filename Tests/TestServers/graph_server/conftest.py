"""Servers started through scripts/graph-test-server --port 0, as Clientele's own tests start them."""

import asyncio

import pytest

from graph_harness import SEEDED_APPS, UNOWNED_APPS, ServerProcess, graph_client
from loopback_harness import COMMON_RESTORE, restore_shared_server


@pytest.fixture(scope="session")
def server():
    srv = ServerProcess("--applications", SEEDED_APPS, "--unowned-applications", UNOWNED_APPS)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _restore_server(request):
    """Tests that inject faults or spoil the admin secret leave the shared server as they found it."""
    yield
    restore_shared_server(request, *COMMON_RESTORE, ("POST", "/admin-secret", {"state": "valid"}),
                          ("POST", "/clock", {"offset_seconds": 0}), ("POST", "/propagation", {"ms": 0}))


@pytest.fixture
def sdk(server):
    """Runs `async def fn(client)` against the shared server with a fresh GraphServiceClient."""

    def run(fn, **client_args):
        async def main():
            return await fn(graph_client(server, **client_args))

        return asyncio.run(main())

    return run


def pytest_configure(config):
    # msgraph-sdk 1.65 warns about its own deprecated per-builder configuration classes on every call.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:msgraph")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:kiota_abstractions")
