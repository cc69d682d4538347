"""OAuth clients: effective at once (Redis, no reload), only on loaded APIs that use OAuth2."""

from test_tyk_apis import new_definition


def oauth_api(server, name):
    api_id = server.tyk("POST", "/tyk/apis", new_definition(name, use_oauth2=True))[1]["key"]
    server.reload()
    return api_id


def test_a_client_with_an_explicit_id_and_secret_is_kept_and_rotated(server):
    api_id = oauth_api(server, "oauth-rotate")
    request = {"client_id": "clientele-1", "secret": "s3cret-given", "redirect_uri": "https://app.example/cb",
               "api_id": api_id, "meta_data": {"owner": "ops"}, "description": "from Clientele"}
    status, created, _ = server.tyk("POST", "/tyk/oauth/clients/create", request)
    # The gateway's reply leaves api_id out (NewClientRequest is built without it).
    assert status == 200 and created == {k: v for k, v in request.items() if k != "api_id"}
    status, listed, _ = server.tyk("GET", f"/tyk/oauth/clients/{api_id}")
    assert status == 200 and [c["client_id"] for c in listed] == ["clientele-1"]
    assert listed[0]["secret"] == "s3cret-given"

    status, rotated, _ = server.tyk("PUT", f"/tyk/oauth/clients/{api_id}/clientele-1/rotate")
    assert status == 200 and rotated["secret"] not in ("", "s3cret-given") and rotated["client_id"] == "clientele-1"
    assert server.tyk("GET", f"/tyk/oauth/clients/{api_id}/clientele-1")[1]["secret"] == rotated["secret"]

    status, updated, _ = server.tyk("PUT", f"/tyk/oauth/clients/{api_id}/clientele-1",
                                    {"redirect_uri": "https://app.example/new", "description": "moved"})
    assert status == 200 and updated["redirect_uri"] == "https://app.example/new"
    # Replaced, not merged: meta_data was not sent, so it is gone; the secret stays.
    assert updated["secret"] == rotated["secret"] and updated["meta_data"] is None

    assert server.tyk("DELETE", f"/tyk/oauth/clients/{api_id}/clientele-1")[1]["action"] == "deleted"
    assert server.tyk("GET", f"/tyk/oauth/clients/{api_id}/clientele-1")[1] == {"status": "error",
                                                                            "message": "OAuth Client ID not found"}
    assert server.tyk("GET", f"/tyk/oauth/clients/{api_id}")[1] == []
    assert server.tyk("PUT", f"/tyk/oauth/clients/none-such/clientele-1/rotate")[:2] == (
        404, {"status": "error", "message": "API doesn't exist"})


def test_generated_ids_and_secrets_differ_per_client(server):
    api_id = oauth_api(server, "oauth-generated")
    one = server.tyk("POST", "/tyk/oauth/clients/create", {"api_id": api_id, "redirect_uri": "https://a/cb"})[1]
    two = server.tyk("POST", "/tyk/oauth/clients/create", {"api_id": api_id, "redirect_uri": "https://a/cb"})[1]
    assert one["client_id"] and one["secret"] and one["client_id"] != two["client_id"]
    assert one["secret"] != two["secret"]


def test_clients_are_refused_on_apis_without_oauth2_or_not_yet_loaded(server):
    keyless = server.seeded("api-00001")
    status, body, _ = server.tyk("POST", "/tyk/oauth/clients/create", {"api_id": keyless["api_id"]})
    assert (status, body) == (400, {"status": "error", "message": "API is not OAuth2"})
    unloaded = server.tyk("POST", "/tyk/apis", new_definition("oauth-unloaded", use_oauth2=True))[1]["key"]
    status, body, _ = server.tyk("POST", "/tyk/oauth/clients/create", {"api_id": unloaded})
    assert (status, body) == (400, {"status": "error", "message": "API doesn't exist"})
    status, body, _ = server.tyk("POST", "/tyk/oauth/clients/create", raw=b"[not json")
    assert (status, body) == (500, {"status": "error", "message": "Unmarshalling failed"})


