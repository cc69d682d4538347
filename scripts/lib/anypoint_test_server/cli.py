"""anypoint-test-server: start the server, print one JSON line naming how to reach it, serve until SIGTERM/SIGINT."""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading

from .access_management import AccessManagement
from .api_manager import ApiManager
from .exchange_applications import ExchangeApplications
from .http_server import AnypointHTTPServer
from .organization import Organization

SECRET_FILE = "connected-app-client-secret"


def _args(argv):
    p = argparse.ArgumentParser(prog="anypoint-test-server",
                                description="MuleSoft Anypoint (Access Management token, API Manager) on loopback.")
    p.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--apis", type=int, default=0, metavar="N", help="API instances seeded in each environment")
    p.add_argument("--environments", default="Sandbox,Prod", metavar="A,B",
                   help="environment names, comma-separated (default Sandbox,Prod)")
    p.add_argument("--latency-ms", type=float, default=0, metavar="L", help="sleep before answering each request")
    p.add_argument("--seed", help="make the organization, environment ids and asset versions reproducible")
    p.add_argument("--quiet", action="store_true", help="do not log each request on stderr")
    p.add_argument("--validate-responses", action="store_true",
                   help="check every Anypoint response against the OpenAPI fragments (GET /_control/contract)")
    args = p.parse_args(argv)
    if args.apis < 0 or args.latency_ms < 0:
        p.error("--apis and --latency-ms must not be negative")
    names = [n.strip() for n in args.environments.split(",")]
    if not all(names) or len(set(names)) != len(names):
        p.error("--environments must be distinct, non-empty names separated by commas")
    args.environment_names = names
    return args


def _write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)  # the umask may have narrowed it, never widened; set it exactly


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    # A parent that starts us with SIGTERM blocked (Swift concurrency, for one) passes the mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    files_dir = tempfile.mkdtemp(prefix="anypoint-test-server-")
    try:
        org = Organization(args.seed, args.environment_names)
        org.seed(args.apis)
        client_id = org.new_uuid().replace("-", "")
        secret = secrets.token_hex(16)
        secret_path = os.path.join(files_dir, SECRET_FILE)
        _write_private(secret_path, secret.encode())  # no trailing newline: read it as-is
        access = AccessManagement(org, client_id, secret)
        del secret
        try:
            server = AnypointHTTPServer(("127.0.0.1", args.port), access, ApiManager(org),
                                        ExchangeApplications(org), args.latency_ms, log_requests=not args.quiet)
        except OSError as exc:
            sys.stderr.write(f"anypoint-test-server: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}\n")
            return 1
        base = f"http://127.0.0.1:{server.server_address[1]}"
        if args.validate_responses:
            from .response_contract import ResponseContract
            server.contract = ResponseContract(base)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        print(json.dumps({
            "base_url": base,
            "admin_url": base + "/apimanager/api/v1",
            "token_url": base + "/accounts/api/v2/oauth2/token",
            "organization_id": org.id,
            "environments": {e.name: e.id for e in org.environments.values()},
            "client_id": client_id,
            "client_secret_file": secret_path,
            "control": base + "/_control",
        }), flush=True)
        while not stop.wait(0.5):
            pass
        server.shutdown()
        server.server_close()
        return 0
    finally:
        shutil.rmtree(files_dir, ignore_errors=True)
