"""A throw-away glewlwyd OpenID Connect provider on 127.0.0.1, for tests.

Entry point: scripts/oidc-test-server (see --help). Builds a fresh SQLite
database from the schema Debian ships, an RSA key pair, a libconfig file and
one OIDC plugin instance, starts `glewlwyd -c FILE` as a child that dies with
this process, waits until discovery answers 200, prints ONE JSON line on
stdout and stays in the foreground until SIGTERM/SIGINT.
"""

import argparse
import ctypes
import gzip
import json
import os
import shutil
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = "/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz"
PLUGIN_NAME = "oidc"
SCOPES = ["api.read"]
PROG = "oidc-test-server"
IAT_SCOPE = "register"
IAT_CLIENT_ID = "initial-access-issuer"

_PR_SET_PDEATHSIG = 1


_LOG_NOISE = ("Add endpoint", "Remove endpoint", "Loading ", "Close ", "Init ")


def log_tail(log_path, lines=12):
    """The lines of glewlwyd's log that tell what went wrong: its ERROR lines
    if any, else the last lines without the endpoint/module chatter."""
    if not log_path or not os.path.exists(log_path):
        return []
    with open(log_path, "r", errors="replace") as f:
        content = [l.rstrip() for l in f if l.strip()]
    errors = [l for l in content if "ERROR" in l or l.startswith("Error")]
    if errors:
        return errors[-lines:]
    return [l for l in content if not any(n in l for n in _LOG_NOISE)][-lines:]


def fail(msg, log_path=None, show_path=False):
    """One clear line on stderr naming what failed (+ the tail of glewlwyd's log)."""
    tail = log_tail(log_path)
    if tail:
        where = f" ({log_path})" if show_path else ""
        msg += f" | glewlwyd log{where}: " + " || ".join(tail)
    sys.stderr.write(f"{PROG}: {msg}\n")
    sys.stderr.flush()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def make_keys(state_dir):
    key = os.path.join(state_dir, "private-rsa.pem")
    pub = os.path.join(state_dir, "public-rsa.pem")
    for cmd in (["openssl", "genrsa", "-out", key, "2048"],
                ["openssl", "rsa", "-in", key, "-outform", "PEM", "-pubout", "-out", pub]):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed: {r.stdout.strip()}")
    with open(key) as f:
        key_pem = f.read()
    with open(pub) as f:
        pub_pem = f.read()
    return key_pem, pub_pem


def build_database(db_path, plugin_params):
    for stale in (db_path, db_path + "-wal", db_path + "-shm", db_path + "-journal"):
        if os.path.exists(stale):
            os.remove(stale)
    with gzip.open(SCHEMA, "rt") as f:
        schema = f.read()
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        # WAL (persisted in the file) and one transaction: ~0.05 s instead of
        # ~2.5 s of per-statement fsyncs; glewlwyd then also writes in WAL mode.
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        con.executescript("BEGIN;\n" + schema + "\nCOMMIT;")
        con.execute(
            "INSERT INTO g_plugin_module_instance "
            "(gpmi_module, gpmi_name, gpmi_display_name, gpmi_parameters, gpmi_enabled) "
            "VALUES (?, ?, ?, ?, 1)",
            ("oidc", PLUGIN_NAME, "OpenID Connect (tests)", json.dumps(plugin_params)),
        )
    finally:
        con.close()


def seed_iat_client(db_path, client_id, client_secret, scope):
    """A confidential client that may get `scope` by client credentials: its
    access token is the initial access token that /register then requires."""
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        con.execute("BEGIN")
        cur = con.execute(
            "INSERT INTO g_client (gc_client_id, gc_name, gc_description, gc_confidential, gc_enabled) "
            "VALUES (?, ?, '', 1, 1)", (client_id, "Initial access token issuer (tests)"))
        gc_id = cur.lastrowid
        for name, value in (("client_secret", client_secret),
                            ("token_endpoint_auth_method", "client_secret_basic"),
                            ("authorization_type", "client_credentials"),
                            ("redirect_uri", "https://iat.example.test/cb")):
            con.execute("INSERT INTO g_client_property (gc_id, gcp_name, gcp_value) VALUES (?, ?, ?)",
                        (gc_id, name, value))
        row = con.execute("SELECT gcs_id FROM g_client_scope WHERE gcs_name = ?", (scope,)).fetchone()
        gcs_id = row[0] if row else con.execute(
            "INSERT INTO g_client_scope (gcs_name) VALUES (?)", (scope,)).lastrowid
        con.execute("INSERT INTO g_client_scope_client (gc_id, gcs_id) VALUES (?, ?)", (gc_id, gcs_id))
        con.execute("COMMIT")
    finally:
        con.close()


