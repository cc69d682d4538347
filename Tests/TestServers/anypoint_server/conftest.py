"""One server per test module (started through scripts/anypoint-test-server --port 0 as Clientele's own
tests will start it), with every response checked against the contract's OpenAPI fragments."""

import pytest
from anypoint_sdk import AnypointClient

from anypoint_harness import SEEDED_APIS, ServerProcess
from loopback_harness import COMMON_RESTORE, restore_shared_server
from contract_validator import ContractValidator, validating


@pytest.fixture(scope="module")
def server():
    srv = ServerProcess("--apis", SEEDED_APIS, "--seed", "anypoint-suite", "--quiet")
    srv.validator = ContractValidator(srv.base_url)
    with validating(srv.validator):
        yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    """anypoint-sdk's own client, with a token it fetched itself from the module's server."""
    c = AnypointClient.from_client_credentials(server.client_id, server.client_secret, base_url=server.base_url,
                                               timeout=10)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _restore_server(request):
    """Tests that inject faults or change knobs leave the module's server as they found it."""
    yield
    restore_shared_server(request, *COMMON_RESTORE, ("POST", "/policy-list-shape", {"shape": "array"}))
