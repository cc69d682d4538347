"""The real binary against a second, standards-strict OpenID provider (Authlib's RFC 7591/7592 endpoints and OIDC
registration claims, scripts/strict-oidc-test-server): registration by the specs, providers that read but do not
update clients, and secrets whose expiry the provider sets (issue 9, item 6). glewlwyd's side is
test_real_idps.py."""
import json
import time
import urllib.request

import pytest

from loopback import LoopbackServer

CANNOT_UPDATE = "this provider cannot update clients (RFC 7592): rotate the secret in its own console, then `clientele sync`"


@pytest.fixture
def strict(request):
    server = LoopbackServer("strict-oidc-test-server", *getattr(request, "param", []))
    yield server
    server.stop()


def control(strict, path, body=None):
    request = urllib.request.Request(
        f"{strict['issuer']}/control/{path}", data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def provider_client(strict, client_id):
    return next(c for c in control(strict, "clients") if c["client_id"] == client_id)


@pytest.fixture
def oidc(cli, strict):
    cli.run("init", check=0)
    cli.run("idp", "add", "oidc", "--name", "strict", "--issuer", strict["issuer"], "--scope", "api.read", check=0)
    return cli


def register(cli, tmp_path, name):
    first = tmp_path / f"{name}.first"
    cli.run("client", "register", name, "--idp", "strict", "--secret-file", str(first), check=0)
    client_id = json.loads(cli.run("client", "show", name, "--json", check=0).stdout)["client"]["clientId"]
    return first, client_id


# --- registration ---------------------------------------------------------------------------------------------

def test_registration_sends_no_redirect_uri_to_a_provider_that_needs_none(oidc, strict, tmp_path):
    first, client_id = register(oidc, tmp_path, "orders-api")
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    metadata = provider_client(strict, client_id)["metadata"]
    assert "redirect_uris" not in metadata
    assert metadata["grant_types"] == ["client_credentials"]
    assert metadata["token_endpoint_auth_method"] == "client_secret_basic"


@pytest.mark.parametrize("strict", [["--redirect-uris", "required"]], indirect=True)
def test_a_provider_that_insists_on_redirect_uris_gets_a_native_loopback_one(oidc, strict, tmp_path):
    first, client_id = register(oidc, tmp_path, "orders-api")
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    metadata = provider_client(strict, client_id)["metadata"]
    assert metadata["application_type"] == "native"
    assert metadata["redirect_uris"] == ["http://127.0.0.1:9/clientele-unused"]
    # The update sends the same metadata back, so the strict provider takes it.
    second = tmp_path / "second"
    oidc.run("rotate", "orders-api", "--yes", "--secret-file", str(second), check=0)
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(second), check=0)
    assert oidc.run("secrets", "test", "orders-api", "--secret-file", str(first)).returncode == 1


# --- read but not update --------------------------------------------------------------------------------------

def test_idp_check_reports_full_client_management(oidc, strict):
    check = oidc.run("idp", "check", "strict", check=0)
    for operation in ("register", "read", "update", "delete"):
        assert f"  {operation}: supported" in check.stdout, check.stdout
    assert control(strict, "clients") == [], "the probe's throwaway client must be deleted again"
    settings = json.loads(oidc.query("SELECT settings FROM identityProvider WHERE name = 'strict'")[0][0])
    assert settings["clientManagement"]["update"]["supported"] is True


@pytest.mark.parametrize("strict,status", [(["--update", "400"], 400), (["--update", "405"], 405),
                                           (["--update", "501"], 501)], indirect=["strict"])
def test_idp_check_finds_a_provider_that_cannot_update_and_rotation_refuses_before_any_update(
        oidc, strict, status, tmp_path):
    check = oidc.run("idp", "check", "strict", check=0)
    assert "  register: supported" in check.stdout and "  read: supported" in check.stdout
    assert f"  update: unsupported (HTTP {status}" in check.stdout, check.stdout
    assert "  delete: supported" in check.stdout
    assert control(strict, "clients") == []

    first, client_id = register(oidc, tmp_path, "orders-api")
    refused = oidc.run("rotate", "orders-api", "--yes", "--secret-file", str(tmp_path / "never"))
    assert refused.returncode != 0
    assert CANNOT_UPDATE in refused.stderr, refused.stderr
    assert provider_client(strict, client_id)["updates_attempted"] == 0
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)


