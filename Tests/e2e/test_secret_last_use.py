"""Last use of every secret through the binary: Entra's sign-in report (the Graph test server) and the sandbox,
shown by `client show`, `secrets expiring`, `secrets unused` and the remove confirmation; `idp check` with and
without AuditLog.Read.All; and no secret text in anything Clientele writes."""
import datetime
import json
import os
import pty
import select
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from loopback import LoopbackServer

# As conftest finds it (importing conftest by name would find another suite's when suites run together).
BINARY = Path(os.environ.get("CLIENTELE_BIN", Path(__file__).resolve().parents[2] / ".build" / "debug" / "clientele"))

UTC = datetime.timezone.utc
ROLES = ["Application.ReadWrite.OwnedBy", "AuditLog.Read.All"]


@pytest.fixture(scope="module")
def graph():
    server = LoopbackServer("graph-test-server", "--applications", "4", "--seed", "12", "--quiet")
    yield server
    server.stop()


def control(graph, path, body):
    request = urllib.request.Request(f"{graph['control']}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture
def entra(cli, graph):
    control(graph, "/admin-roles", {"roles": ROLES})
    control(graph, "/clock", {"offset_seconds": 0})
    cli.run("init", check=0)
    cli.run("env", "add", "Prod", check=0)
    cli.run("idp", "add", "entra", "--name", "corp", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
            "--secret-file", graph["client_secret_file"], "--authority", graph["authority"], "--graph", graph["graph"],
            check=0)
    yield cli
    control(graph, "/admin-roles", {"roles": ROLES})
    control(graph, "/clock", {"offset_seconds": 0})


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def secrets_of(show):
    return {s["keyId"]: s for s in json.loads(show.stdout)["secrets"]}


def ask_on_a_terminal(cli, *args, answer="n\n"):
    """Runs the binary with a terminal for stdin and stdout (a confirmation asks only there); what it printed."""
    leader, follower = pty.openpty()
    env = dict(cli.env)
    if cli.now:
        env["CLIENTELE_TEST_NOW"] = cli.now
    process = subprocess.Popen([str(BINARY), *args], stdin=follower, stdout=follower, stderr=subprocess.PIPE,
                               env=env, text=False)
    os.close(follower)
    out, deadline = b"", time.monotonic() + 30
    while b"[y/N]" not in out and time.monotonic() < deadline:
        if select.select([leader], [], [], 1)[0]:
            out += os.read(leader, 4096)
    os.write(leader, answer.encode())
    process.wait(timeout=30)
    try:
        while select.select([leader], [], [], 0.2)[0]:
            out += os.read(leader, 4096)
    except OSError:
        pass
    os.close(leader)
    return out.decode(errors="replace"), process


def test_entra_last_use_everywhere_and_unused_candidates(entra, graph, tmp_path):
    outputs = []

    def run(*args, **kwargs):
        result = entra.run(*args, **kwargs)
        outputs.extend([result.stdout, result.stderr])
        return result

    first = tmp_path / "orders.first"
    run("client", "register", "orders-api", "--idp", "corp", "--env", "Prod", "--secret-file", str(first), check=0)
    # Its caller signs in: a client-credentials token request with the secret, which the report then lists.
    run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    run("sync", "--idp", "corp")
    orders = secrets_of(run("client", "show", "orders-api", "--json", check=0))
    (key_id, secret), = orders.items()
    assert secret["lastUse"] in ("last used just now", "last used 1 min ago") and "lastUsedAt" in secret
    text = run("client", "show", "orders-api", check=0).stdout
    assert "LAST USED" in text and ("just now" in text or "1 min ago" in text)

    # A seeded secret a caller used 3 h ago, and one nobody has used (both created about a year ago: the
    # server's seeding starts each secret 365 days before its end).
    def seeded_key(app):
        return entra.query("SELECT s.keyId FROM secret s JOIN client c ON c.id = s.clientRowId "
                           "WHERE c.displayName = ? ORDER BY s.displayName LIMIT 1", app)[0][0]
    app_key, other_key = seeded_key("app-00002"), seeded_key("app-00001")
    three_hours_ago = datetime.datetime.now(UTC) - datetime.timedelta(hours=3, minutes=5)
    control(graph, "/sign-ins", {"keyId": app_key, "at": iso(three_hours_ago)})
    run("sync", "--idp", "corp")
    seeded = secrets_of(run("client", "show", "app-00002", "--json", check=0))
    assert seeded[app_key]["lastUse"] == "last used 3 h ago"
    seeded = secrets_of(run("client", "show", "app-00001", "--json", check=0))
    assert seeded[other_key]["lastUse"] == "no sign-in recorded" and "lastUsedAt" not in seeded[other_key]

    expiring = json.loads(run("secrets", "expiring", "--within", "1000d", "--json").stdout)
    by_key = {e.get("keyId"): e for e in expiring}
    assert by_key[app_key]["lastUse"] == "last used 3 h ago" and by_key[app_key]["lastUsedAt"]
    assert by_key[other_key]["lastUse"] == "no sign-in recorded" and "lastUsedAt" not in by_key[other_key]
    table = run("secrets", "expiring", "--within", "1000d").stdout
    assert "LAST USED" in table and "3 h ago" in table and "no sign-in recorded" in table

    # 100 days on (the server's clock too): a caller used app-00002's secret yesterday; orders-api's last
    # sign-in is now 100 days old; nobody ever used app-00001's.
    control(graph, "/clock", {"offset_seconds": 100 * 86400})
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=100)
    control(graph, "/sign-ins", {"keyId": app_key, "at": iso(later - datetime.timedelta(days=1))})
    # A minute past, so whole days read the same whatever the second (the clock text has whole seconds).
    entra.now = iso(later + datetime.timedelta(minutes=1))
    unused = run("secrets", "unused", "--for", "90d", "--idp", "corp", "--json")
    assert unused.returncode == 1, unused.stderr
    report = json.loads(unused.stdout)
    listed = {u["keyId"]: u for u in report["unused"]}
    assert app_key not in listed
    assert listed[other_key]["lastUse"] == "no sign-in recorded" and listed[other_key]["client"] == "app-00001"
    assert listed[key_id]["lastUse"] == "last used 100 d ago" and listed[key_id]["client"] == "orders-api"
    assert report["window"] == "90d" and report["cannotSay"] == []
    # The live read was recorded: app-00002's first secret now reads as used a day ago.
    assert secrets_of(run("client", "show", "app-00002", "--json", check=0))[app_key]["lastUse"] == "last used 1 d ago"
    table = run("secrets", "unused", "--for", "90d")
    assert table.returncode == 1 and "no sign-in recorded" in table.stdout and "100 d ago" in table.stdout
    # A window longer than every secret's life lists nothing: a secret younger than the window is no candidate.
    none = run("secrets", "unused", "--for", "2000d", "--json")
    assert none.returncode == 0 and json.loads(none.stdout)["unused"] == []
    bad = run("secrets", "unused", "--for", "soon")
    assert bad.returncode != 0 and "--for" in bad.stderr and bad.stderr.strip().count("\n") <= 1

    # The remove confirmation says when the secret was last used.
    question, process = ask_on_a_terminal(entra, "secrets", "remove", "app-00002", app_key[:8])
    assert "last used 1 d ago" in question and process.returncode != 0
    assert entra.query("SELECT state FROM secret WHERE keyId = ?", app_key)[0][0] == "active"

    secret_text = first.read_text().strip()
    assert len(secret_text) >= 16
    for output in outputs + [question]:
        assert secret_text not in output
    assert secret_text.encode() not in entra.stored_bytes()