def client_credentials_token(token_endpoint, client_id, client_secret, scope):
    import base64
    import urllib.parse
    req = urllib.request.Request(
        token_endpoint, method="POST",
        data=urllib.parse.urlencode({"grant_type": "client_credentials", "scope": scope}).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(
            f"{client_id}:{client_secret}".encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())["access_token"]


def write_config(path, port, external_url, db_path, log_level):
    with open(os.path.join(HERE, "glewlwyd.conf.template")) as f:
        text = f.read()
    for k, v in {"@PORT@": str(port), "@EXTERNAL_URL@": external_url,
                 "@DB_PATH@": db_path, "@LOG_LEVEL@": log_level}.items():
        text = text.replace(k, v)
    with open(path, "w") as f:
        f.write(text)


def _die_with_parent_of(parent_pid):
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before fork, not in the child

    def preexec():
        # Runs in the child between fork and exec: glewlwyd gets SIGKILL when
        # this process dies, however it dies (even SIGKILL), so no orphan survives.
        # (exec resets our Python handlers; subprocess restores SIGPIPE.)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # parent already gone before prctl
            os._exit(1)
    return preexec


def http_status(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return None, b""


def stop(proc, grace=5.0):
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except ProcessLookupError:
        pass


class Stop(Exception):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def main(argv=None):
    # A parent that starts us from a thread with SIGTERM blocked (Swift concurrency, for one) passes that mask
    # on; unblock it, or SIGTERM never arrives and the parent waits forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    ap = argparse.ArgumentParser(prog=PROG, description=(
        "Run a throw-away glewlwyd OpenID Connect provider on 127.0.0.1 and print "
        "one JSON line (issuer, registration_endpoint, token_endpoint, scopes, pid, "
        "state_dir) once discovery answers 200. Stops on SIGTERM/SIGINT."))
    ap.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")
    ap.add_argument("--state-dir", help="keep database, keys, config and log here (kept on exit)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for readiness (default 20)")
    ap.add_argument("--log-level", default="INFO", choices=["NONE", "ERROR", "WARNING", "INFO", "DEBUG"])
    ap.add_argument("--require-initial-access-token", action="store_true",
                    help="POST /register then needs 'Authorization: Bearer <initial access token>': "
                         "sets the plugin's register-client-auth-scope to [\"register\"], seeds a "
                         "client that can get that scope by client credentials, and adds "
                         "\"initial_access\" (client_id, client_secret, scope, token) to the JSON line")
    ap.add_argument("--initial-access-token-one-use", action="store_true",
                    help="implies --require-initial-access-token; each initial access token "
                         "registers one client only (register-client-token-one-use)")
    args = ap.parse_args(argv)
    if args.initial_access_token_one_use:
        args.require_initial_access_token = True

    if shutil.which("glewlwyd") is None:
        fail("glewlwyd is not installed (run scripts/install/glewlwyd)")
        return 2
    if not os.path.exists(SCHEMA):
        fail(f"glewlwyd SQLite schema not found at {SCHEMA} (run scripts/install/glewlwyd)")
        return 2
    if args.port < 0 or args.port > 65535:
        fail(f"invalid --port {args.port}")
        return 2

    keep_state = args.state_dir is not None
    if keep_state:
        state_dir = os.path.abspath(args.state_dir)
        os.makedirs(state_dir, exist_ok=True)
    else:
        state_dir = tempfile.mkdtemp(prefix="oidc-test-server-")

    proc = None
    log_path = os.path.join(state_dir, "glewlwyd.log")

    def on_signal(signum, frame):
        raise Stop(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    # A reader that goes away must not kill us before we stop glewlwyd.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    rc = 0
    ready_announced = False
    try:
        with open(os.path.join(HERE, "oidc-plugin.json")) as f:
            plugin_params = json.load(f)
        try:
            key_pem, pub_pem = make_keys(state_dir)
        except (RuntimeError, OSError) as e:
            fail(f"generating the RSA key pair failed: {e}")
            return 1

        iat_secret = secrets.token_urlsafe(24)
        # With --port 0 another process may grab the port between our probe and
        # glewlwyd's bind: retry a few times with a new port in that case.
        attempts = 3 if args.port == 0 else 1
        deadline = time.monotonic() + args.timeout
        for attempt in range(attempts):
            port = free_port() if args.port == 0 else args.port
            if args.port != 0 and not port_is_free(port):
                fail(f"port {port} on 127.0.0.1 is already in use")
                return 1
            base = f"http://127.0.0.1:{port}"
            issuer = f"{base}/api/{PLUGIN_NAME}"
            params = dict(plugin_params, iss=issuer, key=key_pem, cert=pub_pem)
            if args.require_initial_access_token:
                params["register-client-auth-scope"] = [IAT_SCOPE]
                params["register-client-token-one-use"] = bool(args.initial_access_token_one_use)
            db_path = os.path.join(state_dir, "glewlwyd.db")
            conf_path = os.path.join(state_dir, "glewlwyd.conf")
            try:
                build_database(db_path, params)
                if args.require_initial_access_token:
                    seed_iat_client(db_path, IAT_CLIENT_ID, iat_secret, IAT_SCOPE)
                write_config(conf_path, port, base, db_path, args.log_level)
            except (OSError, sqlite3.Error) as e:
                fail(f"building the glewlwyd database/config in {state_dir} failed: {e}")
                return 1

            log = open(log_path, "wb")
            started = time.monotonic()
            proc = subprocess.Popen(
                ["glewlwyd", "-c", conf_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=state_dir, preexec_fn=_die_with_parent_of(os.getpid()), close_fds=True)
            log.close()

            discovery = f"{issuer}/.well-known/openid-configuration"
            ready = False
            doc = None
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    break
                status, body = http_status(discovery)
                if status == 200:
                    try:
                        doc = json.loads(body)
                        ready = True
                    except ValueError:
                        pass
                    if ready:
                        break
                time.sleep(0.05)
            if ready:
                break
            exited = proc.poll()
            stop(proc)
            proc = None
            lost_port = any("already in use" in l or "Failed to bind" in l for l in log_tail(log_path))
            if exited is not None and lost_port and attempt + 1 < attempts and time.monotonic() < deadline:
                continue  # lost the port race with another process: try another port
            if exited is not None:
                fail(f"glewlwyd exited with status {exited} before {discovery} answered 200", log_path, keep_state)
            else:
                fail(f"glewlwyd did not answer 200 at {discovery} within {args.timeout:g}s", log_path, keep_state)
            return 1

        startup = time.monotonic() - started
        info = {
            "issuer": issuer,
            "registration_endpoint": doc.get("registration_endpoint"),
            "token_endpoint": doc.get("token_endpoint"),
            "jwks_uri": doc.get("jwks_uri"),
            "scopes": list(SCOPES),
            "pid": proc.pid,
            "port": port,
            "state_dir": state_dir,
            "startup_seconds": round(startup, 3),
        }
        if args.require_initial_access_token:
            try:
                token = client_credentials_token(info["token_endpoint"], IAT_CLIENT_ID, iat_secret, IAT_SCOPE)
            except (OSError, ValueError, KeyError) as e:
                fail(f"getting an initial access token (client credentials, scope {IAT_SCOPE}) failed: {e}",
                     log_path)
                return 1
            info["initial_access"] = {"client_id": IAT_CLIENT_ID, "client_secret": iat_secret,
                                      "scope": IAT_SCOPE, "token": token,
                                      "one_use": bool(args.initial_access_token_one_use)}
        ready_announced = True  # before the line: a reader may signal us at once
        try:
            sys.stdout.write(json.dumps(info) + "\n")
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass

        code = proc.wait()  # until a signal raises Stop
        fail(f"glewlwyd (pid {proc.pid}) exited unexpectedly with status {code}", log_path, keep_state)
        rc = 1
    except Stop as stop_signal:
        # Asked to stop: a clean exit once serving; 128+N if still starting.
        rc = 0 if ready_announced else 128 + stop_signal.signum
    finally:
        # Ignore further signals while cleaning up.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop(proc)
        if not keep_state:
            shutil.rmtree(state_dir, ignore_errors=True)
    return rc
