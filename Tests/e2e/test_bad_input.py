"""Every bad input: one line on stderr naming the thing, a non-zero exit, and the registry's bytes unchanged.
What a registry that is not one looks like on PostgreSQL (no schema, a database holding something else, a newer
schema) is in test_postgres_registry_refusals.py."""
import sqlite3

import pytest

CASES = [
    (["client", "show", "no-such-client"], "no client 'no-such-client'"),
    (["client", "list", "--env", "Staging"], "no environment 'Staging'"),
    (["client", "list", "--idp", "okta"], "no identity provider 'okta'"),
    (["secrets", "expiring", "--within", "30x"], "'30x' is invalid for '--within"),
    (["rotate", "billing-api", "--grace", "1y", "--secret-file", "/tmp/never"], "'1y' is invalid for '--grace"),
    (["policy", "assign", "rate-limiting", "--env", "Prod", "--config", "requests=0"], "rate-limiting: requests must be > 0"),
    (["policy", "assign", "rate-limiting", "--env", "Dev", "--config", "requests=10", "--config", "burst=5"],
     "rate-limiting: unknown key 'burst'"),
    (["policy", "assign", "cors", "--env", "Dev", "--config", "origins=*", "--config", "allow-credentials=true", "--api", "x"],
     "cors: origins=* cannot be combined with allow-credentials=true"),
    (["policy", "assign", "ip-allowlist", "--env", "Prod", "--api", "orders", "--config", "cidrs=10.0.0.0/33"],
     "ip-allowlist: cidrs has a bad CIDR '10.0.0.0/33'"),
    (["policy", "assign", "jwt-validation", "--env", "Prod", "--api", "orders"], "jwt-validation: jwks-url is required"),
    (["policy", "assign", "no-such-policy", "--env", "Prod"], "no-such-policy"),
    (["policy", "unassign", "cors", "--env", "Prod"], "cors is not assigned in Prod"),
    (["env", "add", "prod"], "environment 'Prod' already exists"),
    (["rotations", "advance", "999"], "no rotation #999"),
    # A name with a newline and an escape sequence: still one line, and the controls shown escaped, not sent.
    (["client", "show", "evil\nname\x1b[2J"], "no client 'evil\\u{a}name\\u{1b}[2J'"),
    (["secrets", "remove", "billing-api", "ffff0000", "--yes"], "has no secret in service with key id 'ffff0000'"),
    # Durations that overflow a date or mean nothing, and counts out of range: the flag named, nothing changed.
    (["secrets", "expiring", "--within", "99999999999d"], "'99999999999d' is invalid for '--within"),
    (["secrets", "expiring", "--within", "36501d"], "at most 36500d"),
    (["secrets", "expiring", "--within", "9999999999999999999999w"], "is invalid for '--within"),
    (["rotate", "billing-api", "--grace", "99999999999d", "--secret-file", "/tmp/never"], "is invalid for '--grace"),
    (["rotate", "billing-api", "--lifetime", "99999999999d", "--secret-file", "/tmp/never"], "is invalid for '--lifetime"),
    (["rotate", "billing-api", "--lifetime", "0", "--secret-file", "/tmp/never"], "'0' is invalid for '--lifetime"),
    (["idp", "add", "entra", "--name", "corp", "--tenant", "t", "--client-id", "c", "--secret-env", "X",
      "--secret-replication-wait", "99999999999d"], "is invalid for '--secret-replication-wait"),
    (["idp", "add", "entra", "--name", "corp", "--tenant", "t", "--client-id", "c", "--secret-env", "X",
      "--secret-replication-wait", "2h"], "'2h' is invalid for '--secret-replication-wait <duration>': use at most 1h"),
    (["client", "list", "--limit", "0"], "--limit must be between 1 and"),
    (["client", "list", "--limit=-1"], "--limit must be between 1 and"),
    (["client", "list", "--limit", "99999999999999999999"], "is invalid for '--limit"),
    (["audit", "list", "--limit", "0"], "--limit must be between 1 and"),
    (["audit", "list", "--limit=-5"], "--limit must be between 1 and"),
    (["demo", "--clients", "99999999999999999999", "--build-only"], "is invalid for '--clients"),
    (["demo", "--clients", "0", "--build-only"], "--clients must be between 1 and 1000000"),
    (["demo", "--seed", "99999999999999999999", "--build-only"], "is invalid for '--seed"),
    (["policy", "move", "rate-limiting", "--env", "Prod", "--to", "0"], "--to 0 is outside 1…"),
    (["policy", "move", "rate-limiting", "--env", "Prod", "--to", "99"], "--to 99 is outside 1…"),
    (["policy", "assign", "cors", "--env", "Prod", "--config", "origins=https://a.example", "--position", "0"],
     "--position 0 is outside 1…"),
    (["rotations", "advance", "99999999999999999999"], "99999999999999999999"),
]


