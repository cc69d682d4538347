"""The real binary against real IdPs on 127.0.0.1: Entra ID through the Graph-compatible server, and glewlwyd
through RFC 7591/7592. Rotation, verification, sync and drift, and kills at every step boundary."""
import json
import signal
import urllib.request

import pytest

from loopback import LoopbackServer

FAULTS = ["after-idp-create", "after-created", "after-deliver", "after-delivered", "after-verified",
          "after-grace-started", "after-idp-remove"]


@pytest.fixture(scope="module")
def graph():
    server = LoopbackServer("graph-test-server", "--applications", "12", "--seed", "3", "--quiet")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def glewlwyd():
    server = LoopbackServer("oidc-test-server")
    yield server
    server.stop()


@pytest.fixture
def entra(cli, graph):
    cli.run("init", check=0)
    cli.run("env", "add", "Prod", check=0)
    cli.run("idp", "add", "entra", "--name", "corp", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
            "--secret-file", graph["client_secret_file"], "--authority", graph["authority"], "--graph", graph["graph"],
            check=0)
    return cli


def register_entra_client(cli, tmp_path, name):
    first = tmp_path / f"{name}.first"
    cli.run("client", "register", name, "--idp", "corp", "--env", "Prod", "--secret-file", str(first), check=0)
    return first


def test_entra_check_sync_rotate_and_delete(entra, graph, tmp_path):
    check = entra.run("idp", "check", "corp", check=0)
    assert "corp: ok" in check.stdout and "expires" in check.stdout
    first_sync = entra.run("sync", "--idp", "corp", "--json")
    report = json.loads(first_sync.stdout)[0]
    assert report["clientsAtIdP"] >= 12 and len(report["importedClients"]) >= 12

    first = register_entra_client(entra, tmp_path, "orders-api")
    entra.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    second = tmp_path / "second"
    entra.run("rotate", "orders-api", "--grace", "1d", "--secret-file", str(second), check=0)
    entra.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    entra.run("secrets", "test", "orders-api", "--secret-file", str(second), check=0)
    # Those checks signed in with the first secret after the second was delivered, as a caller would, and Entra's
    # report says so: the grace's end holds the rotation for a day, and the next look (no use since) retires it.
    entra.now = "2030-01-01T00:00:00Z"
    held = entra.run("rotations", "advance", check=0)
    assert "holding until" in held.stdout, held.stdout
    entra.run("secrets", "test", "orders-api", "--secret-file", str(second), check=0)
    entra.now = "2030-01-02T01:00:00Z"
    done = entra.run("rotations", "advance", check=0)
    assert "done" in done.stdout, done.stdout
    assert entra.run("secrets", "test", "orders-api", "--secret-file", str(first)).returncode == 1
    entra.run("secrets", "test", "orders-api", "--secret-file", str(second), check=0)
    entra.now = None
    clean = entra.run("sync", "--idp", "corp")
    assert "no drift" in clean.stdout, clean.stdout

    entra.run("client", "delete", "orders-api", "--yes", check=0)
    assert entra.run("secrets", "test", "orders-api", "--secret-file", str(second)).returncode == 2


def set_propagation(graph, ms):
    urllib.request.urlopen(urllib.request.Request(
        f"{graph['control']}/propagation", data=json.dumps({"ms": ms}).encode(), headers={"Content-Type": "application/json"}))


