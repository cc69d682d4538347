"""The gateways' client side through the real binary, on the demo's sandbox gateways and sandbox IdPs: apps that
drift from their IdP clients (a reset copy, an orphan, a contract), per environment; the client page; secrets the
gateway holds itself, listed as expiring under the gateway's name and rotated by the same machine, with or without
overlap; grants; and no secret text anywhere."""
import json


def apps_drift(demo):
    result = demo.run("gateway", "drift", "--json")
    rows = json.loads(result.stdout)
    return result.returncode, {(r["environment"], a["finding"]["kind"], a.get("app")) for r in rows for a in r["apps"]}


def test_drift_names_each_app_that_disagrees_with_its_idp_and_exits_1(demo):
    code, found = apps_drift(demo)
    assert code == 1
    assert ("Sandbox", "stale-secret-copy", "application Invoice Mailer") in found
    assert ("Sandbox", "orphaned-at-gateway", "application Retired Kiosk") in found
    assert ("Sandbox", "contract-not-in-registry", "application Price Watcher") in found
    assert not [f for f in found if f[2] and any(n in f[2] for n in ("Storefront Checkout", "Mobile Wallet"))], found
    text = demo.run("gateway", "drift", "--env", "Sandbox").stdout
    assert "stale secret copy: application Invoice Mailer / client Invoice Mailer: IdP entra-sandbox rejects the copy" in text
    assert "never reset it at the gateway" in text


def test_the_client_page_lists_its_gateway_apps_with_their_state(demo):
    page = json.loads(demo.run("client", "show", "Invoice Mailer", "--json", check=0).stdout)
    assert [(a["gateway"], a["app"], a["holdsSecrets"], a["environments"]) for a in page["gatewayApps"]] == [
        ("anypoint-sandbox", "application Invoice Mailer", False, ["Sandbox"])]
    assert [f["kind"] for f in page["gatewayApps"][0]["findings"]] == ["stale-secret-copy"]
    assert page["access"] == [{"environment": "Sandbox", "api": "orders-api"}]
    text = demo.run("client", "show", "Storefront Checkout", check=0).stdout
    assert "Sandbox: anypoint-sandbox application Storefront Checkout (linked by client id): in step" in text


def test_gateway_held_secrets_expire_under_the_gateways_name(demo):
    rows = json.loads(demo.run("secrets", "expiring", "--within", "30d", "--json").stdout)
    held = {(r["client"], r["idp"]) for r in rows if r["kind"] == "gateway-secret"}
    assert ("billing-batch key-auth", "kong-sandbox") in held
    assert ("partner-feed key-auth", "kong-sandbox") in held
    assert ("legacy-crm key-auth", "kong-sandbox") in held
    listed = json.loads(demo.run("gateway", "apps", "--gateway", "kong-sandbox", "--json", check=0).stdout)
    assert {a["app"]["name"]: a["heldSecretsOf"] for a in listed}["billing-batch"] == ["billing-batch key-auth"]


def test_a_kong_consumers_key_rotates_with_overlap_and_its_old_key_goes_after_grace(demo, tmp_path):
    new = tmp_path / "billing.key"
    out = demo.run("rotate", "billing-batch key-auth", "--grace", "2d", "--secret-file", str(new), check=0).stdout
    assert "gateway 'kong-sandbox'" in out
    demo.run("secrets", "test", "billing-batch key-auth", "--secret-file", str(new), check=0)
    keys = demo.sandbox_query("SELECT count(*) FROM credential c JOIN app a ON a.remoteId = c.appRemoteId "
                              "WHERE a.name = 'billing-batch'", idp="kong-sandbox")[0][0]
    assert keys == 3  # two old keys stay through the grace period
    demo.now = "2026-11-27T00:00:00Z"
    demo.run("rotations", "advance", check=0)
    keys = demo.sandbox_query("SELECT count(*) FROM credential c JOIN app a ON a.remoteId = c.appRemoteId "
                              "WHERE a.name = 'billing-batch'", idp="kong-sandbox")[0][0]
    assert keys == 1
    demo.run("secrets", "test", "billing-batch key-auth", "--secret-file", str(new), check=0)
    assert new.stat().st_mode & 0o777 == 0o600


def test_an_anypoint_held_secret_has_no_overlap_so_rotation_asks_first(demo, tmp_path):
    new = tmp_path / "batch.secret"
    refused = demo.run("rotate", "Batch Reconciler", "--secret-file", str(new))
    assert refused.returncode != 0
    assert "gateway 'anypoint-sandbox' cannot keep two secrets" in refused.stderr + refused.stdout
    assert not new.exists() or new.read_text() == ""
    new.unlink(missing_ok=True)
    demo.run("rotate", "Batch Reconciler", "--secret-file", str(new), "--yes", check=0)
    demo.run("secrets", "test", "Batch Reconciler", "--secret-file", str(new), check=0)
    # The new secret is the gateway's own: drift has nothing to say about it.
    code, found = apps_drift(demo)
    assert not [f for f in found if f[2] == "application Batch Reconciler"], found


def test_rotating_an_idp_client_with_a_gateway_copy_warns_and_drift_then_reports_the_copy(demo, tmp_path):
    new = tmp_path / "wallet.secret"
    out = demo.run("rotate", "Mobile Wallet", "--grace", "0", "--yes", "--secret-file", str(new), check=0).stdout
    assert "anypoint-sandbox's application Mobile Wallet shows a copy of this secret" in out
    _, found = apps_drift(demo)
    assert ("Sandbox", "stale-secret-copy", "application Mobile Wallet") in found


def test_grants_and_adopt_close_contract_drift(demo):
    demo.run("client", "grant", "Price Watcher", "--env", "Sandbox", "--api", "payments-api", check=0)
    _, found = apps_drift(demo)
    assert not [f for f in found if f[2] == "application Price Watcher"], found
    bad = demo.run("client", "grant", "Price Watcher", "--env", "Sandbox", "--api", "nope-api")
    assert bad.returncode != 0 and "--api nope-api: environment Sandbox has no API of that name" in bad.stderr
    demo.run("client", "revoke", "Price Watcher", "--env", "Sandbox", "--api", "payments-api", check=0)
    demo.run("gateway", "sync", "--gateway", "anypoint-sandbox", "--adopt")
    access = json.loads(demo.run("client", "show", "Price Watcher", "--json", check=0).stdout)["access"]
    assert {"environment": "Sandbox", "api": "payments-api"} in access
    events = [e["action"] for e in json.loads(demo.run("audit", "list", "--json", "--limit", "50", check=0).stdout)]
    assert "client.access-granted" in events and "client.access-revoked" in events
    demo.run("audit", "verify", check=0)


def test_no_gateway_secret_text_reaches_the_registry_or_any_output(demo, tmp_path):
    texts = [row[0] for idp in ("kong-sandbox", "anypoint-sandbox")
             for row in demo.sandbox_query("SELECT secret FROM credential", idp=idp)]
    assert len(texts) >= 10
    outputs = [demo.run(*args).stdout for args in (
        ("gateway", "apps", "--json"), ("gateway", "drift", "--json"), ("gateway", "sync", "--json"),
        ("secrets", "expiring", "--within", "3650d", "--json"), ("audit", "list", "--json", "--limit", "1000"),
        ("client", "show", "Invoice Mailer", "--json"), ("client", "show", "billing-batch key-auth", "--json"))]
    blob = demo.stored_bytes().decode("latin-1") + "".join(outputs)
    for text in texts:
        assert text not in blob