@pytest.mark.parametrize("args,message", CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_bad_input_changes_nothing(demo, args, message):
    before = demo.snapshot()
    result = demo.run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert demo.snapshot() == before


def test_ambiguous_client_lists_the_matches(demo):
    demo.query("UPDATE client SET displayName = 'twin-api' WHERE id IN (1, 2)")
    before = demo.snapshot()
    result = demo.run("client", "show", "twin-api")
    assert result.returncode == 2
    assert "matches 2 clients" in result.stderr and "#1" in result.stderr and "#2" in result.stderr
    assert demo.snapshot() == before


@pytest.mark.sqlite_file  # a path with no file
def test_missing_registry(cli):
    result = cli.run("client", "list")
    assert result.returncode == 2
    assert f"no registry at {cli.registry}" in result.stderr and "clientele init" in result.stderr
    assert not cli.registry.exists()


@pytest.mark.sqlite_file  # a file that is not SQLite
def test_registry_that_is_not_sqlite(cli):
    cli.registry.parent.mkdir(parents=True)
    cli.registry.write_text("hello, not a database\n")
    result = cli.run("client", "list")
    assert result.returncode == 2
    assert "is not a Clientele registry: it is not an SQLite database" in result.stderr
    assert cli.registry.read_text() == "hello, not a database\n"


@pytest.mark.sqlite_file  # the file's permissions
def test_unreadable_registry(demo):
    import os
    if os.geteuid() == 0:
        # root reads any file: make the path a directory instead, which no one can open as a database.
        demo.registry.rename(demo.registry.with_suffix(".moved"))
        demo.registry.mkdir()
    else:
        demo.registry.chmod(0)
    result = demo.run("client", "list")
    assert result.returncode == 2 and str(demo.registry) in result.stderr


@pytest.mark.sqlite_file  # GRDB's migrations table in the file
def test_registry_from_a_newer_clientele(demo):
    with sqlite3.connect(demo.registry) as db:
        db.execute("INSERT INTO grdb_migrations(identifier) VALUES ('v99: from the future')")
    before = demo.snapshot()
    result = demo.run("client", "list")
    assert result.returncode == 2
    assert "written by a newer Clientele" in result.stderr
    assert demo.snapshot() == before


@pytest.mark.sqlite_file  # another program's SQLite file
def test_foreign_sqlite_file(cli):
    cli.registry.parent.mkdir(parents=True)
    with sqlite3.connect(cli.registry) as db:
        db.execute("CREATE TABLE notes(text)")
    result = cli.run("client", "list")
    assert result.returncode == 2 and "not a Clientele registry" in result.stderr


def test_secret_file_that_exists_is_refused(demo, tmp_path):
    existing = tmp_path / "existing"
    existing.write_text("precious\n")
    client = demo.query("SELECT displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
                        "WHERE i.name = 'entra-sandbox' ORDER BY c.id DESC LIMIT 1")[0][0]
    before = demo.snapshot()
    result = demo.run("rotate", client, "--secret-file", str(existing))
    assert result.returncode == 2
    assert f"secret file {existing} already exists" in result.stderr
    assert existing.read_text() == "precious\n"
    assert demo.snapshot() == before


def test_failing_secret_command_leaves_a_resumable_rotation(demo, tmp_path):
    client = demo.query("SELECT displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
                        "WHERE i.name = 'entra-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) "
                        "ORDER BY c.id DESC LIMIT 1")[0][0]
    known = tmp_path / "known"
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(known), check=0)
    result = demo.run("rotate", client, "--secret-command", "exit 3")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "exited 3" in line and "old secret is still active" in line and f"clientele rotate {client}" in line
    # Where it stands: planned again, the undelivered secret withdrawn, the old one still working.
    step = demo.query("SELECT step FROM rotation WHERE clientRowId = (SELECT id FROM client WHERE displayName = ?) "
                      "ORDER BY id DESC LIMIT 1", client)[0][0]
    assert step == "planned"
    demo.run("secrets", "test", client, "--secret-file", str(known), check=0)
    assert demo.sandbox_query("SELECT count(*) FROM password p JOIN app a ON a.appId = p.appId "
                              "WHERE a.displayName = ?", client)[0][0] == 1
    # Resuming with a working command finishes it.
    resumed = demo.run("rotate", client, "--secret-command", f"cat > {tmp_path / 'resumed'}")
    assert "Resuming rotation" in resumed.stdout
