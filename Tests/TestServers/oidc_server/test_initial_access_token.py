"""Registration that requires an initial access token (RFC 7591 section 3).

glewlwyd: plugin parameter register-client-auth-scope = ["register"] makes
POST /register require 'Authorization: Bearer <access token>' where the token
is an access token issued by the same OIDC plugin carrying that scope. The
test server's --require-initial-access-token seeds a confidential client
(client_credentials, scope "register") and prints it, and one minted token,
as "initial_access" in its JSON line. register-client-token-one-use=true
(--initial-access-token-one-use) makes each such token good for one client.
"""

from oidc_support import http, register, start_server, stop_process, token, wait_gone


def test_json_line_describes_the_initial_access(iat_server):
    ia = iat_server.info["initial_access"]
    assert ia["client_id"] == "initial-access-issuer"
    assert ia["scope"] == "register"
    assert ia["one_use"] is False
    assert ia["token"].count(".") == 2 and ia["client_secret"]


def test_register_without_token_is_401_with_empty_body(iat_server):
    r = register(iat_server)
    assert r.status == 401, r
    assert r.body == b""


def test_register_with_a_bad_token_is_401(iat_server):
    assert register(iat_server, bearer="not-a-token").status == 401


def test_register_with_initial_access_token_is_200_and_reusable(iat_server):
    t = iat_server.info["initial_access"]["token"]
    r1 = register(iat_server, bearer=t)
    r2 = register(iat_server, bearer=t)
    assert r1.status == 200 and r2.status == 200, (r1, r2)
    c = r1.json
    assert c["client_secret"] and c["registration_access_token"]
    assert token(iat_server, c["client_id"], c["client_secret"]).status == 200


def test_token_without_register_scope_is_not_an_initial_access_token(iat_server):
    t = iat_server.info["initial_access"]["token"]
    c = register(iat_server, bearer=t).json
    at = token(iat_server, c["client_id"], c["client_secret"], scope="api.read").json["access_token"]
    assert register(iat_server, bearer=at).status == 401
    # and a registered client cannot get the register scope itself
    r = token(iat_server, c["client_id"], c["client_secret"], scope="register")
    assert r.status == 400 and r.json == {"error": "scope_invalid"}


def test_new_initial_access_tokens_can_be_minted(iat_server):
    ia = iat_server.info["initial_access"]
    r = token(iat_server, ia["client_id"], ia["client_secret"], scope="register")
    assert r.status == 200, r
    assert register(iat_server, bearer=r.json["access_token"]).status == 200


def test_management_needs_no_initial_access_token(iat_server):
    c = register(iat_server, bearer=iat_server.info["initial_access"]["token"]).json
    r = http("GET", c["registration_client_uri"], bearer=c["registration_access_token"])
    assert r.status == 200, r
    assert r.json["client_id"] == c["client_id"]


def test_one_use_initial_access_token(tmp_path):
    s = start_server("--require-initial-access-token", "--initial-access-token-one-use", tmp_path=tmp_path)
    try:
        ia = s.info["initial_access"]
        assert ia["one_use"] is True
        assert register(s, bearer=ia["token"]).status == 200
        r = register(s, bearer=ia["token"])
        assert r.status == 401, r
        fresh = token(s, ia["client_id"], ia["client_secret"], scope="register").json["access_token"]
        assert register(s, bearer=fresh).status == 200
    finally:
        stop_process(s.proc)
    assert wait_gone(s.pid)
