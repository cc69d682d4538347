"""scripts/oidc-test-server itself: output, parallel instances, clean stops, failures."""

import os
import shutil
import signal
import socket
import stat
import subprocess
import time

import pytest

from oidc_support import (SERVER, free_port, http, pid_alive, port_open, process_name, register,
                          start_server, stop_process, token, wait_gone, wait_port_closed)


def discovery_status(server):
    return http("GET", server.issuer + "/.well-known/openid-configuration").status


def test_entry_point_is_executable():
    assert os.stat(SERVER).st_mode & stat.S_IXUSR


def test_json_line_and_the_process_behind_it(tmp_path):
    started = time.monotonic()
    s = start_server(tmp_path=tmp_path)
    elapsed = time.monotonic() - started
    try:
        info = s.info
        assert set(info) >= {"issuer", "registration_endpoint", "token_endpoint", "scopes", "pid", "state_dir"}
        assert elapsed < 20, f"start-up took {elapsed:.1f}s"
        assert process_name(info["pid"]) == "glewlwyd"
        # glewlwyd runs as the script's child, in the foreground.
        with open(f"/proc/{info['pid']}/stat") as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        assert ppid == s.proc.pid
        assert s.proc.poll() is None
        assert os.path.isfile(os.path.join(info["state_dir"], "glewlwyd.db"))
        assert os.path.isfile(os.path.join(info["state_dir"], "glewlwyd.conf"))
        assert discovery_status(s) == 200
        # Bound to loopback only.
        port = info["port"]
        assert info["issuer"] == f"http://127.0.0.1:{port}/api/oidc"
        with open(os.path.join(info["state_dir"], "glewlwyd.conf")) as f:
            assert 'bind_address="127.0.0.1"' in f.read()
    finally:
        assert stop_process(s.proc) == 0


def test_sigterm_stops_glewlwyd_and_removes_temporary_state(tmp_path):
    s = start_server(tmp_path=tmp_path)
    pid, port, state_dir = s.pid, s.info["port"], s.info["state_dir"]
    assert pid_alive(pid) and port_open(port)
    t = time.monotonic()
    rc = stop_process(s.proc, signal.SIGTERM)
    assert rc == 0, s.stderr()
    assert time.monotonic() - t < 10
    assert wait_gone(pid, 5), f"glewlwyd {pid} still running after SIGTERM"
    assert wait_port_closed(port)
    assert not os.path.exists(state_dir)
    assert s.stderr() == ""


def test_sigint_stops_glewlwyd_too(tmp_path):
    s = start_server(tmp_path=tmp_path)
    assert stop_process(s.proc, signal.SIGINT) == 0
    assert wait_gone(s.pid, 5)
    assert not os.path.exists(s.info["state_dir"])


def test_sigkill_of_the_script_takes_glewlwyd_down(tmp_path):
    # No trap can run on SIGKILL: glewlwyd dies through PR_SET_PDEATHSIG.
    s = start_server(tmp_path=tmp_path)
    try:
        stop_process(s.proc, signal.SIGKILL)
        assert wait_gone(s.pid, 5), f"orphan glewlwyd {s.pid} after SIGKILL of the script"
        assert wait_port_closed(s.info["port"])
    finally:
        # (the temporary state dir cannot be removed by a SIGKILLed script)
        shutil.rmtree(s.info["state_dir"], ignore_errors=True)


def test_two_servers_at_once_on_different_ports(tmp_path):
    a = start_server(tmp_path=tmp_path)
    b = start_server(tmp_path=tmp_path)
    try:
        assert a.info["port"] != b.info["port"]
        assert a.issuer != b.issuer and a.pid != b.pid
        assert a.info["state_dir"] != b.info["state_dir"]
        assert discovery_status(a) == 200 and discovery_status(b) == 200
        ca = register(a).json
        cb = register(b).json
        assert token(a, ca["client_id"], ca["client_secret"]).status == 200
        assert token(b, cb["client_id"], cb["client_secret"]).status == 200
        # Separate databases: a client of one is unknown to the other.
        assert token(b, ca["client_id"], ca["client_secret"]).status == 403
        assert http("GET", a.issuer + "/jwks").json != http("GET", b.issuer + "/jwks").json  # own keys
    finally:
        assert stop_process(a.proc) == 0
        # Stopping one leaves the other serving.
        assert discovery_status(b) == 200
        assert stop_process(b.proc) == 0
    assert wait_gone(a.pid) and wait_gone(b.pid)


