"""idp add / client register / adopt / delete and sync with drift, on the embedded sandbox IdP."""
import json
import os
import stat


def test_register_sync_and_drift(cli, tmp_path):
    cli.run("init", check=0)
    cli.run("env", "add", "Prod", "--gateway", "kong", check=0)
    cli.run("idp", "add", "sandbox", "--name", "lab", check=0)
    first = tmp_path / "orders.secret"
    out = cli.run("client", "register", "orders-api", "--idp", "lab", "--env", "Prod", "--secret-file", str(first), check=0)
    assert "Registered orders-api" in out.stdout
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    cli.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    clean = cli.run("sync", "--idp", "lab")
    assert clean.returncode == 0 and "no drift" in clean.stdout, clean.stdout + clean.stderr

    # Someone adds a secret in the portal and another disappears: the sandbox changes behind the registry's back.
    app = cli.sandbox_query("SELECT appId FROM app", idp="lab")[0][0]
    cli.sandbox_query("INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt) "
                      "VALUES ('portal-key-1', ?, 'Zq9', 'made in portal', ?, ?, '2026-11-01 00:00:00', '2027-11-01 00:00:00')",
                      app, b"", b"\x00", idp="lab")
    cli.sandbox_query("INSERT INTO app(appId, objectId, displayName, createdAt) "
                      "VALUES ('portal-app', 'obj-1', 'portal-made', '2026-11-01 00:00:00')", idp="lab")
    cli.query("INSERT INTO client(identityProviderId, displayName, clientId, createdAt, updatedAt) "
              "VALUES ((SELECT id FROM identityProvider WHERE name = 'lab'), 'ghost-api', 'ghost', '2026-11-01', '2026-11-01')")

    before = cli.snapshot()
    dry = cli.run("sync", "--idp", "lab", "--dry-run", "--json")
    assert dry.returncode == 1
    report = json.loads(dry.stdout)[0]
    assert [d["keyId"] for d in report["secretsUnknownToRegistry"]] == ["portal-key-1"]
    assert report["importedClients"] == ["portal-made"]
    assert report["clientsGoneAtIdP"] == ["ghost-api"]
    assert cli.snapshot() == before

    applied = cli.run("sync", "--idp", "lab")
    assert applied.returncode == 1
    assert "portal-k" in applied.stdout and "created outside Clientele" in applied.stdout
    assert "ghost-api" in applied.stdout
    recorded = cli.query("SELECT origin, state FROM secret WHERE keyId = 'portal-key-1'")
    assert recorded == [("discovered", "active")]
    assert cli.query("SELECT count(*) FROM client WHERE clientId = 'portal-app'")[0][0] == 1
    assert "sync.completed" in [r[0] for r in cli.query("SELECT action FROM auditEvent")]
    cli.run("audit", "verify", check=0)


def test_adopt_and_delete(cli, tmp_path):
    cli.run("init", check=0)
    cli.run("idp", "add", "sandbox", "--name", "lab", check=0)
    cli.run("client", "register", "billing-api", "--idp", "lab", "--secret-file", str(tmp_path / "s"), check=0)
    client_id = cli.query("SELECT clientId FROM client")[0][0]
    # Forget it in the registry only, then adopt it back from the IdP.
    cli.query("DELETE FROM client")
    adopted = cli.run("client", "adopt", client_id, "--idp", "lab", check=0)
    assert "Adopted billing-api" in adopted.stdout and "1 secret" in adopted.stdout
    again = cli.run("client", "adopt", client_id, "--idp", "lab")
    assert again.returncode == 2 and "already recorded" in again.stderr

    refused = cli.run("client", "delete", "billing-api")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    cli.run("client", "delete", "billing-api", "--yes", check=0)
    assert cli.query("SELECT count(*) FROM client")[0][0] == 0
    assert cli.run("secrets", "test", client_id, "--secret-file", str(tmp_path / "s")).returncode == 2
    assert cli.sandbox_query("SELECT count(*) FROM app", idp="lab")[0][0] == 0


def test_idp_add_validation_and_list(cli, tmp_path):
    cli.run("init", check=0)
    before = cli.snapshot()
    both = cli.run("idp", "add", "entra", "--name", "corp", "--tenant", "t", "--client-id", "c",
                   "--secret-env", "X", "--secret-file", "/tmp/f")
    assert both.returncode == 2 and "exactly one of" in both.stderr
    bad_issuer = cli.run("idp", "add", "oidc", "--name", "okta", "--issuer", "not a url")
    assert bad_issuer.returncode == 2 and "--issuer" in bad_issuer.stderr
    assert cli.snapshot() == before
    cli.run("idp", "add", "entra", "--name", "corp", "--tenant", "t1", "--client-id", "c1", "--secret-env", "CORP_SECRET", check=0)
    listed = json.loads(cli.run("idp", "list", "--json", check=0).stdout)
    assert listed[0]["credential"] == "env $CORP_SECRET"
    assert "CORP_SECRET" not in cli.query("SELECT settings FROM identityProvider")[0][0]
    dup = cli.run("idp", "add", "entra", "--name", "CORP", "--tenant", "t", "--client-id", "c", "--secret-env", "Y")
    assert dup.returncode == 2 and "already exists" in dup.stderr