def test_idp_check_says_whether_sign_in_activity_is_readable_and_without_it_all_works(entra, graph, tmp_path):
    check = entra.run("idp", "check", "corp", check=0)
    assert "sign-in activity: readable" in check.stdout

    control(graph, "/admin-roles", {"roles": ["Application.ReadWrite.OwnedBy"]})
    check = entra.run("idp", "check", "corp", check=0)
    assert "corp: ok" in check.stdout
    line = next(line for line in check.stdout.splitlines() if "sign-in activity" in line)
    assert "not readable" in line and "grant the application permission AuditLog.Read.All" in line
    assert "Authorization_RequestDenied" in line

    first = tmp_path / "billing.first"
    entra.run("client", "register", "billing", "--idp", "corp", "--env", "Prod", "--secret-file", str(first), check=0)
    entra.run("secrets", "test", "billing", "--secret-file", str(first), check=0)
    sync = entra.run("sync", "--idp", "corp")
    assert sync.returncode in (0, 1) and sync.stderr == ""
    show = entra.run("client", "show", "billing", check=0).stdout
    assert "unknown" in show and "AuditLog.Read.All" in show
    (secret,) = secrets_of(entra.run("client", "show", "billing", "--json", check=0)).values()
    assert secret["lastUse"] == "last use unknown" and "AuditLog.Read.All" in secret["lastUseUnknownBecause"]
    # Unknown is not unused: the IdP cannot say, and `secrets unused` says so instead of listing them.
    entra.now = iso(datetime.datetime.now(UTC) + datetime.timedelta(days=200))
    unused = entra.run("secrets", "unused", "--for", "90d", "--json")
    report = json.loads(unused.stdout)
    assert unused.returncode == 0 and report["unused"] == []
    assert report["cannotSay"][0]["idp"] == "corp" and "AuditLog.Read.All" in report["cannotSay"][0]["reason"]