def test_explicit_port_and_state_dir_are_used_and_kept(tmp_path):
    port = free_port()
    state = tmp_path / "state"
    s = start_server("--port", str(port), "--state-dir", str(state), tmp_path=tmp_path)
    try:
        assert s.info["port"] == port
        assert s.issuer == f"http://127.0.0.1:{port}/api/oidc"
        assert s.info["state_dir"] == str(state)
    finally:
        assert stop_process(s.proc) == 0
    assert wait_gone(s.pid)
    for name in ("glewlwyd.db", "glewlwyd.conf", "glewlwyd.log", "private-rsa.pem", "public-rsa.pem"):
        assert (state / name).is_file(), name
    assert "Glewlwyd started on port" in (state / "glewlwyd.log").read_text()


def test_state_dir_is_rebuilt_fresh_on_restart(tmp_path):
    state = tmp_path / "state"
    s = start_server("--state-dir", str(state), tmp_path=tmp_path)
    c = register(s).json
    stop_process(s.proc)
    s = start_server("--state-dir", str(state), tmp_path=tmp_path)
    try:
        assert token(s, c["client_id"], c["client_secret"]).status == 403  # old client gone
    finally:
        stop_process(s.proc)


def test_busy_port_fails_with_one_clear_line(tmp_path):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        s = start_server("--port", str(port), tmp_path=tmp_path, expect_ready=False)
        rc = s.proc.wait(timeout=20)
    assert rc != 0
    assert s.info == {}
    err = s.stderr().strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("oidc-test-server:") and str(port) in err and "in use" in err


def test_glewlwyd_that_fails_to_start_is_reported_with_its_log(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "glewlwyd"
    fake.write_text("#!/bin/sh\necho 'Error fake glewlwyd cannot open its database' >&2\nexit 3\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{fake_bin}:{os.environ['PATH']}")
    s = start_server(tmp_path=tmp_path, env=env, expect_ready=False)
    rc = s.proc.wait(timeout=30)
    assert rc == 1
    err = s.stderr().strip()
    assert len(err.splitlines()) == 1, err
    assert "glewlwyd exited with status 3" in err
    assert "Error fake glewlwyd cannot open its database" in err


def test_readiness_timeout_is_reported(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "glewlwyd"
    fake.write_text("#!/bin/sh\necho 'fake glewlwyd hangs'\nexec sleep 60\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{fake_bin}:{os.environ['PATH']}")
    t = time.monotonic()
    s = start_server("--timeout", "1.5", tmp_path=tmp_path, env=env, expect_ready=False)
    rc = s.proc.wait(timeout=30)
    assert rc == 1
    assert time.monotonic() - t < 15
    err = s.stderr().strip()
    assert "did not answer 200" in err and "within 1.5s" in err and "fake glewlwyd hangs" in err


def test_usage_error_without_port(tmp_path):
    r = subprocess.run([SERVER], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "--port" in r.stderr
    assert r.stdout == ""


def test_json_line_is_the_only_stdout(tmp_path):
    s = start_server(tmp_path=tmp_path)
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=15) == 0
    rest = s.proc.stdout.read()
    s.proc.stdout.close()
    assert rest == b"", rest
    assert wait_gone(s.pid)


@pytest.mark.parametrize("flag", ["--help"])
def test_help_names_the_usage(flag):
    r = subprocess.run([SERVER, flag], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    assert "--port" in r.stdout and "--state-dir" in r.stdout
