"""`clientele rotate --expiring-within`: a wave of 200 rotations against the Graph test server with its write
limit on. No 429 reaches the operator, every new secret works at the token endpoint, every old one is gone
after the grace period, and a wave killed halfway is finished by `rotations advance` and the same command."""
import json
import os
import re
import signal
import stat
import time
import urllib.parse
import urllib.request

import pytest

from loopback import LoopbackServer

CLIENTS = 200
# Seeded secrets end within 700 days; new ones live 730 (Entra's cap), so a second run of the wave leaves them.
WAVE = ["rotate", "--expiring-within", "720d", "--idp", "corp", "--lifetime", "730d", "--parallel", "8", "--yes"]


@pytest.fixture
def graph():
    # 40 writes per 5 s (8 a second, slower than the wave goes even on a busy machine): 200 run into it often.
    server = LoopbackServer("graph-test-server", "--applications", str(CLIENTS), "--write-limit", "40/5", "--quiet")
    yield server
    server.stop()


@pytest.fixture
def corp(cli, graph):
    cli.run("init", check=0)
    cli.run("idp", "add", "entra", "--name", "corp", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
            "--secret-file", graph["client_secret_file"], "--authority", graph["authority"], "--graph", graph["graph"],
            check=0)
    cli.run("sync", "--idp", "corp", check=0)
    return cli


def call(method, url, form=None, body=None, token=None):
    data = urllib.parse.urlencode(form).encode() if form else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if form:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    elif body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token_status(graph, client_id, secret):
    return call("POST", f"{graph['authority']}/{graph['tenant']}/oauth2/v2.0/token",
                form={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                      "scope": "https://graph.microsoft.com/.default"})[0]


def passwords_by_app(graph):
    """{displayName: (appId, [keyId, ...])} for every app the admin owns, read through Graph."""
    with open(graph["client_secret_file"]) as f:
        admin = f.read()
    status, grant = call("POST", f"{graph['authority']}/{graph['tenant']}/oauth2/v2.0/token",
                         form={"grant_type": "client_credentials", "client_id": graph["client_id"],
                               "client_secret": admin, "scope": "https://graph.microsoft.com/.default"})
    assert status == 200
    url = f"{graph['graph']}/applications?$select=appId,displayName,passwordCredentials&$top=999"
    apps = {}
    while url:
        status, page = call("GET", url, token=grant["access_token"])
        assert status == 200, page
        for app in page["value"]:
            apps[app["displayName"]] = (app["appId"], [p["keyId"] for p in app["passwordCredentials"]])
        url = page.get("@odata.nextLink")
    return {name: app for name, app in apps.items() if name.startswith("app-")}


def write_limit(graph):
    return call("GET", f"{graph['control']}/write-limit")[1]


# "429" on its own (not inside a GUID or a rotation's number), or any word of throttling.
THROTTLE_WORDS = re.compile(r"(?<![0-9a-f#])429(?![0-9a-f])|throttl|too ?many ?requests|retry-after", re.IGNORECASE)


def assert_no_throttle_surfaced(*texts):
    for text in texts:
        assert not THROTTLE_WORDS.search(text), text


def assert_every_client_has_one_working_new_secret(cli, graph, folder):
    apps = passwords_by_app(graph)
    assert len(apps) == CLIENTS
    new_keys = dict(cli.query(
        "SELECT c.displayName, r.newKeyId FROM rotation r JOIN client c ON c.id = r.clientRowId WHERE r.step = 'done'"))
    assert len(new_keys) == CLIENTS
    for name, (app_id, keys) in apps.items():
        # Exactly the new secret: the old ones retired, no orphan of an interrupted run left behind.
        assert keys == [new_keys[name]], (name, keys)
        secret_file = folder / f"{name}.secret"
        assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
        assert token_status(graph, app_id, secret_file.read_text().strip()) == 200, name


def finish_grace(cli):
    cli.now = "2031-01-01T00:00:00Z"
    done = cli.run("rotations", "advance")
    assert done.returncode == 0, done.stdout + done.stderr
    assert_no_throttle_surfaced(done.stdout, done.stderr)
    cli.now = None


def test_a_wave_of_200_under_the_write_limit_surfaces_no_429(corp, graph, tmp_path):
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    wave = corp.run(*WAVE, "--secret-dir", str(folder), "--json")
    assert wave.returncode == 0, wave.stdout + wave.stderr
    results = json.loads(wave.stdout)
    assert_no_throttle_surfaced(wave.stderr, *(r.get("reason", "") for r in results))
    assert len(results) == CLIENTS and {r["result"] for r in results} == {"rotated"}
    assert all("graceUntil" in r and "reason" not in r for r in results)
    # The limit was really in the way: the server refused writes, and the client slowed down instead.
    assert write_limit(graph)["throttled"] > 0

    apps = passwords_by_app(graph)
    for name, (app_id, _) in apps.items():
        assert token_status(graph, app_id, (folder / f"{name}.secret").read_text().strip()) == 200, name
    finish_grace(corp)
    assert_every_client_has_one_working_new_secret(corp, graph, folder)
    corp.run("audit", "verify", check=0)


