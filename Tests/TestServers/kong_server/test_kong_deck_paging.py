"""decK 1.4.0 dumps a catalogue of 2,500 APIs through the server's `offset` paging."""

import json

from kong_harness import SEEDED_APIS


def test_deck_dump_pages_through_every_seeded_api(server, tmp_path):
    server.control("DELETE", "/stats")
    out = tmp_path / "kong.json"
    result = server.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    state = json.loads(out.read_text())
    names = sorted(s["name"] for s in state["services"])
    assert names == [f"api-{n:05d}" for n in range(1, SEEDED_APIS + 1)]
    assert all([r["name"] for r in s["routes"]] == [s["name"] + "-route"] for s in state["services"])
    _, stats = server.control("GET", "/stats")
    # 2,500 services in pages of 1,000: deck follows `offset` twice.
    assert stats["by_route"]["GET /services"] == 3
    assert stats["by_route"]["GET /routes"] == 3
    # And what it read page by page is what it reads again: nothing to change.
    diff = server.deck("diff", "-s", str(out), "--non-zero-exit-code")
    assert diff.returncode == 0, diff.stdout + diff.stderr