def test_a_client_through_a_policy_reaches_each_of_its_oauth_apis(server):
    api_id = oauth_api(server, "oauth-by-policy")
    keyless = server.seeded("api-00001")["api_id"]
    rights = {api_id: {"api_id": api_id}, keyless: {"api_id": keyless}}
    server.tyk("POST", "/tyk/policies", {"id": "pol-oauth", "access_rights": rights})
    server.tyk("POST", "/tyk/policies", {"id": "pol-keyless", "access_rights": {keyless: {"api_id": keyless}}})
    server.reload()
    status, body, _ = server.tyk("POST", "/tyk/oauth/clients/create", {"policy_id": "pol-keyless"})
    assert (status, body["message"]) == (400, "API is not OAuth2")
    status, created, _ = server.tyk("POST", "/tyk/oauth/clients/create",
                                    {"policy_id": "pol-oauth", "redirect_uri": "https://a/cb"})
    assert status == 200 and created["policy_id"] == "pol-oauth"
    listed = server.tyk("GET", f"/tyk/oauth/clients/{api_id}")[1]
    assert [c["client_id"] for c in listed] == [created["client_id"]]
    assert server.tyk("GET", f"/tyk/oauth/clients/{keyless}")[1] == []  # not an OAuth API: skipped
    status, body, _ = server.tyk("PUT", f"/tyk/oauth/clients/{api_id}/{created['client_id']}",
                                 {"policy_id": "pol-keyless"})
    assert (status, body["message"]) == (400, "Policy access rights doesn't contain API this OAuth client belongs to")


def test_a_policy_client_keeps_one_copy_per_api_so_a_rotation_under_one_leaves_the_others(server):
    # Tyk stores a client per API (gateway/api.go createOauthClient: SetClient under each API's prefix), and
    # rotateOauthClient rewrites only the copy of the API in its path.
    first = oauth_api(server, "oauth-copies-a")
    second = oauth_api(server, "oauth-copies-b")
    rights = {first: {"api_id": first}, second: {"api_id": second}}
    server.tyk("POST", "/tyk/policies", {"id": "pol-copies", "access_rights": rights})
    server.reload()
    created = server.tyk("POST", "/tyk/oauth/clients/create",
                         {"client_id": "copied", "policy_id": "pol-copies", "description": "two copies"})[1]
    assert sorted(server.tyk("GET", "/tyk/oauth/clients/apis/copied")[1]) == sorted([first, second])
    rotated = server.tyk("PUT", f"/tyk/oauth/clients/{first}/copied/rotate")[1]
    assert rotated["policy_id"] == "pol-copies" and rotated["description"] == "two copies"
    assert server.tyk("GET", f"/tyk/oauth/clients/{first}/copied")[1]["secret"] == rotated["secret"]
    assert server.tyk("GET", f"/tyk/oauth/clients/{second}/copied")[1]["secret"] == created["secret"]
    # Creating again with the id, the secret and one API overwrites that API's copy: how a caller brings the
    # copies back together.
    status, again, _ = server.tyk("POST", "/tyk/oauth/clients/create",
                                  {"client_id": "copied", "secret": rotated["secret"], "api_id": second,
                                   "policy_id": "pol-copies", "description": "two copies"})
    assert status == 200 and again["secret"] == rotated["secret"]
    assert server.tyk("GET", f"/tyk/oauth/clients/{second}/copied")[1]["secret"] == rotated["secret"]
    assert len(server.tyk("GET", f"/tyk/oauth/clients/{second}")[1]) == 1


def test_the_apis_holding_a_client_are_its_oauth_apis_of_one_org_or_of_all(server):
    api_id = oauth_api(server, "oauth-held-by")
    other = server.tyk("POST", "/tyk/apis", new_definition("oauth-held-by-org9", use_oauth2=True, org_id="org-9"))[1]
    server.reload()
    for target in (api_id, other["key"]):
        server.tyk("POST", "/tyk/oauth/clients/create", {"client_id": "held-by", "api_id": target})
    assert sorted(server.tyk("GET", "/tyk/oauth/clients/apis/held-by")[1]) == sorted([api_id, other["key"]])
    assert server.tyk("GET", "/tyk/oauth/clients/apis/held-by?orgID=org-9")[1] == [other["key"]]
    assert server.tyk("GET", "/tyk/oauth/clients/apis/nobody")[1] == []


def test_a_jwt_apis_clients_are_held_but_not_listed(server):
    # getApiClients reads the client store only when the API has use_oauth2.
    jwt = server.tyk("POST", "/tyk/apis", new_definition("jwt-held", enable_jwt=True))[1]["key"]
    server.reload()
    server.tyk("POST", "/tyk/policies", {"id": "pol-jwt", "access_rights": {jwt: {"api_id": jwt}}})
    server.reload()
    created = server.tyk("POST", "/tyk/oauth/clients/create", {"policy_id": "pol-jwt"})[1]
    assert server.tyk("GET", f"/tyk/oauth/clients/{jwt}")[1] == []
    assert server.tyk("GET", f"/tyk/oauth/clients/{jwt}/{created['client_id']}")[1]["secret"] == created["secret"]
