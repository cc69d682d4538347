"""Consumers' credentials as Clientele's client side reads and rotates them: key-auth `ttl` (the DAO's `ttl =
true`, kong/db/dao/init.lua's option check, the postgres strategy leaving expired rows out), generated keys and
secrets, `hash_secret`, and the top-level and consumer-nested collections with paging and tags. decK 1.4.0 (whose
KeyAuth has `ttl`) checks the dump."""

import base64
import hashlib
import json

# The clock is moved forward here; a module of its own keeps that from other modules' servers.
SERVER_APIS = 1


def _consumer(server, name, **fields):
    status, _, consumer = server.admin("PUT", f"/consumers/{name}", fields)
    assert status == 200, consumer
    return consumer


def _advance(server, seconds):
    status, body = server.control("POST", "/clock", {"advance_seconds": seconds})
    assert status == 200, body


def test_a_key_with_a_ttl_shows_the_seconds_left_and_is_gone_once_they_run_out(server):
    consumer = _consumer(server, "ttl-holder")
    status, _, key = server.admin("POST", "/consumers/ttl-holder/key-auth", {"ttl": 3600, "tags": ["rotated"]})
    assert status == 201, key
    assert len(key["key"]) == 32 and key["consumer"] == {"id": consumer["id"]}
    assert 3599 <= key["ttl"] <= 3600 and key["tags"] == ["rotated"]
    _advance(server, 600)
    status, _, read = server.admin("GET", f"/consumers/ttl-holder/key-auth/{key['id']}")
    assert status == 200 and 2999 <= read["ttl"] <= 3000
    status, _, forever = server.admin("POST", "/consumers/ttl-holder/key-auth", {})
    assert status == 201 and "ttl" not in forever
    _advance(server, 3001)
    assert server.admin("GET", f"/key-auths/{key['id']}")[0] == 404
    _, _, nested = server.admin("GET", "/consumers/ttl-holder/key-auth")
    assert [k["id"] for k in nested["data"]] == [forever["id"]]
    _, _, top = server.admin("GET", "/key-auths?size=1000")
    assert key["id"] not in [k["id"] for k in top["data"]]
    # Its key is free again, as Kong's cleanup leaves it.
    status, _, again = server.admin("POST", "/consumers/ttl-holder/key-auth", {"key": key["key"]})
    assert status == 201, again


def test_a_ttl_out_of_range_is_kongs_invalid_option_and_creates_nothing(server):
    _consumer(server, "ttl-bad")
    for ttl in (-1, 100000001, 1.5, "soon", True):
        status, _, body = server.admin("POST", "/consumers/ttl-bad/key-auth", {"ttl": ttl})
        assert status == 400 and body["code"] == 11 and body["name"] == "invalid options", body
        assert body["options"] == {"ttl": "must be an integer between 0 and 100000000"}
    assert server.admin("GET", "/consumers/ttl-bad/key-auth")[2]["data"] == []
    # oauth2 credentials have no ttl in Kong's DAO: the field is unknown there.
    status, _, body = server.admin("POST", "/consumers/ttl-bad/oauth2", {"name": "x", "ttl": 60})
    assert status == 400 and body["fields"] == {"ttl": "unknown field"}


def test_patch_keeps_the_ttl_unless_it_sends_one_and_put_replaces_it(server):
    _consumer(server, "ttl-patch")
    _, _, key = server.admin("POST", "/consumers/ttl-patch/key-auth", {"ttl": 1000})
    status, _, patched = server.admin("PATCH", f"/key-auths/{key['id']}", {"tags": ["x"]})
    assert status == 200 and 999 <= patched["ttl"] <= 1000 and patched["tags"] == ["x"]
    status, _, patched = server.admin("PATCH", f"/key-auths/{key['id']}", {"ttl": 50})
    assert status == 200 and 49 <= patched["ttl"] <= 50
    status, _, put = server.admin("PUT", f"/consumers/ttl-patch/key-auth/{key['id']}", {"key": key["key"]})
    assert status == 200 and "ttl" not in put


def test_credential_collections_page_at_top_level_and_per_consumer_with_tags(server):
    consumer = _consumer(server, "many-keys", custom_id="many-1")
    made = []
    for n in range(5):
        tags = ["managed-by-clientele"] if n % 2 == 0 else ["by-hand"]
        status, _, key = server.admin("POST", f"/consumers/{consumer['id']}/key-auth", {"tags": tags})
        assert status == 201
        made.append(key["id"])
    seen, offset = [], None
    while True:
        _, _, page = server.admin("GET", f"/consumers/{consumer['id']}/key-auth?size=2"
                                  + (f"&offset={offset}" if offset else ""))
        seen += [k["id"] for k in page["data"]]
        offset = page.get("offset")
        if offset is None:
            assert page["next"] is None
            break
        assert page["next"].startswith(f"/consumers/{consumer['id']}/key-auth?offset=")
    assert sorted(seen) == sorted(made)
    _, _, tagged = server.admin("GET", "/key-auths?size=1000&tags=managed-by-clientele")
    assert sorted(k["id"] for k in tagged["data"]) == sorted(made[0::2])


def test_generated_oauth2_secrets_and_a_hashed_one_that_pbkdf2_checks(server):
    _consumer(server, "oauth-gen")
    status, _, plain = server.admin("POST", "/consumers/oauth-gen/oauth2", {"name": "plain"})
    assert status == 201 and len(plain["client_id"]) == 32 and len(plain["client_secret"]) == 32
    assert plain["hash_secret"] is False
    status, _, hashed = server.admin("POST", "/consumers/oauth-gen/oauth2",
                                     {"name": "hashed", "client_secret": "the-secret-text", "hash_secret": True})
    assert status == 201
    prefix, params, salt, digest = hashed["client_secret"].lstrip("$").split("$")
    assert prefix == "pbkdf2-sha512" and params == "i=10000,l=32"
    unb64 = lambda text: base64.b64decode(text + "=" * (-len(text) % 4))  # noqa: E731
    assert hashlib.pbkdf2_hmac("sha512", b"the-secret-text", unb64(salt), 10000, 32) == unb64(digest)
    # A GET shows the hash too, never the text.
    assert server.admin("GET", f"/oauth2/{hashed['id']}")[2]["client_secret"] == hashed["client_secret"]


def test_deck_dumps_a_key_with_its_ttl_and_drops_it_once_expired(server, tmp_path):
    _consumer(server, "deck-ttl")
    _, _, key = server.admin("POST", "/consumers/deck-ttl/key-auth", {"ttl": 7200})
    out = tmp_path / "kong.json"
    result = server.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    holder = next(c for c in json.loads(out.read_text())["consumers"] if c["username"] == "deck-ttl")
    assert [(k["key"], 7100 < k["ttl"] <= 7200) for k in holder["keyauth_credentials"]] == [(key["key"], True)]
    _advance(server, 7201)
    result = server.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    holder = next(c for c in json.loads(out.read_text())["consumers"] if c["username"] == "deck-ttl")
    assert holder.get("keyauth_credentials") in (None, [])
