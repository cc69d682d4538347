"""The Admin API as Clientele's adapter will call it: paging, Kong's validation and error shapes, the admin
token. Shapes from the contract README (kong/db/errors.lua, kong/api/endpoints.lua)."""

import uuid

from kong_harness import SEEDED_APIS


def test_pages_follow_offset_until_next_is_null(server):
    seen, offset, pages = [], None, 0
    while True:
        status, _, page = server.admin("GET", "/services?size=1000" + (f"&offset={offset}" if offset else ""))
        assert status == 200
        pages += 1
        seen += [s["id"] for s in page["data"]]
        if page["next"] is None:
            assert "offset" not in page
            break
        assert page["next"].startswith("/services?offset=") and page["next"].endswith("&size=1000")
        offset = page["offset"]
    assert pages == 3 and len(seen) == len(set(seen)) >= SEEDED_APIS


def test_default_page_is_100_and_size_is_bounded(server):
    status, _, page = server.admin("GET", "/routes")
    assert status == 200 and len(page["data"]) == 100
    status, _, body = server.admin("GET", "/routes?size=1001")
    assert status == 400 and body["code"] == 9 and body["name"] == "invalid size"
    status, _, body = server.admin("GET", "/routes?offset=garbage!")
    assert status == 400 and body["code"] == 7 and body["name"] == "invalid offset"


def test_tags_filter_with_and_and_or(server):
    server.admin("PUT", "/services/tagged-a", {"host": "a.test", "tags": ["team-x", "gold"]})
    server.admin("PUT", "/services/tagged-b", {"host": "b.test", "tags": ["team-x"]})
    _, _, both = server.admin("GET", "/services?tags=team-x,gold")
    assert [s["name"] for s in both["data"]] == ["tagged-a"]
    _, _, either = server.admin("GET", "/services?tags=gold/team-x")
    assert sorted(s["name"] for s in either["data"]) == ["tagged-a", "tagged-b"]


def test_a_bad_plugin_config_is_kongs_schema_violation(server):
    status, _, body = server.admin("POST", "/services/api-00003/plugins",
                                   {"name": "rate-limiting", "config": {"minute": "many", "policy": "disk"}})
    assert status == 400
    assert body == {"code": 2, "name": "schema violation",
                    "message": "2 schema violations (config.minute: expected a number; "
                               "config.policy: expected one of: local, cluster, redis)",
                    "fields": {"config": {"minute": "expected a number",
                                          "policy": "expected one of: local, cluster, redis"}}}
    assert server.admin("GET", "/services/api-00003/plugins")[2]["data"] == []


def test_entity_checks_go_under_at_entity(server):
    status, _, body = server.admin("POST", "/services/api-00004/plugins",
                                   {"name": "ip-restriction", "config": {}})
    assert status == 400
    assert body["fields"] == {"@entity": [
        "at least one of these fields must be non-empty: 'config.allow', 'config.deny'"]}
    status, _, body = server.admin("POST", "/services/api-00004/plugins",
                                   {"name": "acl", "config": {"allow": ["a"], "deny": ["b"]}})
    assert status == 400 and body["fields"]["@entity"] == [
        "only one of these fields must be non-empty: 'config.allow', 'config.deny'"]


def test_unknown_plugins_and_fields_are_refused(server):
    status, _, body = server.admin("POST", "/plugins", {"name": "openid-connect", "config": {}})
    assert status == 400 and "plugin 'openid-connect' not enabled" in body["fields"]["name"]
    status, _, body = server.admin("POST", "/services", {"name": "x-1", "host": "x.test", "colour": "red"})
    assert status == 400 and body["fields"] == {"colour": "unknown field"}


def test_one_plugin_per_name_and_scope(server):
    first = server.admin("POST", "/services/api-00005/plugins", {"name": "cors"})
    assert first[0] == 201
    status, _, body = server.admin("POST", "/services/api-00005/plugins", {"name": "cors"})
    assert status == 409 and body["code"] == 5 and body["name"] == "unique constraint violation"


def test_duplicate_names_and_missing_references(server):
    status, _, body = server.admin("POST", "/services", {"name": "api-00001", "host": "dup.test"})
    assert status == 409
    assert body["message"] == "UNIQUE violation detected on '{name=\"api-00001\"}'"
    missing = str(uuid.uuid4())
    status, _, body = server.admin("POST", "/routes", {"paths": ["/x"], "service": {"id": missing}})
    assert status == 400 and body["code"] == 4 and body["fields"] == {"service": {"id": missing}}


