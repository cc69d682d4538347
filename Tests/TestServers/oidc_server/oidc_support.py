"""Helpers for the glewlwyd OIDC integration tests: start/stop the server
through scripts/oidc-test-server, and a tiny urllib HTTP client.

Standard library only (the Swift adapter is the real client; these tests pin
down what the provider does so the adapter can be built against it).
"""

import base64
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SERVER = os.path.join(REPO, "scripts", "oidc-test-server")
READY_TIMEOUT = 30.0

REDIRECT_URI = "https://app.example.test/cb"

# glewlwyd pids of every server these tests started (checked for leaks at the end).
STARTED_GLEWLWYD_PIDS = []


@dataclass
class Server:
    proc: subprocess.Popen
    info: dict
    stderr_path: str

    @property
    def issuer(self):
        return self.info["issuer"]

    @property
    def pid(self):
        return self.info["pid"]

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()


def start_server(*args, tmp_path, env=None, expect_ready=True):
    """Run scripts/oidc-test-server --port 0 ARGS and read its one JSON line."""
    stderr_path = os.path.join(str(tmp_path), f"oidc-test-server-{time.monotonic_ns()}.stderr")
    cmd = [SERVER] + (list(args) if "--port" in args else ["--port", "0", *args])
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=err, env=env)
    line = b""
    deadline = time.monotonic() + READY_TIMEOUT
    fd = proc.stdout.fileno()
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            line += chunk
        elif proc.poll() is not None:
            break
    if not line.endswith(b"\n"):
        if expect_ready:
            stop_process(proc)
            with open(stderr_path, errors="replace") as f:
                raise AssertionError(f"oidc-test-server printed no JSON line; stderr: {f.read()}")
        return Server(proc, {}, stderr_path)
    assert line.count(b"\n") == 1, f"expected exactly one line on stdout, got {line!r}"
    info = json.loads(line)
    STARTED_GLEWLWYD_PIDS.append(info["pid"])
    return Server(proc, info, stderr_path)


def stop_process(proc, sig=signal.SIGTERM, timeout=15):
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
    return proc.returncode


def pid_alive(pid):
    """True while any thread of pid is still running (a zombie leader whose
    other threads are still exiting counts as alive)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return False
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False


def wait_gone(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def process_name(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_port_closed(port, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not port_open(port):
            return True
        time.sleep(0.05)
    return not port_open(port)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- HTTP client

@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    json: object = field(default=None)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def http(method, url, *, json_body=None, raw_body=None, form=None, basic=None, bearer=None,
         timeout=10):
    headers = {"Accept": "application/json"}
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif raw_body is not None:
        data = raw_body.encode() if isinstance(raw_body, str) else raw_body
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if basic is not None:
        user, pw = basic
        headers["Authorization"] = "Basic " + base64.b64encode(
            f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(pw, safe='')}".encode()).decode()
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, hdrs, body = r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, body = e.code, dict(e.headers.items()), e.read()
    parsed = None
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    return Response(status, {k.lower(): v for k, v in hdrs.items()}, body, parsed)


def register(server, bearer=None, **overrides):
    """RFC 7591 registration of a client-credentials client (basic auth).
    Keyword overrides replace fields; a value of None removes the field."""
    body = {
        "client_name": "clientele-test",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "api.read",
    }
    for k, v in overrides.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return http("POST", server.info["registration_endpoint"], json_body=body, bearer=bearer)


def token(server, client_id, client_secret, scope="api.read", **extra):
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    form.update(extra)
    return http("POST", server.info["token_endpoint"], form=form, basic=(client_id, client_secret))


# ---------------------------------------------------------------- JWT helpers

def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_parts(jwt):
    h, p, s = jwt.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p)), b64url_decode(s), f"{h}.{p}".encode()


_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def rs256_verify(jwt, jwk):
    """RSASSA-PKCS1-v1_5 / SHA-256 signature check with a public JWK (stdlib only)."""
    _, _, sig, signing_input = jwt_parts(jwt)
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    t = _SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return em == expected
