"""The entry point's contract: one ready line, the token file 0600, loopback only, clean exit, options."""

import json
import os
import stat
import subprocess
import signal

from kong_harness import SERVER_SCRIPT, ServerProcess


def test_ready_line_token_file_and_clean_exit():
    srv = ServerProcess("--apis", 3)
    try:
        assert srv.extra_stdout == b""
        assert set(srv.info) == {"admin_url", "admin_token_header", "admin_token_file", "version", "control"}
        assert srv.url.startswith("http://127.0.0.1:")
        assert srv.info["admin_token_header"] == "Kong-Admin-Token"
        mode = stat.S_IMODE(os.stat(srv.info["admin_token_file"]).st_mode)
        assert mode == 0o600 and len(srv.token) >= 32 and "\n" not in srv.token
        assert srv.admin("GET", "/services")[2]["data"].__len__() == 3
        assert srv.admin("GET", "/services?size=1")[2]["next"] is not None
    finally:
        assert srv.stop(signal.SIGINT) == 0
    assert not os.path.exists(srv.info["admin_token_file"])  # the temp dir goes at exit
    assert srv.token not in srv.log_text()


def test_seed_makes_ids_reproducible():
    ids = []
    for _ in range(2):
        srv = ServerProcess("--apis", 2, "--seed", "abc", "--no-admin-token", "--quiet")
        try:
            assert srv.info["admin_token_file"] is None
            ids.append(sorted(s["id"] for s in srv.admin("GET", "/services")[2]["data"]))
        finally:
            assert srv.stop() == 0
    assert ids[0] == ids[1] and len(ids[0]) == 2


def test_state_dir_keeps_entities_and_token(tmp_path):
    srv = ServerProcess("--state-dir", tmp_path, "--quiet")
    token = srv.token
    assert srv.admin("PUT", "/services/kept", {"host": "kept.test"})[0] == 200
    assert srv.stop() == 0
    srv = ServerProcess("--state-dir", tmp_path, "--apis", 5, "--quiet")
    try:
        assert srv.token == token
        assert [s["name"] for s in srv.admin("GET", "/services")[2]["data"]] == ["kept"]
    finally:
        srv.stop()


def test_bad_options_are_one_clear_line():
    for flag in ("--apis", "--consumers", "--latency-ms"):
        result = subprocess.run([str(SERVER_SCRIPT), "--port", "0", flag, "-1"], capture_output=True, text=True,
                                timeout=20)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines()[-1] == f"kong-test-server: error: {flag} must not be negative"


def test_log_names_query_options_but_never_their_values():
    srv = ServerProcess()
    try:
        srv.admin("GET", "/services?tags=very-private-tag")
        srv.admin("PUT", "/consumers/someone", {})
        srv.admin("POST", "/consumers/someone/key-auth", {"key": "secret-api-key-1"})
        srv.admin("GET", "/key-auths/secret-api-key-1")
    finally:
        srv.stop()
    log = srv.log_text()
    assert "GET /services?tags 200" in log and "very-private-tag" not in log
    assert "GET /key-auths/{key} 200" in log and "secret-api-key-1" not in log
    assert "POST /consumers/{key}/key-auth 201" in log
    assert json.loads(srv.first_line)["version"] == "3.10.0"


def test_a_port_in_use_is_one_line_and_exit_1():
    srv = ServerProcess("--quiet")
    try:
        port = srv.url.rsplit(":", 1)[1]
        result = subprocess.run([str(SERVER_SCRIPT), "--port", port], capture_output=True, text=True, timeout=20)
    finally:
        srv.stop()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"kong-test-server: cannot listen on 127.0.0.1:{port}: "
                                                  "Address already in use"]