@pytest.mark.parametrize("strict", [["--update", "405"]], indirect=True)
def test_without_idp_check_rotation_probes_first_and_leaves_the_secret_working(oidc, strict, tmp_path):
    first, client_id = register(oidc, tmp_path, "orders-api")
    keys_before = oidc.query("SELECT keyId, state FROM secret")
    refused = oidc.run("rotate", "orders-api", "--yes", "--secret-file", str(tmp_path / "never"))
    assert refused.returncode != 0
    assert CANNOT_UPDATE in refused.stderr, refused.stderr
    # A throwaway client answered the question (and is gone again): the real one was never sent an update.
    assert provider_client(strict, client_id)["updates_attempted"] == 0
    assert [c["client_id"] for c in control(strict, "clients")] == [client_id]
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(first), check=0)
    assert oidc.query("SELECT keyId, state FROM secret") == keys_before


@pytest.mark.parametrize("strict", [["--update", "405"]], indirect=True)
def test_a_refused_rotation_leaves_no_rotation_open(oidc, strict, tmp_path):
    register(oidc, tmp_path, "orders-api")
    oidc.run("idp", "check", "strict", check=0)
    oidc.run("rotate", "orders-api", "--yes", "--secret-file", str(tmp_path / "never"))
    assert oidc.query("SELECT count(*) FROM rotation") == [(0,)]
    assert not (tmp_path / "never").exists(), "no secret file reserved for a rotation that cannot happen"


@pytest.mark.parametrize("strict", [["--update", "405"]], indirect=True)
def test_rotated_in_the_providers_console_then_synced(oidc, strict, tmp_path):
    first, client_id = register(oidc, tmp_path, "orders-api")
    rotated = control(strict, f"clients/{client_id}/rotate", {})
    report = json.loads(oidc.run("sync", "--idp", "strict", "--json").stdout)[0]
    assert len(report["secretsUnknownToRegistry"]) == 1 and len(report["secretsGoneAtIdP"]) == 1
    fresh = tmp_path / "fresh"
    fresh.write_text(rotated["client_secret"])
    oidc.run("secrets", "test", "orders-api", "--secret-file", str(fresh), check=0)
    assert oidc.run("secrets", "test", "orders-api", "--secret-file", str(first)).returncode == 1
    assert "no drift" in oidc.run("sync", "--idp", "strict").stdout


# --- client_secret_expires_at ---------------------------------------------------------------------------------

def expiring(cli, within="30d"):
    result = cli.run("secrets", "expiring", "--within", within, "--json")
    return result.returncode, [s for s in json.loads(result.stdout) if s.get("client") == "orders-api"]


@pytest.mark.parametrize("strict", [["--secret-lifetime", str(10 * 86400)]], indirect=True)
def test_the_providers_secret_expiry_is_recorded_at_registration_and_on_sync(oidc, strict, tmp_path):
    _, client_id = register(oidc, tmp_path, "orders-api")
    stated = provider_client(strict, client_id)["client_secret_expires_at"]
    assert stated > time.time()
    status, due = expiring(oidc)
    assert status == 1 and len(due) == 1
    recorded = oidc.query("SELECT expiresAt FROM secret WHERE state = 'active'")
    assert len(recorded) == 1 and recorded[0][0] is not None

    # The provider moves the date (its console): sync records it, and the report follows.
    later = int(time.time()) + 60 * 86400
    control(strict, f"clients/{client_id}/expiry", {"client_secret_expires_at": later})
    sync = oidc.run("sync", "--idp", "strict", "--json", check=0)
    assert len(json.loads(sync.stdout)[0]["expiriesUpdated"]) == 1
    assert expiring(oidc) == (0, [])
    assert len(expiring(oidc, "90d")[1]) == 1

    # A secret issued in the provider's console carries its own date into the registry on sync.
    control(strict, f"clients/{client_id}/rotate", {})
    oidc.run("sync", "--idp", "strict")
    status, due = expiring(oidc)
    assert status == 1 and len(due) == 1
