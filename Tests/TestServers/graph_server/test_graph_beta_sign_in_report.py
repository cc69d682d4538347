"""The beta sign-in report, read with Microsoft's msgraph-beta-sdk: a token request with a client secret
records a sign-in of that secret, the report lists it per credential, pages, filters and answers by id,
and refuses a caller without AuditLog.Read.All as Graph does."""

import datetime

import pytest

from graph_beta_client import every_page, report_config, run
from graph_harness import ServerProcess

UTC = datetime.timezone.utc


def now():
    return datetime.datetime.now(UTC)


@pytest.fixture(scope="module")
def tenant():
    srv = ServerProcess("--applications", "8", "--quiet")
    yield srv
    srv.stop()


def seeded_secrets(server):
    status, _, payload = server.graph_call("GET", "/applications?$select=id,appId,displayName,passwordCredentials")
    assert status == 200, payload
    return [(app, cred) for app in payload["value"] if app["displayName"].startswith("app-")
            for cred in app["passwordCredentials"]]


def add_secret(server, app):
    status, _, added = server.graph_call("POST", f"/applications/{app['id']}/addPassword",
                                         body={"passwordCredential": {"displayName": "report"}})
    assert status == 200, added
    return added


def record(server, key_id, at=None):
    status, payload = server.control("POST", "/sign-ins", {"keyId": key_id, **({"at": at} if at else {})})
    assert status == 200, payload
    return payload


def test_a_token_request_with_a_secret_is_listed_as_that_secrets_sign_in(tenant):
    app, _ = seeded_secrets(tenant)[0]
    added = add_secret(tenant, app)
    before = now().replace(microsecond=0)
    status, payload = tenant.token(client_id=app["appId"], secret=added["secretText"])
    assert status == 200, payload
    # A refused secret is no sign-in.
    assert tenant.token(client_id=app["appId"], secret="not-the-secret")[0] == 401

    async def read(reports):
        return (await reports.get(report_config(filter=f"appId eq '{app['appId']}'"))).value

    rows = run(tenant, read)
    assert [str(r.key_id) for r in rows] == [added["keyId"]]
    row = rows[0]
    from msgraph_beta.generated.models.application_key_origin import ApplicationKeyOrigin
    from msgraph_beta.generated.models.application_key_type import ApplicationKeyType
    from msgraph_beta.generated.models.application_key_usage import ApplicationKeyUsage
    assert row.app_id == app["appId"] and row.app_object_id == app["id"]
    assert row.key_type == ApplicationKeyType.ClientSecret and row.key_usage == ApplicationKeyUsage.Verify
    assert row.credential_origin == ApplicationKeyOrigin.Application
    activity = row.sign_in_activity
    assert before <= activity.last_sign_in_date_time <= now()
    assert activity.last_non_interactive_sign_in_date_time == activity.last_sign_in_date_time
    assert activity.last_successful_sign_in_date_time == activity.last_sign_in_date_time
    assert activity.last_sign_in_request_id
    assert row.expiration_date_time is not None and row.created_date_time is not None


def test_pages_follow_absolute_next_links_and_filters_select_keys_and_apps(tenant):
    secrets = seeded_secrets(tenant)
    assert len(secrets) >= 8
    for _, cred in secrets:
        record(tenant, cred["keyId"])

    rows, pages = run(tenant, lambda reports: every_page(reports, top=3))
    keys = [str(r.key_id) for r in rows]
    assert len(keys) == len(set(keys)) and {c["keyId"] for _, c in secrets} <= set(keys)
    assert pages == -(-len(keys) // 3)

    (app_a, cred_a), (_, cred_b) = secrets[0], secrets[-1]
    either = f"keyId eq '{cred_a['keyId']}' or keyId eq '{cred_b['keyId']}'"
    rows, _ = run(tenant, lambda reports: every_page(reports, filter=either))
    assert sorted(str(r.key_id) for r in rows) == sorted([cred_a["keyId"], cred_b["keyId"]])
    of_app = {c["keyId"] for a, c in secrets if a["appId"] == app_a["appId"]}
    rows, _ = run(tenant, lambda reports: every_page(reports, filter=f"appId eq '{app_a['appId']}'"))
    assert of_app <= {str(r.key_id) for r in rows} and {r.app_id for r in rows} == {app_a["appId"]}


def test_one_row_by_id_and_404_for_an_unknown_id(tenant):
    from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
    _, cred = seeded_secrets(tenant)[1]
    record(tenant, cred["keyId"], at="2026-01-02T03:04:05Z")

    async def read(reports):
        listed = (await reports.get(report_config(filter=f"keyId eq '{cred['keyId']}'"))).value
        return listed, await reports.by_app_credential_sign_in_activity_id(listed[0].id).get()

    listed, item = run(tenant, read)
    assert item.id == listed[0].id and str(item.key_id) == cred["keyId"]
    assert item.sign_in_activity.last_sign_in_date_time >= datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    with pytest.raises(ODataError) as raised:
        run(tenant, lambda reports: reports.by_app_credential_sign_in_activity_id("no-such-row").get())
    assert raised.value.response_status_code == 404
    assert raised.value.error.code == "Request_ResourceNotFound"


def test_the_report_shows_a_sign_in_only_after_its_lag():
    srv = ServerProcess("--applications", "2", "--report-lag-seconds", "3600", "--quiet")
    try:
        _, cred = seeded_secrets(srv)[0]
        record(srv, cred["keyId"])
        # The admin's own token requests are sign-ins of its secret too; only the apps' rows matter here.
        listed = lambda: [r for r in run(srv, lambda reports: every_page(reports))[0]  # noqa: E731
                          if r.app_id != srv.client_id]
        assert listed() == []
        # An older sign-in, already past the lag, shows at once.
        two_hours_ago = (now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        _, other = seeded_secrets(srv)[1]
        record(srv, other["keyId"], at=two_hours_ago)
        assert [str(r.key_id) for r in listed()] == [other["keyId"]]
        assert srv.control("POST", "/clock", {"offset_seconds": 3601})[0] == 200
        assert {str(r.key_id) for r in listed()} == {cred["keyId"], other["keyId"]}
    finally:
        srv.stop()


def test_without_audit_log_read_all_the_report_answers_403_and_v1_still_works():
    from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
    srv = ServerProcess("--applications", "1", "--admin-roles", "Application.ReadWrite.OwnedBy", "--quiet")
    try:
        with pytest.raises(ODataError) as raised:
            run(srv, lambda reports: reports.get())
        assert raised.value.response_status_code == 403
        assert raised.value.error.code == "Authorization_RequestDenied"
        assert srv.graph_call("GET", "/applications")[0] == 200
        # Granting it (consent) shows in the next token.
        assert srv.control("POST", "/admin-roles",
                           {"roles": ["Application.ReadWrite.OwnedBy", "Directory.Read.All"]})[0] == 200
        rows = run(srv, lambda reports: reports.get()).value
        assert {r.app_id for r in rows} == {srv.client_id}
    finally:
        srv.stop()