def test_an_unreachable_idp_is_one_line_and_its_recorded_values_are_used(entra, graph, tmp_path):
    first = tmp_path / "ledger.first"
    entra.run("client", "register", "ledger", "--idp", "corp", "--env", "Prod", "--secret-file", str(first), check=0)
    entra.run("sync", "--idp", "corp")
    entra.run("idp", "add", "entra", "--name", "gone", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
              "--secret-file", graph["client_secret_file"], "--authority", "http://127.0.0.1:9",
              "--graph", "http://127.0.0.1:9/v1.0", check=0)
    entra.now = iso(datetime.datetime.now(UTC) + datetime.timedelta(days=120))
    unused = entra.run("secrets", "unused", "--for", "90d", "--json")
    lines = [line for line in unused.stderr.splitlines() if line]
    assert len(lines) == 1 and "IdP gone" in lines[0] and "recorded values are used" in lines[0]
    assert unused.returncode == 1 and "ledger" in {u["client"] for u in json.loads(unused.stdout)["unused"]}


def test_sandbox_records_each_verification_and_the_demo_shows_recorded_uses(demo, tmp_path):
    counts = dict(demo.query(
        "SELECT CASE WHEN lastUsedAt IS NULL THEN 'none' ELSE 'used' END, count(*) FROM secret "
        "WHERE state <> 'removed' GROUP BY 1"))
    assert counts["used"] > counts["none"] > 0
    client = demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'entra-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) AND c.displayName NOT IN "
        "(SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) ORDER BY c.id LIMIT 1")[0][0]
    words = {s["lastUse"] for s in secrets_of(demo.run("client", "show", client, "--json", check=0)).values()}
    assert all(w.startswith("last used ") and w.endswith(" ago") or w == "no sign-in recorded" for w in words)

    new = tmp_path / "new.secret"
    demo.run("rotate", client, "--grace", "7d", "--secret-file", str(new), check=0)
    demo.now = "2026-11-23T15:00:00Z"
    demo.run("secrets", "test", client, "--secret-file", str(new), check=0)
    demo.now = "2026-11-23T17:00:00Z"
    demo.run("sync", "--idp", "entra-sandbox")
    shown = demo.run("client", "show", client, "--json", check=0)
    used = [s for s in secrets_of(shown).values() if s["state"] == "active"]
    assert [s["lastUse"] for s in used] == ["last used 2 h ago"]
    assert new.read_text().strip() not in shown.stdout


def test_a_failing_report_read_is_a_note_and_never_fails_the_sync(entra, graph, tmp_path):
    first = tmp_path / "audit.first"
    entra.run("client", "register", "audit-api", "--idp", "corp", "--env", "Prod", "--secret-file", str(first),
              check=0)
    entra.run("secrets", "test", "audit-api", "--secret-file", str(first), check=0)
    entra.run("sync", "--idp", "corp")
    before = secrets_of(entra.run("client", "show", "audit-api", "--json", check=0))
    control(graph, "/faults", {"path_regex": "^/beta/", "status": 503, "count": 50})
    try:
        sync = entra.run("sync", "--idp", "corp")
        assert sync.returncode in (0, 1), sync.stderr
        notes = [line for line in sync.stdout.splitlines() if "note:" in line]
        assert len(notes) == 1 and "last use not read from IdP corp" in notes[0] and "recorded values" in notes[0]
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{graph['control']}/faults", method="DELETE")).read()
    after = secrets_of(entra.run("client", "show", "audit-api", "--json", check=0))
    assert [s["lastUsedAt"] for s in after.values()] == [s["lastUsedAt"] for s in before.values()]
