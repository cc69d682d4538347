"""One server per session through scripts/tyk-test-server --port 0, as Clientele's own tests will start it."""

import pytest

from tyk_harness import SEEDED_APIS, ServerProcess
from loopback_harness import COMMON_RESTORE, restore_shared_server


@pytest.fixture(scope="session")
def server():
    srv = ServerProcess("--apis", SEEDED_APIS, "--seed", "tyk-suite", "--quiet")
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _restore_server(request):
    """Tests that inject faults or slow the server leave the shared one as they found it."""
    yield
    restore_shared_server(request, *COMMON_RESTORE, ("POST", "/reload-delay", {"ms": 200}))
