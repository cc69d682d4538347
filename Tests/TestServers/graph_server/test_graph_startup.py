"""The entry point's contract: one JSON line, private files, a clean stop, and logs without secrets."""

import os
import re
import signal
import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_harness import ServerProcess, http

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_ready_line_names_everything_a_client_needs(server):
    info = server.info
    assert set(info) == {"authority", "graph", "tenant", "client_id", "client_secret_file", "certificate_file",
                         "private_key_file", "control"}
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["authority"])
    assert info["graph"] == info["authority"] + "/v1.0"
    assert info["control"] == info["authority"] + "/_control"
    assert GUID.match(info["tenant"]) and GUID.match(info["client_id"])
    status, payload = server.control("GET", "/health")
    assert (status, payload) == (200, {"ok": True})


def test_secret_and_key_files_are_private(server):
    for name in ("client_secret_file", "private_key_file"):
        assert stat.S_IMODE(os.stat(server.info[name]).st_mode) == 0o600, name
    secret = server.admin_secret
    assert len(secret) == 40 and "\n" not in secret


def test_certificate_is_self_signed_rsa_matching_the_private_key(server):
    cert = x509.load_pem_x509_certificate(Path(server.info["certificate_file"]).read_bytes())
    key = serialization.load_pem_private_key(Path(server.info["private_key_file"]).read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert cert.issuer == cert.subject
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    assert cert.public_key().public_bytes(serialization.Encoding.DER, fmt) == \
        key.public_key().public_bytes(serialization.Encoding.DER, fmt)


def test_port_zero_picks_free_ports_and_signals_stop_cleanly():
    first, second = ServerProcess("--applications", 1), ServerProcess("--applications", 1)
    files = [Path(first.info["client_secret_file"]), Path(second.info["client_secret_file"])]
    assert first.authority != second.authority
    assert first.stop(signal.SIGTERM) == 0
    assert second.stop(signal.SIGINT) == 0
    for srv in (first, second):
        assert "Traceback" not in srv.log_text()
    # Without --state-dir the admin's files live only as long as the server.
    assert not any(f.exists() for f in files)


def test_logs_carry_no_secret_text():
    srv = ServerProcess("--applications", 2)
    try:
        admin_secret = srv.admin_secret
        assert srv.token(secret=admin_secret)[0] == 200
        # A secret in a query string must not reach the log either.
        http("GET", f"{srv.graph}/applications?client_secret={admin_secret}&$top=1")
        app = srv.graph_call("GET", "/applications?$top=1")[2]["value"][0]
        status, _, added = srv.graph_call("POST", f"/applications/{app['id']}/addPassword",
                                         {"passwordCredential": {"displayName": "log-check"}})
        assert status == 200
        assert srv.token(client_id=app["appId"], secret=added["secretText"])[0] == 200
    finally:
        srv.stop()
    log = srv.log_text()
    assert "/applications?client_secret&$top" in log  # the request was logged, by option name only
    assert admin_secret not in log
    assert added["secretText"] not in log


def test_latency_flag_delays_every_answer():
    import time
    srv = ServerProcess("--applications", 1, "--latency-ms", 250, "--quiet")
    try:
        started = time.monotonic()
        assert srv.token(secret=srv.admin_secret)[0] == 200
        assert time.monotonic() - started >= 0.25
    finally:
        srv.stop()


def test_seed_makes_ids_reproducible():
    runs = []
    for _ in range(2):
        srv = ServerProcess("--applications", 3, "--seed", "clientele", "--quiet")
        try:
            body = srv.graph_call("GET", "/applications?$select=id,appId,displayName")[2]
            runs.append((srv.tenant, srv.client_id, [(a["id"], a["appId"], a["displayName"]) for a in body["value"]]))
        finally:
            srv.stop()
    assert runs[0] == runs[1]
