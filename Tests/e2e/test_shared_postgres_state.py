"""Two teammates on one PostgreSQL registry, each with a home of their own: what used to live beside the SQLite
file (a sandbox IdP's state, OIDC registration access tokens) lives in the database, so either can rotate what the
other set up, and no file is written beside anything."""
import os
import subprocess
import uuid

import pytest

from clientele_runner import Clientele
from loopback import LoopbackServer

TEAM_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


@pytest.fixture
def database():
    # scripts/test starts the server; without it this suite fails rather than skipping.
    server = os.environ.get("CLIENTELE_TEST_POSTGRES")
    assert server, "CLIENTELE_TEST_POSTGRES is unset: start scripts/postgres-test-server (scripts/test does)"
    name = "state_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-q", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    return f"{server}/{name}"


@pytest.fixture
def team(tmp_path, database):
    teammates = []
    for name in ("alice", "bob"):
        member = Clientele(tmp_path / name)
        member.env["CLIENTELE_REGISTRY"] = database
        member.env["USER"] = name
        teammates.append(member)
    teammates[0].run("init", check=0)
    return teammates


def files_in(member):
    return sorted(str(path.relative_to(member.home)) for path in member.home.rglob("*") if path.is_file())


def test_a_sandbox_idp_added_by_one_teammate_is_rotated_by_another(team, tmp_path):
    alice, bob = team
    alice.run("idp", "add", "sandbox", "--name", "team-sandbox", "--profile", "entra", check=0)
    first = tmp_path / "first"
    alice.run("client", "register", "partner-api", "--idp", "team-sandbox", "--secret-file", str(first), check=0)
    bob.run("secrets", "test", "partner-api", "--secret-file", str(first), check=0)
    second = tmp_path / "second"
    bob.run("rotate", "partner-api", "--secret-file", str(second), check=0)
    alice.run("secrets", "test", "partner-api", "--secret-file", str(second), check=0)
    assert "no drift" in bob.run("sync", "--idp", "team-sandbox", check=0).stdout
    alice.run("audit", "verify", check=0)
    # Nothing of the sandbox lives in either home: no state file, no folder named for the server.
    for member in team:
        assert not [f for f in files_in(member) if f.endswith(".sqlite")], files_in(member)
    check = alice.run("idp", "check", "team-sandbox", check=0).stdout
    assert "schema sandbox_team_sandbox" in check


def test_a_sandbox_gateway_added_by_one_teammate_is_read_by_another(team):
    alice, bob = team
    alice.run("gateway", "add", "sandbox", "--name", "edge", "--imitating", "kong", "--api", "orders-api",
              "--api", "billing-api", check=0)
    check = bob.run("gateway", "check", "edge", check=0).stdout
    assert "2 APIs" in check and "schema sandbox_edge" in check
    refused = bob.run("gateway", "add", "sandbox", "--name", "odd", "--imitating", "none")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--imitating" in refused.stderr
    for member in team:
        assert not [f for f in files_in(member) if f.endswith(".sqlite")], files_in(member)


def test_an_oidc_client_registered_by_one_teammate_is_rotated_by_another(team, tmp_path):
    glewlwyd = LoopbackServer("oidc-test-server")
    try:
        alice, bob = team
        for member in team:
            member.env["CLIENTELE_CREDENTIALS_KEY"] = TEAM_KEY
        alice.run("idp", "add", "oidc", "--name", "glew", "--issuer", glewlwyd["issuer"], "--scope", "api.read", check=0)
        first = tmp_path / "first"
        alice.run("client", "register", "shared-api", "--idp", "glew", "--secret-file", str(first), check=0)
        second = tmp_path / "second"
        bob.run("rotate", "shared-api", "--yes", "--secret-file", str(second), check=0)
        alice.run("secrets", "test", "shared-api", "--secret-file", str(second), check=0)
        for member in team:
            assert not [f for f in files_in(member) if "credentials" in f and not f.endswith(".key")], files_in(member)
        # A teammate without the team's key is told in one line which key was tried.
        carol = Clientele(tmp_path / "carol")
        carol.env["CLIENTELE_REGISTRY"] = alice.env["CLIENTELE_REGISTRY"]
        refused = carol.run("rotate", "shared-api", "--yes", "--secret-file", str(tmp_path / "never"))
        assert refused.returncode != 0
        line = refused.stderr.strip()
        assert len(line.splitlines()) == 1 and "cannot be decrypted with the key from key file" in line, line
        assert TEAM_KEY not in line
        alice.run("audit", "verify", check=0)
    finally:
        glewlwyd.stop()
