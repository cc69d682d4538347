"""`clientele notify` through the binary, posting to a webhook receiver on loopback: each notice once across
repeated runs, one more when a later threshold is crossed, a failing webhook one line and retried next run, and
no payload, path or header carrying any secret text the test created."""
import json
from datetime import datetime, timedelta

import pytest

from webhook_receiver import WebhookReceiver

TEAM = "team-payments"


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def sql_time(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S.000")


def clock(days):
    return (datetime(2026, 11, 23, 12) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def team_secrets_within(cli, days_from_start, horizon_days):
    """Secret row ids of TEAM's clients in service expiring before `now + horizon`, with now `days_from_start`."""
    now = datetime(2026, 11, 23, 12) + timedelta(days=days_from_start)
    return {row[0] for row in cli.query(
        "SELECT s.id FROM secret s JOIN client c ON c.id = s.clientRowId WHERE c.ownerTeam = ? "
        "AND s.state IN ('active', 'pending') AND s.expiresAt <= ?", TEAM, sql_time(now + timedelta(days=horizon_days)))}


def test_notices_go_once_per_threshold_survive_a_failing_webhook_and_never_carry_a_secret(demo, receiver, tmp_path):
    # Secrets this test creates, delivered to files so the scan below knows every one of them.
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    demo.run("rotation-policy", "set", "--idp", "entra-sandbox", "--rotate-before", "30d", "--grace", "2d",
             "--secret-command", f"cat > {delivered}/$(date +%s%N)-$$.secret", check=0)
    demo.run("rotations", "advance")
    secrets = [f.read_text().strip() for f in delivered.iterdir()]
    assert secrets

    # Slack and Teams webhook URLs are credentials: the path must never show anywhere.
    tokens = {"json": "/hooks/json-T0KEN-a1b2c3", "slack": "/services/T000/B000/SL4CKT0KEN", "teams": "/workflows/TE4MST0KEN"}
    for format, path in tokens.items():
        added = demo.run("notify", "webhook", "add", "--team", TEAM, "--url", receiver.url(path), "--format", format, check=0)
        assert "127.0.0.1" in added.stdout and path not in added.stdout
    listing = demo.run("notify", "webhook", "list", check=0).stdout + demo.run("notify", "webhook", "list", "--json", check=0).stdout
    assert all(path not in listing for path in tokens.values())

    # A rotation held by a caller still using the old secret, and a failed one: written as the lead's held
    # retirement would leave them (fixture), on two of the policy's rotations of the team's clients.
    rotations = demo.query(
        "SELECT r.id, r.clientRowId FROM rotation r JOIN client c ON c.id = r.clientRowId "
        "WHERE c.ownerTeam = ? AND r.step = 'grace' ORDER BY r.id", TEAM)
    assert len(rotations) >= 2
    held, failed = rotations[0][0], rotations[1][0]
    held_key = demo.query("SELECT keyId FROM secret WHERE clientRowId = ? AND state != 'active' LIMIT 1", rotations[0][1])[0][0]
    demo.query("UPDATE rotation SET heldKeyId = ?, heldLastUsedAt = '2026-11-23 10:00:00.000' WHERE id = ?", held_key, held)
    demo.query("UPDATE rotation SET step = 'failed', failureReason = 'the IdP refused the new secret', "
               "updatedAt = '2026-11-23 12:00:00.000' WHERE id = ?", failed)

    expected_expiry = team_secrets_within(demo, 0, 90)
    dry = demo.run("notify", "--dry-run", "--json", check=0)
    assert receiver.count() == 0
    assert not demo.query("SELECT 1 FROM noticeSent")
    would = json.loads(dry.stdout)["notices"]
    assert {n["status"] for n in would} == {"would-send"}
    assert len(would) == 3 * (len(expected_expiry) + 2)

    first = demo.run("notify", check=0)
    assert first.stdout.count("Told team team-payments at 127.0.0.1") == 3 * (len(expected_expiry) + 2)
    notices = receiver.json_bodies(path=tokens["json"])
    subjects = [n["subject"] for n in notices]
    assert len(subjects) == len(set(subjects))
    assert {int(s.split()[1]) for s in subjects if s.startswith("secret ")} == expected_expiry
    assert f"rotation {held} held {held_key}" in subjects and f"rotation {failed} failed" in subjects
    held_notice = next(n for n in notices if n["kind"] == "rotation-held")
    assert held_notice["keyId"] == held_key and held_notice["lastUsedAt"] == "2026-11-23T10:00:00Z"
    assert next(n for n in notices if n["kind"] == "rotation-failed")["failureReason"] == "the IdP refused the new secret"
    # The nearest threshold crossed, only: a secret 5 days out is "critical", never also "warning" and "notice".
    for notice in notices:
        if notice["kind"] == "secret-expiry":
            days = notice["daysLeft"]
            expected = "expired" if days < 0 else "critical" if days < 7 else "warning" if days < 30 else "notice"
            if days not in (7, 30, 90):  # on the boundary day either reading is right
                assert notice["threshold"] == expected, notice
    slack = [json.loads(r["body"]) for r in receiver.requests if r["path"] == tokens["slack"]]
    assert slack and all(set(body) == {"text"} and body["text"].startswith("Clientele: ") for body in slack)
    teams = [json.loads(r["body"]) for r in receiver.requests if r["path"] == tokens["teams"]]
    assert teams and all(body["type"] == "message" and body["attachments"][0]["contentType"]
                         == "application/vnd.microsoft.card.adaptive"
                         and body["attachments"][0]["content"]["type"] == "AdaptiveCard" for body in teams)

    # Cron again a quarter of an hour later: nothing new.
    count = receiver.count()
    demo.now = "2026-11-23T12:15:00Z"
    again = demo.run("notify", check=0)
    assert again.stdout.strip() == "No notices due." and receiver.count() == count

    # A secret that was at "notice" crosses "warning" later: one more notice for it, on each webhook.
    candidate = demo.query(
        "SELECT s.id, s.expiresAt FROM secret s JOIN client c ON c.id = s.clientRowId WHERE c.ownerTeam = ? "
        "AND s.state IN ('active', 'pending') AND s.expiresAt > '2026-12-24 12:00:00' AND s.expiresAt < '2027-02-20 12:00:00' "
        "ORDER BY s.expiresAt LIMIT 1", TEAM)
    assert candidate, "the demo should have a team-payments secret 31-89 days out"
    secret_id, expires = candidate[0]
    expires_at = datetime.strptime(expires[:19], "%Y-%m-%d %H:%M:%S")
    days = (expires_at - timedelta(days=29) - datetime(2026, 11, 23, 12)).days
    demo.now = clock(days)
    start = receiver.count()
    demo.run("notify", check=0)
    later = [n["subject"] for n in receiver.json_bodies(start, path=tokens["json"])]
    assert f"secret {secret_id} warning" in later
    assert not set(later) & set(subjects)
    assert len([s for s in later if s.startswith(f"secret {secret_id} ")]) == 1

    # A failing webhook: one line per webhook naming the team and host, never the path; nothing recorded.
    receiver.status = 500
    demo.now = clock(days + 40)
    sent_before = demo.query("SELECT count(*) FROM noticeSent")[0][0]
    start = receiver.count()
    failing = demo.run("notify")
    assert failing.returncode == 2
    lines = failing.stderr.strip().splitlines()
    assert len(lines) == 3, failing.stderr
    for line in lines:
        assert line.startswith("clientele: team team-payments at 127.0.0.1 (#") and "HTTP 500 after 3 attempts" in line
        assert "wait for the next run" in line or "waits for the next run" in line
        assert all(path not in line for path in tokens.values())
    # Bounded: three attempts for the first notice, then the webhook's other notices wait.
    assert receiver.count() - start == 9
    assert demo.query("SELECT count(*) FROM noticeSent")[0][0] == sent_before
    receiver.status = 200
    start = receiver.count()
    recovered = demo.run("notify", check=0)
    assert "Told team" in recovered.stdout and receiver.count() > start
    assert demo.query("SELECT count(*) FROM noticeSent")[0][0] > sent_before
    total = [n["subject"] for n in receiver.json_bodies(path=tokens["json"])]
    # The 500s aside (their bodies were posted but not accepted), every subject was accepted once.
    accepted = demo.query("SELECT subject FROM noticeSent WHERE webhookId = (SELECT id FROM notifyWebhook WHERE format = 'json')")
    assert len(accepted) == len({row[0] for row in accepted}) and {row[0] for row in accepted} <= set(total)

    # No payload, path or header ever carried secret text, nor the audit trail a webhook's path.
    log = receiver.raw_log()
    for secret in secrets:
        assert secret not in log
    audit = "\n".join(row[0] for row in demo.query("SELECT details FROM auditEvent"))
    assert all(path not in audit for path in tokens.values())
    assert all(secret not in audit for secret in secrets)