def test_entra_rotation_waits_out_replication_within_the_idps_setting(entra, graph, tmp_path):
    entra.run("idp", "add", "entra", "--name", "slow", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
              "--secret-file", graph["client_secret_file"], "--authority", graph["authority"], "--graph", graph["graph"],
              "--secret-replication-wait", "1s", check=0)
    assert "replication wait:  1s" in entra.run("idp", "show", "slow", check=0).stdout
    assert "replication wait:  2m (default)" in entra.run("idp", "show", "corp", check=0).stdout
    first = register_entra_client(entra, tmp_path, "lagging-api")
    entra.run("client", "register", "impatient-api", "--idp", "slow", "--env", "Prod", "--secret-file",
              str(tmp_path / "impatient.first"), check=0)
    set_propagation(graph, 2500)
    try:
        # Within corp's two minutes: the rotation asks again until Entra accepts the new secret.
        second = tmp_path / "lagging.second"
        entra.run("rotate", "lagging-api", "--grace", "1d", "--secret-file", str(second), check=0)
        entra.run("secrets", "test", "lagging-api", "--secret-file", str(second), check=0)
        verified = entra.query("SELECT details FROM auditEvent WHERE action = 'rotation.secret-verified' "
                               "AND subject = 'client lagging-api'")
        assert "while it replicated" in verified[-1][0]
        # slow allows one second: the new secret is withdrawn and the first one keeps working.
        refused = entra.run("rotate", "impatient-api", "--grace", "1d", "--secret-file", str(tmp_path / "impatient.second"))
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "allowed for replication" in refused.stdout + refused.stderr
    finally:
        set_propagation(graph, 0)
    entra.run("secrets", "test", "impatient-api", "--secret-file", str(tmp_path / "impatient.first"), check=0)
    entra.run("secrets", "test", "lagging-api", "--secret-file", str(first), check=0)


@pytest.mark.parametrize("fault", FAULTS)
def test_entra_rotation_survives_a_kill_at_every_step(entra, graph, tmp_path, fault):
    name = f"crash-{fault}"
    first = register_entra_client(entra, tmp_path, name)
    new = tmp_path / "new"
    if fault == "after-idp-remove":
        entra.run("rotate", name, "--grace", "1d", "--secret-file", str(new), check=0)
        entra.now = "2030-01-01T00:00:00Z"
        crashed = entra.run("rotations", "advance", env={"CLIENTELE_TEST_FAULT": fault})
    else:
        crashed = entra.run("rotate", name, "--grace", "1d", "--secret-file", str(new), env={"CLIENTELE_TEST_FAULT": fault})
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    working = [p for p in (first, new) if p.exists() and p.read_text().strip()
               and entra.run("secrets", "test", name, "--secret-file", str(p)).returncode == 0]
    assert working, f"no working secret after a kill at {fault}"
    # At most one secret the registry does not know about, and sync names it.
    drift = json.loads(entra.run("sync", "--idp", "corp", "--dry-run", "--json").stdout)[0]
    extra = [d for d in drift["secretsUnknownToRegistry"] if d["client"] == name]
    assert len(extra) <= 1
    assert all(d["fromInterruptedRotation"] for d in extra)

    entra.run("rotations", "advance", check=0)
    entra.now = "2030-01-01T00:00:00Z"
    entra.run("rotations", "advance", check=0)
    # The check of what still works may have signed in with the old secret after delivery: then that look held
    # the rotation for a day, and this one, with no use since, retires it.
    entra.now = "2030-01-02T01:00:00Z"
    entra.run("rotations", "advance", check=0)
    entra.run("secrets", "test", name, "--secret-file", str(new), check=0)
    assert entra.run("secrets", "test", name, "--secret-file", str(first)).returncode == 1
    entra.now = None
    after = json.loads(entra.run("sync", "--idp", "corp", "--dry-run", "--json").stdout)[0]
    assert not [d for d in after["secretsUnknownToRegistry"] if d["client"] == name]
    entra.run("audit", "verify", check=0)


def test_entra_errors_are_one_line(entra, graph):
    urllib.request.urlopen(urllib.request.Request(
        f"{graph['control']}/admin-secret", data=b'{"state": "expired"}', headers={"Content-Type": "application/json"}))
    try:
        result = entra.run("idp", "check", "corp")
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "corp" in lines[0] and "expired" in lines[0] and "client-request-id" in lines[0]
    finally:
        urllib.request.urlopen(urllib.request.Request(
            f"{graph['control']}/admin-secret", data=b'{"state": "valid"}', headers={"Content-Type": "application/json"}))


