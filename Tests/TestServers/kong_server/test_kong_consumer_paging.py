"""decK 1.4.0 dumps 1,200 seeded consumers (`--consumers`) with their key-auth keys and acl groups, paging the
consumer list and both top-level credential lists, and finds nothing to change in its own dump."""

import json

import pytest

from kong_harness import ServerProcess

CONSUMERS = 1200


@pytest.fixture(scope="module")
def server():
    srv = ServerProcess("--consumers", CONSUMERS, "--seed", "11")
    yield srv
    srv.stop()


def test_deck_dump_pages_through_every_seeded_consumer_and_credential(server, tmp_path):
    server.control("DELETE", "/stats")
    out = tmp_path / "kong.json"
    result = server.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    consumers = json.loads(out.read_text())["consumers"]
    assert sorted(c["username"] for c in consumers) == [f"consumer-{n:05d}" for n in range(1, CONSUMERS + 1)]
    assert all(c["custom_id"] == "client-" + c["username"][-5:] for c in consumers)
    assert all(len(c["keyauth_credentials"]) == 1 and [a["group"] for a in c["acls"]] == ["seeded"]
               for c in consumers)
    _, stats = server.control("GET", "/stats")
    for route in ("GET /consumers", "GET /key-auths", "GET /acls"):
        assert stats["by_route"][route] == 2, route
    diff = server.deck("diff", "-s", str(out), "--non-zero-exit-code")
    assert diff.returncode == 0, diff.stdout + diff.stderr
