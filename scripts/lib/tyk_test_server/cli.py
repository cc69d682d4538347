"""tyk-test-server: start the server, print one JSON line naming how to reach it, serve until SIGTERM/SIGINT."""

import argparse
import os
import secrets
import sys

from loopback_server import cli as loopback_cli
from loopback_server.private_file import write_private

from .context import ServerContext
from .gateway_state import GatewayState
from .http_server import TykHTTPServer
from .peer_check import PeerCheck
from .seeding import seed_apis

SECRET_FILE = "tyk-admin-secret"


def _args(argv):
    p = argparse.ArgumentParser(prog="tyk-test-server", description="Tyk OSS Gateway API stand-in on loopback.")
    loopback_cli.port_argument(p)
    p.add_argument("--apis", type=int, default=0, metavar="N", help="classic API definitions to seed (api-00001...)")
    loopback_cli.latency_argument(p)
    p.add_argument("--reload-delay-ms", type=float, default=200, metavar="D",
                   help="how long a queued (non-blocking) /tyk/reload takes to happen")
    p.add_argument("--seed", help="make the seeded API ids reproducible")
    loopback_cli.quiet_argument(p)
    p.add_argument("--validate-responses", metavar="OPENAPI", dest="validate_responses",
                   help="check every answer against this OpenAPI document (Tyk's swagger.yml) before sending it; "
                        "one it does not allow becomes a 500 'peer check: ...' and is listed at /_control/peer-check")
    args = p.parse_args(argv)
    if args.apis < 0 or args.latency_ms < 0 or args.reload_delay_ms < 0:
        p.error("counts and delays must not be negative")
    return args


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    stop = loopback_cli.stop_on_signals()

    with loopback_cli.files_dir("tyk-test-server") as files_dir:
        state = GatewayState()
        seed_apis(state, args.apis, args.seed)
        # tyk.conf `secret`: a fresh one every run, even with --seed.
        secret = secrets.token_hex(24)
        secret_path = os.path.join(files_dir, SECRET_FILE)
        write_private(secret_path, secret.encode())  # no trailing newline: read it as-is
        server = loopback_cli.listen("tyk-test-server", args.port,
                                     lambda address: TykHTTPServer(address, log_requests=not args.quiet))
        if server is None:
            return 1
        base = loopback_cli.base_url(server)
        server.ctx = ServerContext(state, secret, args.latency_ms, args.reload_delay_ms)
        if args.validate_responses:
            server.ctx.peer_check = PeerCheck(args.validate_responses)
        del secret
        loopback_cli.serve(server, stop, {
            "admin_url": base,
            "auth_header": "X-Tyk-Authorization",
            "secret_file": secret_path,
            "apis": args.apis,
            "control": base + "/_control",
        })
        return 0