def test_unreachable_idp_changes_nothing(cli, tmp_path):
    cli.run("init", check=0)
    (tmp_path / "admin").write_text("not-a-real-secret\n")
    (tmp_path / "admin").chmod(0o600)
    cli.run("idp", "add", "entra", "--name", "down", "--tenant", "t", "--client-id", "c", "--secret-file",
            str(tmp_path / "admin"), "--authority", "http://127.0.0.1:9", "--graph", "http://127.0.0.1:9/v1.0", check=0)
    before = cli.snapshot()
    result = cli.run("sync", "--idp", "down")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "down" in line and "127.0.0.1" in line
    assert cli.snapshot() == before


def test_tls_failure_is_one_line_and_changes_nothing(cli, graph, tmp_path):
    # https:// to a plain-HTTP port: the TLS handshake fails.
    cli.run("init", check=0)
    http_authority = graph["authority"]
    tls_authority = http_authority.replace("http://", "https://")
    cli.run("idp", "add", "entra", "--name", "tls", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
            "--secret-file", graph["client_secret_file"], "--authority", tls_authority,
            "--graph", tls_authority + "/v1.0", check=0)
    before = cli.snapshot()
    result = cli.run("sync", "--idp", "tls")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "tls" in line and "client-request-id" in line
    assert cli.snapshot() == before


@pytest.fixture
def oidc(cli, glewlwyd):
    cli.run("init", check=0)
    cli.run("idp", "add", "oidc", "--name", "glew", "--issuer", glewlwyd["issuer"], "--scope", "api.read", check=0)
    cli.env["CLIENTELE_CREDENTIALS_KEY"] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    return cli


def test_oidc_register_rotate_sync_delete(oidc, tmp_path):
    oidc.run("idp", "check", "glew", check=0)
    first = tmp_path / "first"
    oidc.run("client", "register", "partner-api", "--idp", "glew", "--secret-file", str(first), check=0)
    oidc.run("secrets", "test", "partner-api", "--secret-file", str(first), check=0)
    # The registration credential is in the registry, sealed: no file beside it, and neither the token nor the
    # registration URI it is sent to in clear anywhere in the registry's bytes.
    assert not [path for path in oidc.home.rglob("*") if path.name == "registry.credentials"]
    [(client_id, sealed)] = oidc.query("SELECT clientId, sealed FROM registrationCredential")
    assert len(sealed) > 28 and client_id.encode() not in sealed and b"http" not in sealed
    assert b"registrationClientURI" not in oidc.stored_bytes()
    refused = oidc.run("rotate", "partner-api", "--secret-file", str(tmp_path / "never"))
    assert refused.returncode == 2 and "cannot keep two secrets" in refused.stderr
    second = tmp_path / "second"
    oidc.run("rotate", "partner-api", "--yes", "--secret-file", str(second), check=0)
    oidc.run("secrets", "test", "partner-api", "--secret-file", str(second), check=0)
    assert oidc.run("secrets", "test", "partner-api", "--secret-file", str(first)).returncode == 1
    assert "no drift" in oidc.run("sync", "--idp", "glew").stdout
    oidc.run("client", "delete", "partner-api", "--yes", check=0)
    assert oidc.run("secrets", "test", "partner-api", "--secret-file", str(second)).returncode == 2


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "after-idp-remove"])
def test_oidc_rotation_resumes_after_a_kill(oidc, tmp_path, fault):
    # Without overlap there is nothing left to remove after the grace step, so every other step boundary is here.
    name = f"oidc-{fault}"
    first = tmp_path / "first"
    oidc.run("client", "register", name, "--idp", "glew", "--secret-file", str(first), check=0)
    new = tmp_path / "new"
    crashed = oidc.run("rotate", name, "--yes", "--secret-file", str(new), env={"CLIENTELE_TEST_FAULT": fault})
    assert crashed.returncode == -signal.SIGKILL
    # The provider always holds exactly one secret for the client.
    drift = json.loads(oidc.run("sync", "--idp", "glew", "--dry-run", "--json").stdout)[0]
    assert len([d for d in drift["secretsUnknownToRegistry"] if d["client"] == name]) <= 1
    oidc.run("rotations", "advance", check=0)
    oidc.run("secrets", "test", name, "--secret-file", str(new), check=0)
    step = oidc.query("SELECT step FROM rotation ORDER BY id DESC LIMIT 1")[0][0]
    assert step == "done"
