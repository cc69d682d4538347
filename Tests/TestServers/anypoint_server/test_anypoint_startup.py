"""The entry point's promises: one ready line naming everything a client needs, a 0600 credential file,
loopback only, reproducible with --seed, exit 0 on SIGTERM and SIGINT, one clear line for bad arguments."""

import json
import os
import signal
import stat
import subprocess

import pytest
import requests

from anypoint_harness import SERVER_SCRIPT, ServerProcess


def test_ready_line_names_urls_organization_environments_and_a_private_credential_file():
    srv = ServerProcess("--apis", 3, "--environments", "Sandbox,Prod,QA")  # logging on: the secret must not show
    try:
        info = json.loads(srv.ready_line)
        assert set(info) == {"base_url", "admin_url", "token_url", "organization_id", "environments", "client_id",
                             "client_secret_file", "control"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["admin_url"] == info["base_url"] + "/apimanager/api/v1"
        assert list(info["environments"]) == ["Sandbox", "Prod", "QA"]
        assert len(set(info["environments"].values())) == 3
        mode = stat.S_IMODE(os.stat(info["client_secret_file"]).st_mode)
        assert mode == 0o600
        secret = srv.client_secret
        assert len(secret) >= 32 and "\n" not in secret
        for env in ("Sandbox", "Prod", "QA"):
            r = srv.call("GET", srv.env_url(env))
            assert r.json()["total"] == 3
        # The log has the requests, and neither the secret nor a token.
        log = srv.log_text()
        assert "POST /accounts/api/v2/oauth2/token 200" in log
        assert secret not in log and srv.token not in log
    finally:
        assert srv.stop() == 0
    assert not os.path.exists(info["client_secret_file"])


def test_same_seed_same_organization_and_sigint_exits_zero():
    a = ServerProcess("--seed", "s1", "--quiet")
    b = ServerProcess("--seed", "s1", "--quiet")
    try:
        assert a.info["organization_id"] == b.info["organization_id"]
        assert a.info["environments"] == b.info["environments"]
        assert a.info["base_url"] != b.info["base_url"]
        # The secret is fresh every start even with a seed: a seed must not make a credential guessable.
        assert a.client_secret != b.client_secret
    finally:
        assert a.stop(signal.SIGINT) == 0
        assert b.stop() == 0


def test_listens_on_loopback_only():
    srv = ServerProcess("--quiet")
    try:
        port = int(srv.base_url.rsplit(":", 1)[1])
        # /proc/net/tcp lists each listening socket's local address (little-endian hex) with state 0A.
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        listening.append(local.rsplit(":", 1)[0])
        assert listening == ["0100007F"]
    finally:
        srv.stop()


@pytest.mark.parametrize("args, word", [(["--apis", "-1"], "--apis"), (["--applications", "-1"], "--applications"),
                                        (["--environments", "Prod,,QA"], "--environments"),
                                        (["--environments", "Prod,Prod"], "--environments")])
def test_bad_arguments_are_one_line_naming_the_option(args, word):
    r = subprocess.run([str(SERVER_SCRIPT), "--port", "0", *args], capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and r.stdout == ""
    assert word in r.stderr.strip().splitlines()[-1]


def test_a_taken_port_is_one_line():
    srv = ServerProcess("--quiet")
    try:
        port = srv.base_url.rsplit(":", 1)[1]
        r = subprocess.run([str(SERVER_SCRIPT), "--port", port], capture_output=True, text=True, timeout=20)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.strip() == f"anypoint-test-server: cannot listen on 127.0.0.1:{port}: Address already in use"
        assert requests.get(srv.info["control"] + "/health", timeout=5).json() == {"ok": True}
    finally:
        srv.stop()
