"""Retirement that waits for callers, against the Graph test server: a caller's client-credentials sign-in with the
old secret after the new one was delivered reaches Entra's sign-in report, and the end of the grace holds the
rotation instead of cutting that caller off."""
import datetime
import json

from test_bulk_rotation import token_status
from test_secret_last_use import UTC, control, entra, graph, iso  # noqa: F401 (fixtures)


def test_a_caller_still_signing_in_with_the_old_secret_holds_the_rotation_at_entra(entra, graph, tmp_path):
    first, second = tmp_path / "orders.first", tmp_path / "orders.second"
    entra.run("client", "register", "orders-api", "--idp", "corp", "--env", "Prod", "--secret-file", str(first),
              check=0)
    client_id = json.loads(entra.run("client", "show", "orders-api", "--json", check=0).stdout)["client"]["clientId"]
    entra.run("rotate", "orders-api", "--grace", "7d", "--secret-file", str(second), check=0)
    (old_key,) = [row[0] for row in entra.query("SELECT keyId FROM secret WHERE state = 'grace'")]

    # A caller that never switched signs in with the first secret, as any service would: straight at the token
    # endpoint, not through Clientele.
    assert token_status(graph, client_id, first.read_text().strip()) == 200

    # Eight days on, at Clientele and at the server: the grace is over, and the report shows that sign-in.
    def days_on(days):
        control(graph, "/clock", {"offset_seconds": int(days * 86400)})
        # A minute past, so the whole days read the same whatever the second (the clock text has whole seconds).
        entra.now = iso(datetime.datetime.now(UTC) + datetime.timedelta(days=days, minutes=1))

    days_on(8)
    held = entra.run("rotations", "advance", check=0)
    assert f"old secret {old_key[:8]} used 8 d ago: holding until" in held.stdout, held.stdout
    (row,) = json.loads(entra.run("rotations", "list", "--json", check=0).stdout)
    assert row["step"] == "grace" and row["hold"]["keyId"] == old_key
    event = json.loads(entra.query(
        "SELECT details FROM auditEvent WHERE action = 'rotation.held-in-use' ORDER BY id DESC LIMIT 1")[0][0])
    assert event["keyId"] == old_key and event["holdingUntil"] == row["hold"]["holdingUntil"]
    # Both secrets still sign in; that sign-in is one more use.
    assert token_status(graph, client_id, first.read_text().strip()) == 200
    assert token_status(graph, client_id, second.read_text().strip()) == 200

    # A day and a half on: used again during the hold, so it holds again.
    days_on(9.5)
    again = entra.run("rotations", "advance", check=0)
    assert "holding until" in again.stdout, again.stdout

    # The caller has switched: no use of the old secret during the next hold step, and it goes.
    assert token_status(graph, client_id, second.read_text().strip()) == 200
    days_on(11)
    done = entra.run("rotations", "advance", check=0)
    assert "done" in done.stdout, done.stdout
    assert token_status(graph, client_id, first.read_text().strip()) != 200
    assert token_status(graph, client_id, second.read_text().strip()) == 200
    holds = entra.query("SELECT count(*) FROM auditEvent WHERE action = 'rotation.held-in-use'")[0][0]
    assert holds == 2
    entra.run("audit", "verify", check=0)