def test_a_lifetime_the_idp_refuses_stops_the_wave_in_one_line_before_anything(corp, graph, tmp_path):
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    before = corp.snapshot()
    refused = corp.run("rotate", "--expiring-within", "720d", "--lifetime", "900d", "--secret-dir", str(folder), "--yes")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == ["clientele: --lifetime 900d exceeds what IdP 'corp' allows (730d)"]
    assert corp.snapshot() == before and list(folder.iterdir()) == []


def test_a_wave_killed_halfway_is_finished_by_advance_and_the_same_command(corp, graph, tmp_path):
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    wave = corp.start(*WAVE, "--secret-dir", str(folder))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        delivered = [f for f in folder.iterdir() if f.stat().st_size > 0]
        if len(delivered) >= CLIENTS // 2:
            break
        assert wave.poll() is None, "the wave ended before it was killed"
        time.sleep(0.05)
    wave.send_signal(signal.SIGKILL)
    wave.wait()
    open_rotations = corp.query("SELECT count(*) FROM rotation WHERE step NOT IN ('done', 'failed', 'grace')")[0][0]
    started = corp.query("SELECT count(*) FROM rotation")[0][0]
    assert started < CLIENTS, "killed too late to leave anything unstarted"

    advance = corp.run("rotations", "advance")
    assert advance.returncode == 0, advance.stdout + advance.stderr
    assert_no_throttle_surfaced(advance.stdout, advance.stderr)
    assert corp.query("SELECT count(*) FROM rotation WHERE step NOT IN ('done', 'failed', 'grace')")[0][0] == 0
    assert open_rotations >= 0

    again = corp.run(*WAVE, "--secret-dir", str(folder))
    assert again.returncode == 0, again.stdout + again.stderr
    assert_no_throttle_surfaced(again.stdout, again.stderr)
    assert f"{CLIENTS - started} clients: {CLIENTS - started} rotated, 0 waiting, 0 failed" in again.stdout, again.stdout
    assert corp.query("SELECT count(*) FROM rotation")[0][0] == CLIENTS

    finish_grace(corp)
    assert_every_client_has_one_working_new_secret(corp, graph, folder)
    corp.run("audit", "verify", check=0)


@pytest.mark.parametrize("args, line", [
    (["--expiring-within", "30d", "--secret-dir", "{dir}"], "--expiring-within rotates every matching client: confirm with --yes"),
    (["--expiring-within", "30d", "--yes"], "--expiring-within needs a delivery nobody has to watch: --secret-dir DIR or --secret-command CMD (show-once serves one client)"),
    (["--expiring-within", "30d", "billing-api", "--secret-dir", "{dir}", "--yes"], "give a CLIENT or --expiring-within, not both (got 'billing-api')"),
    (["--expiring-within", "30d", "--secret-file", "{dir}/one", "--yes"], "--secret-file names one file, and --expiring-within rotates many clients: use --secret-dir DIR"),
    (["--expiring-within", "30d", "--secret-dir", "{dir}", "--secret-command", "cat", "--yes"], "give one of --secret-dir and --secret-command"),
    (["billing-api", "--owner", "payments"], "--owner goes with --expiring-within (a wave of rotations); one client takes CLIENT"),
    (["--expiring-within", "30d", "--secret-dir", "{dir}", "--parallel", "65", "--yes"], "--parallel 65: give 1 to 64"),
    (["--expiring-within", "30d", "--secret-dir", "{dir}/missing", "--yes"], "--secret-dir {dir}/missing is not a folder; create it first (mode 0700)"),
    (["--expiring-within", "30d", "--secret-dir", "{dir}", "--owner", "nobody", "--yes"], "no client is owned by team 'nobody'"),
])
def test_bad_wave_flags_are_one_line_and_change_nothing(demo, tmp_path, args, line):
    before = demo.snapshot()
    refused = demo.run("rotate", *[a.format(dir=tmp_path) for a in args])
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.strip().splitlines() == [f"clientele: {line.format(dir=tmp_path)}"]
    assert demo.snapshot() == before


def test_a_single_rotations_secret_command_sees_the_client_named_in_its_environment(demo, tmp_path):
    seen = tmp_path / "seen"
    command = f'cat > /dev/null; printf "%s|%s|%s" "$CLIENTELE_CLIENT" "$CLIENTELE_CLIENT_ID" "$CLIENTELE_IDP" > {seen}'
    demo.run("rotate", "billing-api", "--secret-command", command, check=0)
    client_id = demo.query("SELECT clientId FROM client WHERE displayName = 'billing-api'")[0][0]
    assert seen.read_text() == f"billing-api|{client_id}|entra-sandbox"
