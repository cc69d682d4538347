"""One server per module through scripts/kong-test-server --port 0, as Clientele's own tests will start it."""

import shutil

import pytest

from kong_harness import SEEDED_APIS, ServerProcess
from loopback_harness import COMMON_RESTORE, restore_shared_server


@pytest.fixture(scope="module")
def server(request):
    if shutil.which("deck") is None:
        pytest.fail("Kong's deck is not installed; run scripts/install/kong-test-deps")
    # A module that does not page over 2,500 APIs says so with SERVER_APIS, and its deck runs are quicker.
    srv = ServerProcess("--apis", getattr(request.module, "SERVER_APIS", SEEDED_APIS), "--seed", "10")
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _restore_server(request):
    """Tests that inject faults or latency leave the shared server as they found it."""
    yield
    restore_shared_server(request, *COMMON_RESTORE)
