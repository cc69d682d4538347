"""Graph /applications driven by Microsoft's own Python SDK, the independent client the contract names."""

import time

import pytest

from graph_harness import SEEDED_APPS, UNOWNED_APPS, http
from graph_sdk_models import Application, ODataError, list_config


async def walk(client, config):
    """Every page, following the absolute @odata.nextLink with with_url as the SDK documents."""
    page = await client.applications.get(config)
    apps, links = list(page.value), []
    while page.odata_next_link:
        links.append(page.odata_next_link)
        page = await client.applications.with_url(page.odata_next_link).get()
        apps.extend(page.value)
    return apps, links


def test_sdk_pages_through_all_seeded_applications(server, sdk, capsys):
    started = time.monotonic()
    apps, links = sdk(lambda c: walk(c, list_config(top=999, select=["id", "appId", "displayName"])))
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nmsgraph-sdk listed {len(apps)} applications in {len(links) + 1} pages in {elapsed:.1f} s "
              "(the SDK's own model parsing costs ~10 ms per application)")
    seeded = [a.display_name for a in apps if a.display_name.startswith("app-")]
    assert sorted(seeded) == [f"app-{i:05d}" for i in range(1, SEEDED_APPS + 1)]
    assert not any(a.display_name.startswith("unowned-") for a in apps)
    assert len({a.id for a in apps}) == len(apps)
    assert len(links) >= 2
    assert all(link.startswith(server.graph + "/applications?") and "$skiptoken=" in link for link in links)
    # Deterministic order: the same walk over plain HTTP gives the same sequence.
    raw_ids, url = [], f"{server.graph}/applications?$top=999&$select=id"
    token = server.admin_token()
    while url:
        status, _, body = http("GET", url, headers={"Authorization": f"Bearer {token}"})
        assert status == 200
        raw_ids += [v["id"] for v in body["value"]]
        url = body.get("@odata.nextLink")
    assert raw_ids == [a.id for a in apps]


def test_default_page_is_100_and_top_is_bounded(server, sdk):
    status, _, body = server.graph_call("GET", "/applications")
    assert status == 200 and len(body["value"]) == 100 and "@odata.nextLink" in body
    assert body["@odata.context"] == f"{server.graph}/$metadata#applications"
    for bad in (0, 1000):
        with pytest.raises(ODataError) as caught:
            sdk(lambda c: c.applications.get(list_config(top=bad)))
        assert caught.value.response_status_code == 400
        assert caught.value.error.code == "Request_UnsupportedQuery"
        assert f"'{bad}'" in caught.value.error.message


def test_get_by_object_id_and_by_app_id_alternate_key(server, sdk):
    async def fetch(c):
        listed = (await c.applications.get(list_config(filter="displayName eq 'app-00042'"))).value
        assert len(listed) == 1
        by_id = await c.applications.by_application_id(listed[0].id).get()
        by_app_id = await c.applications_with_app_id(listed[0].app_id).get()
        return by_id, by_app_id

    by_id, by_app_id = sdk(fetch)
    assert by_id.id == by_app_id.id and by_id.app_id == by_app_id.app_id
    assert by_id.display_name == "app-00042"
    assert by_id.sign_in_audience == "AzureADMyOrg"
    assert 1 <= len(by_id.password_credentials) <= 2
    for cred in by_id.password_credentials:
        assert cred.secret_text is None and len(cred.hint) == 3
        assert cred.key_id and cred.start_date_time < cred.end_date_time


def test_select_returns_only_the_selected_properties(server, sdk):
    apps = sdk(lambda c: c.applications.get(list_config(top=3, select=["id", "displayName"]))).value
    assert len(apps) == 3 and all(a.id and a.display_name for a in apps)
    assert all(a.app_id is None and a.password_credentials is None for a in apps)
    status, _, body = server.graph_call("GET", f"/applications/{apps[0].id}?$select=displayName,appId")
    assert status == 200
    assert body["@odata.context"] == f"{server.graph}/$metadata#applications(displayName,appId)/$entity"
    assert set(body) == {"@odata.context", "displayName", "appId"}


def test_filters_by_app_id_display_name_and_prefix(server, sdk):
    async def run(c):
        one = (await c.applications.get(list_config(filter="displayName eq 'app-00007'"))).value
        by_app_id = (await c.applications.get(list_config(filter=f"appId eq '{one[0].app_id}'"))).value
        prefix, links = await walk(c, list_config(top=4, filter="startswith(displayName,'app-0001')"))
        return one, by_app_id, prefix, links

    one, by_app_id, prefix, links = sdk(run)
    assert [a.display_name for a in one] == ["app-00007"]
    assert [a.id for a in by_app_id] == [one[0].id]
    assert sorted(a.display_name for a in prefix) == [f"app-{i:05d}" for i in range(10, 20)]
    assert len(links) == 2  # 10 matches in pages of 4


def test_count_needs_consistency_level_as_in_graph(server):
    status, _, body = server.graph_call("GET", "/applications?$count=true&$top=1")
    assert status == 400 and body["error"]["code"] == "Request_BadRequest"
    status, _, body = server.graph_call("GET", "/applications?$count=true&$top=1",
                                        headers={"ConsistencyLevel": "eventual"})
    assert status == 200 and body["@odata.count"] >= SEEDED_APPS + 1