def test_a_service_with_routes_cannot_be_deleted_and_delete_of_nothing_is_204(server):
    status, _, body = server.admin("DELETE", "/services/api-00006")
    assert status == 400 and body["code"] == 4
    assert server.admin("DELETE", "/routes/api-00006-route")[0] == 204
    assert server.admin("DELETE", "/services/api-00006")[0] == 204
    assert server.admin("DELETE", "/services/api-00006")[0] == 204
    assert server.admin("GET", "/services/api-00006")[0] == 404


def test_patch_merges_config_and_put_replaces(server):
    _, _, plugin = server.admin("POST", "/services/api-00007/plugins",
                                {"name": "rate-limiting", "config": {"minute": 10, "hour": 100}})
    status, _, patched = server.admin("PATCH", f"/plugins/{plugin['id']}", {"config": {"minute": 20}})
    assert status == 200 and patched["config"]["minute"] == 20 and patched["config"]["hour"] == 100
    status, _, put = server.admin("PUT", f"/plugins/{plugin['id']}",
                                  {"name": "rate-limiting", "config": {"second": 1},
                                   "service": {"id": plugin["service"]["id"]}})
    assert status == 200 and put["config"]["hour"] is None and put["config"]["second"] == 1


def test_oauth2_secrets_hash_and_must_change_together(server):
    server.admin("PUT", "/consumers/oauth-app", {})
    status, _, cred = server.admin("POST", "/consumers/oauth-app/oauth2",
                                   {"name": "app", "client_secret": "s3cret-one", "hash_secret": True,
                                    "redirect_uris": ["https://app.test/cb"]})
    assert status == 201 and cred["client_secret"].startswith("$pbkdf2-sha512$i=10000,l=32$")
    assert len(cred["client_id"]) == 32
    status, _, body = server.admin("PATCH", f"/consumers/oauth-app/oauth2/{cred['id']}",
                                   {"client_secret": "s3cret-two"})
    assert status == 400 and body["fields"]["@entity"] == [
        "all or none of these fields must be set: 'hash_secret', 'client_secret'"]
    status, _, cred2 = server.admin("PATCH", f"/oauth2/{cred['client_id']}",
                                    {"client_secret": "s3cret-two", "hash_secret": False})
    assert status == 200 and cred2["client_secret"] == "s3cret-two"


def test_consumers_need_a_username_or_custom_id(server):
    status, _, body = server.admin("POST", "/consumers", {})
    assert status == 400 and body["fields"]["@entity"] == [
        "at least one of these fields must be non-empty: 'custom_id', 'username'"]


def test_oss_only_paths_and_methods(server):
    status, _, body = server.admin("GET", "/mtls-auths")
    assert status == 404 and body == {"message": "Not found"}
    status, _, body = server.admin("DELETE", "/services")
    assert status == 405 and body == {"message": "Method not allowed"}
    status, _, info = server.admin("GET", "/")
    assert status == 200 and info["version"] == "3.10.0" and "key-auth" in info["plugins"]["available_on_server"]


def test_admin_token_is_required_and_checked(server):
    for token in (None, "wrong", server.token + "x"):
        status, _, body = server.admin("GET", "/services", token=token)
        assert status == 401 and body == {"message": "Invalid credentials. Token or User credentials required"}


def test_nested_routes_belong_to_their_service(server):
    status, _, route = server.admin("POST", "/services/api-00008/routes", {"name": "extra-8", "paths": ["/x8"]})
    assert status == 201
    _, _, service = server.admin("GET", "/services/api-00008")
    assert route["service"] == {"id": service["id"]}
    _, _, listed = server.admin("GET", "/services/api-00008/routes")
    assert sorted(r["name"] for r in listed["data"]) == ["api-00008-route", "extra-8"]
    assert server.admin("GET", "/services/api-00009/routes/extra-8")[0] == 404


def test_parallel_writes_all_land(server):
    from concurrent.futures import ThreadPoolExecutor

    def create(n):
        return server.admin("POST", "/consumers", {"username": f"parallel-{n}"})[0]

    with ThreadPoolExecutor(16) as pool:
        assert list(pool.map(create, range(48))) == [201] * 48
    _, counts = server.control("GET", "/counts")
    _, _, page = server.admin("GET", "/consumers?size=1000")
    assert sum(c["username"].startswith("parallel-") for c in page["data"] if c["username"]) == 48
    assert counts["consumers"] >= 48
