"""The three PostgreSQL roles through the real binary: logins granted them with the SQL `init --print-roles` prints,
run with psql as the database owner; what each login may do, what it is refused in one line, and that the audit
trail names the login beside the actor."""
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from clientele_runner import ROOT
from postgres import server_url

PSQL = "/usr/lib/postgresql/15/bin/psql"


@pytest.fixture(scope="module")
def server():
    """`postgres://clientele@127.0.0.1:PORT`: the run's server (`scripts/test`), else one started for this run."""
    return server_url()


def psql(url, sql=None, file=None, check=True):
    args = [PSQL, url, "-v", "ON_ERROR_STOP=1", "-qAt"] + (["-c", sql] if sql else ["-f", str(file)])
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


class Team:
    """A fresh registry database made by the owner, the roles installed, and one login per role."""

    def __init__(self, server, cli, tmp_path):
        self.server = server
        self.cli = cli
        name = "roles_" + uuid.uuid4().hex[:12]
        psql(server + "/postgres", f"CREATE DATABASE {name}")
        self.url = f"{server}/{name}"
        suffix = uuid.uuid4().hex[:8]
        self.reader, self.operator, self.admin = f"reader_{suffix}", f"operator_{suffix}", f"admin_{suffix}"
        self.as_owner("init", check=0)
        self.as_owner("idp", "add", "sandbox", "--name", "lab", check=0)
        self.as_owner("client", "register", "orders-api", "--idp", "lab", "--secret-file",
                      str(tmp_path / "first.secret"), check=0)
        roles = tmp_path / "roles.sql"
        roles.write_text(cli.run("init", "--print-roles", check=0).stdout)
        psql(self.url, file=roles)
        for login, role in ((self.reader, "clientele_read"), (self.operator, "clientele_operate"),
                            (self.admin, "clientele_admin")):
            psql(self.url, f"CREATE ROLE {login} LOGIN; GRANT {role} TO {login};")

    def url_as(self, login):
        return self.url.replace("://clientele@", f"://{login}@")

    def run_as(self, login, *args, check=None):
        return self.cli.run(*args, env={"CLIENTELE_REGISTRY": self.url_as(login)}, check=check)

    def as_owner(self, *args, check=None):
        return self.run_as("clientele", *args, check=check)

    def state(self):
        """What a refused command must leave as it was: the revision, the trail, the rotations and secrets."""
        return psql(self.url, "SELECT (SELECT value FROM registryInfo WHERE key = 'revision'), "
                              "(SELECT count(*) FROM auditEvent), (SELECT count(*) FROM rotation), "
                              "(SELECT count(*) FROM secret), (SELECT count(*) FROM client)").stdout


@pytest.fixture
def team(server, cli, tmp_path):
    return Team(server, cli, tmp_path)


def assert_refused(result, login, role):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"refuses this: role {login} may not change" in lines[0]
    assert f"grant {role}" in lines[0]
    assert "42501" not in lines[0] and "SQLSTATE" not in lines[0]


def test_print_roles_needs_no_registry_and_matches_the_shipped_file(cli):
    printed = cli.run("init", "--print-roles", env={"CLIENTELE_REGISTRY": "postgres://nobody@127.0.0.1:1/none"},
                      check=0).stdout
    assert printed == (ROOT / "docs" / "postgres-roles.sql").read_text()
    for role in ("clientele_read", "clientele_operate", "clientele_admin"):
        assert f"CREATE ROLE {role} NOLOGIN" in printed
    assert "psql" in cli.run("init", "--help", check=0).stdout


def test_a_reader_reads_and_verifies_but_cannot_rotate_or_register(team, tmp_path):
    assert team.run_as(team.reader, "secrets", "expiring", "--within", "400d", "--json").returncode in (0, 1)
    assert "intact" in team.run_as(team.reader, "audit", "verify", check=0).stdout
    assert json.loads(team.run_as(team.reader, "client", "list", "--json", check=0).stdout)
    before = team.state()
    assert_refused(team.run_as(team.reader, "rotate", "orders-api", "--grace", "0", "--yes", "--secret-file",
                               str(tmp_path / "r.secret")), team.reader, "clientele_operate")
    assert_refused(team.run_as(team.reader, "client", "register", "billing-api", "--idp", "lab", "--secret-file",
                               str(tmp_path / "b.secret")), team.reader, "clientele_operate")
    assert_refused(team.run_as(team.reader, "client", "delete", "orders-api", "--yes"), team.reader,
                   "clientele_operate")
    assert team.state() == before
    assert not (tmp_path / "b.secret").exists()
    # Nothing was created or deleted at the IdP either: the owner still rotates the one client there.
    team.as_owner("rotate", "orders-api", "--grace", "0", "--yes", "--secret-file", str(tmp_path / "o.secret"),
                  check=0)
    assert "lab: 1 clients at the IdP; would import 0 new" in team.as_owner("sync", "--idp", "lab", "--dry-run",
                                                                             check=0).stdout


def test_an_operator_rotates_but_cannot_rewrite_history_or_add_an_idp(team, tmp_path):
    team.run_as(team.operator, "rotate", "orders-api", "--actor", "ops-alice", "--grace", "0", "--yes",
                "--secret-file", str(tmp_path / "second.secret"), check=0)
    events = json.loads(team.run_as(team.operator, "audit", "list", "--json", check=0).stdout)
    rotated = [e for e in events if e["action"].startswith("rotation")]
    assert rotated and all(e["actor"] == "ops-alice" and e["sessionUser"] == team.operator for e in rotated)
    assert f"ops-alice (db: {team.operator})" in team.run_as(team.operator, "audit", "list", check=0).stdout
    exported = [json.loads(line) for line in team.run_as(team.reader, "audit", "export", check=0).stdout.splitlines()]
    assert {e["session_user"] for e in exported} == {"clientele", team.operator}
    # Even with raw SQL through its own login.
    for sql in ("UPDATE auditEvent SET actor = 'mallory'", "DELETE FROM auditEvent", "TRUNCATE auditEvent"):
        refused = psql(team.url_as(team.operator), sql, check=False)
        assert refused.returncode != 0 and "permission denied" in refused.stderr
    before = team.state()
    assert_refused(team.run_as(team.operator, "idp", "add", "sandbox", "--name", "lab2"), team.operator,
                   "clientele_admin")
    assert team.state() == before
    assert "intact" in team.run_as(team.reader, "audit", "verify", check=0).stdout


def test_an_admin_adds_an_idp_and_the_owner_cannot_rewrite_history_either(team):
    team.run_as(team.admin, "idp", "add", "sandbox", "--name", "lab2", "--actor", "ops-bob", check=0)
    events = json.loads(team.run_as(team.reader, "audit", "list", "--json", check=0).stdout)
    assert events[0]["sessionUser"] == team.admin and events[0]["actor"] == "ops-bob"
    assert {e["sessionUser"] for e in events[1:]} == {"clientele"}
    refused = psql(team.url, "UPDATE auditEvent SET actor = 'mallory'", check=False)
    assert refused.returncode != 0 and "append-only" in refused.stderr


def test_verify_notices_a_changed_login(team):
    psql(team.url, "ALTER TABLE auditEvent DISABLE TRIGGER audit_is_append_only; "
                   "UPDATE auditEvent SET sessionUser = 'mallory' WHERE id = 1")
    result = team.run_as(team.reader, "audit", "verify")
    assert result.returncode == 1 and "#1 was altered" in result.stdout
