"""tyk-test-server: start the server, print one JSON line naming how to reach it, serve until SIGTERM/SIGINT."""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading

from graph_test_server.cli import _write_private

from .context import ServerContext
from .gateway_state import GatewayState
from .http_server import TykHTTPServer
from .peer_check import PeerCheck
from .seeding import seed_apis

SECRET_FILE = "tyk-admin-secret"


def _args(argv):
    p = argparse.ArgumentParser(prog="tyk-test-server", description="Tyk OSS Gateway API stand-in on loopback.")
    p.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--apis", type=int, default=0, metavar="N", help="classic API definitions to seed (api-00001...)")
    p.add_argument("--latency-ms", type=float, default=0, metavar="L", help="sleep before answering each request")
    p.add_argument("--reload-delay-ms", type=float, default=200, metavar="D",
                   help="how long a queued (non-blocking) /tyk/reload takes to happen")
    p.add_argument("--seed", help="make the seeded API ids reproducible")
    p.add_argument("--quiet", action="store_true", help="do not log each request on stderr")
    p.add_argument("--validate-responses", metavar="OPENAPI", dest="validate_responses",
                   help="check every answer against this OpenAPI document (Tyk's swagger.yml) before sending it; "
                        "one it does not allow becomes a 500 'peer check: ...' and is listed at /_control/peer-check")
    args = p.parse_args(argv)
    if args.apis < 0 or args.latency_ms < 0 or args.reload_delay_ms < 0:
        p.error("counts and delays must not be negative")
    return args


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    # A parent that starts us from a thread with SIGTERM blocked passes that mask on; unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    files_dir = tempfile.mkdtemp(prefix="tyk-test-server-")
    try:
        state = GatewayState()
        seed_apis(state, args.apis, args.seed)
        # tyk.conf `secret`: a fresh one every run, even with --seed.
        secret = secrets.token_hex(24)
        secret_path = os.path.join(files_dir, SECRET_FILE)
        _write_private(secret_path, secret.encode())  # no trailing newline: read it as-is
        try:
            server = TykHTTPServer(("127.0.0.1", args.port), log_requests=not args.quiet)
        except OSError as exc:
            sys.stderr.write(f"tyk-test-server: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}\n")
            return 1
        base = f"http://127.0.0.1:{server.server_address[1]}"
        server.ctx = ServerContext(state, secret, args.latency_ms, args.reload_delay_ms)
        if args.validate_responses:
            server.ctx.peer_check = PeerCheck(args.validate_responses)
        del secret
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        print(json.dumps({
            "admin_url": base,
            "auth_header": "X-Tyk-Authorization",
            "secret_file": secret_path,
            "apis": args.apis,
            "control": base + "/_control",
        }), flush=True)
        while not stop.wait(0.5):
            pass
        server.shutdown()
        server.server_close()
        return 0
    finally:
        shutil.rmtree(files_dir, ignore_errors=True)