def test_unsupported_filter_is_refused_like_graph(server):
    status, _, body = server.graph_call("GET", "/applications?$filter=notes eq 'x'")
    assert status == 400 and body["error"]["code"] == "Request_UnsupportedQuery"
    status, _, body = server.graph_call("GET", "/applications?$filter=displayName ne 'x'")
    assert status == 400 and body["error"]["message"] == "Unsupported Query."


def test_create_update_owners_and_delete(server, sdk):
    async def run(c):
        created = await c.applications.post(Application(display_name="sdk-created", notes="made by the SDK test"))
        await c.applications.by_application_id(created.id).patch(Application(display_name="sdk-renamed"))
        renamed = await c.applications.by_application_id(created.id).get()
        await c.applications.by_application_id(created.id).delete()
        with pytest.raises(ODataError) as gone:
            await c.applications.by_application_id(created.id).get()
        return created, renamed, gone.value

    created, renamed, gone = sdk(run)
    assert created.display_name == "sdk-created" and created.notes == "made by the SDK test"
    assert created.id and created.app_id and created.password_credentials == []
    assert renamed.display_name == "sdk-renamed" and renamed.notes == "made by the SDK test"
    assert gone.response_status_code == 404
    assert gone.error.code == "Request_ResourceNotFound" and created.id in gone.error.message


def test_creator_becomes_owner(server):
    status, headers, created = server.graph_call("POST", "/applications", {
        "@odata.type": "#microsoft.graph.application", "displayName": "owned-by-creator"})
    assert status == 201 and headers["Location"].endswith(f"/{created['id']}/Microsoft.DirectoryServices.Application")
    status, _, owners = server.graph_call("GET", f"/applications/{created['id']}/owners")
    assert status == 200
    assert [(o["@odata.type"], o.get("appId")) for o in owners["value"]] == \
        [("#microsoft.graph.servicePrincipal", server.client_id)]
    assert server.graph_call("DELETE", f"/applications/{created['id']}")[0] == 204


def test_unowned_applications_are_invisible_and_forbidden(server, sdk):
    status, unowned = server.control("GET", "/unowned-applications")
    assert status == 200 and len(unowned["value"]) == UNOWNED_APPS
    target = unowned["value"][0]

    async def run(c):
        hidden = (await c.applications.get(list_config(filter=f"displayName eq '{target['displayName']}'"))).value
        errors = []
        for call in (c.applications.by_application_id(target["id"]).get(),
                     c.applications_with_app_id(target["appId"]).get(),
                     c.applications.by_application_id(target["id"]).patch(Application(notes="x")),
                     c.applications.by_application_id(target["id"]).delete()):
            with pytest.raises(ODataError) as caught:
                await call
            errors.append(caught.value)
        return hidden, errors

    hidden, errors = sdk(run)
    assert hidden == []
    for err in errors:
        assert err.response_status_code == 403
        assert err.error.code == "Authorization_RequestDenied"
        assert err.error.message == "Insufficient privileges to complete the operation."
    status, _, body = server.graph_call("POST", f"/applications/{target['id']}/addPassword", {})
    assert status == 403 and body["error"]["code"] == "Authorization_RequestDenied"


def test_error_shape_headers_and_request_ids(server, sdk):
    missing = "8c14a998-3c8d-4c52-ad09-c9032671ea31"
    status, headers, body = server.graph_call("GET", f"/applications/{missing}",
                                              headers={"client-request-id": "5f20c0fe-279c-4c59-bdd2-1ea5a9613d81"})
    assert status == 404
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "innerError"}
    assert body["error"]["message"].startswith(f"Resource '{missing}' does not exist")
    inner = body["error"]["innerError"]
    assert set(inner) == {"date", "request-id", "client-request-id"}
    assert inner["client-request-id"] == headers["client-request-id"] == "5f20c0fe-279c-4c59-bdd2-1ea5a9613d81"
    assert inner["request-id"] == headers["request-id"]
    assert headers["Date"]

    with pytest.raises(ODataError) as caught:
        sdk(lambda c: c.applications.by_application_id(missing).get())
    assert caught.value.error.code == "Request_ResourceNotFound"
    assert caught.value.error.inner_error.request_id


def test_malformed_id_is_400(server):
    status, _, body = server.graph_call("GET", "/applications/not-a-guid")
    assert status == 400 and body["error"]["message"] == "Invalid object identifier 'not-a-guid'."


def test_missing_or_bad_token_is_401(server):
    status, headers, body = http("GET", f"{server.graph}/applications")
    assert status == 401 and body["error"]["code"] == "InvalidAuthenticationToken"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    status, _, body = http("GET", f"{server.graph}/applications", headers={"Authorization": "Bearer abc.def.ghi"})
    assert status == 401 and body["error"]["code"] == "InvalidAuthenticationToken"


def test_token_of_an_app_without_graph_permission_is_403(server, sdk):
    status, _, created = server.graph_call("POST", "/applications", {"displayName": "no-graph-permission"})
    status, _, added = server.graph_call("POST", f"/applications/{created['id']}/addPassword", {})
    try:
        async def run(c):
            with pytest.raises(ODataError) as caught:
                await c.applications.get(list_config(top=1))
            return caught.value

        err = sdk(run, client_id=created["appId"], secret=added["secretText"])
        assert err.response_status_code == 403 and err.error.code == "Authorization_RequestDenied"
    finally:
        server.graph_call("DELETE", f"/applications/{created['id']}")
