"""The entry point: one ready line, a 0600 secret file, loopback only, seeding, clean exit on a signal."""

import os
import signal
import stat
import subprocess

from tyk_harness import SERVER_SCRIPT, ServerProcess


def test_ready_line_names_the_admin_url_and_a_private_secret_file(server):
    assert set(server.info) == {"admin_url", "auth_header", "secret_file", "apis", "control"}
    assert server.base.startswith("http://127.0.0.1:") and server.info["auth_header"] == "X-Tyk-Authorization"
    mode = stat.S_IMODE(os.stat(server.info["secret_file"]).st_mode)
    assert mode == 0o600 and len(server.secret) >= 32 and "\n" not in server.secret


def test_seed_makes_api_ids_reproducible_but_never_the_secret():
    runs = [ServerProcess("--apis", 3, "--seed", "same", "--quiet") for _ in range(2)]
    try:
        ids = [sorted(a["api_id"] for a in r.tyk("GET", "/tyk/apis")[1]) for r in runs]
        assert ids[0] == ids[1] and len(ids[0]) == 3
        assert runs[0].secret != runs[1].secret
    finally:
        codes = [r.stop() for r in runs]
    assert codes == [0, 0]


def test_sigint_exits_zero_removes_the_secret_and_logs_no_secret():
    srv = ServerProcess("--apis", 1)
    secret, path = srv.secret, srv.info["secret_file"]
    srv.tyk("GET", "/tyk/apis?filter=" + secret[:8])
    srv.tyk("GET", "/tyk/apis", secret="wrong-" + secret)
    assert srv.stop(signal.SIGINT) == 0
    assert not os.path.exists(path)
    log = srv.log_text()
    assert "GET /tyk/apis?filter 200" in log and secret not in log and secret[:8] not in log


def test_a_port_in_use_is_one_clear_line():
    srv = ServerProcess("--quiet")
    try:
        port = srv.base.rsplit(":", 1)[1]
        done = subprocess.run([str(SERVER_SCRIPT), "--port", port], capture_output=True, text=True, timeout=30)
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.strip().splitlines() == [f"tyk-test-server: cannot listen on 127.0.0.1:{port}: Address already in use"]
    finally:
        srv.stop()


def test_negative_counts_are_refused():
    done = subprocess.run([str(SERVER_SCRIPT), "--port", "0", "--apis", "-1"], capture_output=True, text=True)
    assert done.returncode == 2 and "must not be negative" in done.stderr and done.stdout == ""
