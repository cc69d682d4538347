"""Inputs are bounded and honest: a window too long for a date is an error rather than "Nothing expires", the longest
one accepted still means everything, and every path option takes a bare relative name."""
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

# As conftest.py finds it (importing it by name clashes with the console suite's conftest in one pytest run).
BINARY = Path(os.environ.get("CLIENTELE_BIN", Path(__file__).resolve().parents[2] / ".build" / "debug" / "clientele"))


def run_in(cli, folder, *args, check=None, env=None):
    """Runs the binary with `folder` as the working directory and no registry in the environment, so relative
    names are resolved against the folder and nothing else."""
    environment = {k: v for k, v in cli.env.items() if k != "CLIENTELE_REGISTRY"}
    if cli.now:
        environment["CLIENTELE_TEST_NOW"] = cli.now
    environment.update(env or {})
    result = subprocess.run([str(BINARY), *args], capture_output=True, text=True, env=environment, cwd=folder,
                            timeout=120)
    if check is not None:
        assert result.returncode == check, f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
    return result


def test_an_overflowing_window_is_an_error_not_nothing_expires(demo):
    before = demo.snapshot()
    result = demo.run("secrets", "expiring", "--within", "99999999999d")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Nothing expires" not in result.stdout
    assert "--within" in result.stderr and "at most 36500d" in result.stderr
    assert demo.snapshot() == before


def test_the_longest_window_lists_every_expiring_secret(demo):
    # The demo's clock is 2026-11-23: some of its secrets are already expired, and all expire within a century.
    expired = demo.query("SELECT count(*) FROM secret WHERE state IN ('active', 'pending') "
                         "AND expiresAt < '2026-11-23 12:00:00'")[0][0]
    dated = demo.query("SELECT count(*) FROM secret WHERE state IN ('active', 'pending') AND expiresAt IS NOT NULL")[0][0]
    assert expired > 0
    result = demo.run("secrets", "expiring", "--within", "36500d", "--json")
    assert result.returncode == 1, result.stderr
    secrets = [row for row in json.loads(result.stdout) if row["kind"] in ("client-secret", "gateway-secret")]
    assert len(secrets) == dated
    assert sum(1 for row in secrets if row["daysLeft"] < 0) == expired


@pytest.mark.sqlite_file  # a registry file's relative path
def test_init_accepts_a_bare_registry_name(cli, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    result = run_in(cli, folder, "init", "--registry", "r.sqlite", check=0)
    assert (folder / "r.sqlite").exists()
    assert str(folder / "r.sqlite") in result.stdout
    assert stat.S_IMODE(os.stat(folder / "r.sqlite").st_mode) == 0o600
    # And commands find it by the same bare name.
    run_in(cli, folder, "env", "add", "Prod", "--registry", "r.sqlite", check=0)
    listed = run_in(cli, folder, "env", "list", "--json", "--registry", "./r.sqlite", check=0)
    assert [row["name"] for row in json.loads(listed.stdout)] == ["Prod"]


@pytest.mark.sqlite_file  # a registry file's relative path, and its sandboxes' files beside it
def test_demo_accepts_a_bare_registry_name(cli, tmp_path):
    cli.now = "2026-11-23T12:00:00Z"
    folder = tmp_path / "work"
    folder.mkdir()
    run_in(cli, folder, "demo", "--registry", "d.sqlite", "--build-only", "--clients", "20", check=0)
    assert (folder / "d.sqlite").exists()
    assert (folder / "d.sandbox-entra-sandbox.sqlite").exists()
    listed = run_in(cli, folder, "client", "list", "--json", "--registry", "d.sqlite", check=0)
    # The 20 generated, and the demo gateways' own: 8 clients Anypoint's client provider registered, 6 held.
    assert len(json.loads(listed.stdout)) == 20 + 8 + 6


def test_rotate_writes_a_bare_secret_file_name_and_keeps_where_it_is(cli, tmp_path):
    cli.now = "2026-11-23T12:00:00Z"
    folder = tmp_path / "work"
    folder.mkdir()
    registry = ["--registry", str(cli.registry)]
    run_in(cli, folder, "demo", *registry, "--build-only", "--clients", "20", check=0)
    client = cli.query("SELECT c.id FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
                       "WHERE i.name = 'entra-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) "
                       "ORDER BY c.id LIMIT 1")[0][0]
    run_in(cli, folder, "rotate", f"#{client}", "--grace", "1d", "--secret-file", "new.secret", *registry, check=0)
    secret = folder / "new.secret"
    assert secret.exists() and secret.read_text().strip()
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    # The rotation keeps an absolute path: `rotations advance` from cron runs in another directory.
    delivery = cli.query("SELECT delivery FROM rotation WHERE clientRowId = ?", client)[0][0]
    assert json.loads(delivery)["file"]["path"] == str(secret)


def test_other_path_options_accept_bare_names(demo, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    registry = ["--registry", str(demo.registry)]
    # --config-file
    (folder / "c.yaml").write_text("expiry:\n  warning: 20d\n")
    run_in(demo, folder, "secrets", "expiring", "--config-file", "c.yaml", *registry, check=1)
    # An admin credential file (idp add entra --secret-file), owner-only.
    (folder / "admin.secret").write_text("s3cret-admin\n")
    os.chmod(folder / "admin.secret", 0o600)
    run_in(demo, folder, "idp", "add", "entra", "--name", "corp", "--tenant", "t", "--client-id", "c",
           "--secret-file", "admin.secret", *registry, check=0)
    source = demo.query("SELECT credentialSource FROM identityProvider WHERE name = 'corp'")[0][0]
    assert json.loads(source)["file"]["_0"] == str(folder / "admin.secret")
    # client register --secret-file, then secrets test --secret-file, both bare.
    run_in(demo, folder, "client", "register", "bare-api", "--idp", "entra-sandbox", "--secret-file", "first.secret",
           *registry, check=0)
    assert (folder / "first.secret").exists()
    run_in(demo, folder, "secrets", "test", "bare-api", "--secret-file", "first.secret", *registry, check=0)
