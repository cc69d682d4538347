"""kong-test-server: start the fake Kong Admin API, print one JSON line naming how to reach it, serve until
SIGTERM/SIGINT."""

import argparse
import json
import os
import secrets
import sys
import uuid

from loopback_server import cli as loopback_cli
from loopback_server.private_file import write_private, write_private_atomically

from .http_server import TOKEN_HEADER, KongHTTPServer, ServerContext
from .store import Store

TOKEN_FILE = "admin-token"
STATE_FILE = "state.json"


def _args(argv):
    p = argparse.ArgumentParser(prog="kong-test-server", description="Kong Gateway 3.10 Admin API stand-in on loopback.")
    loopback_cli.port_argument(p)
    p.add_argument("--apis", type=int, default=0, metavar="N", help="services api-00001... with one route each")
    p.add_argument("--consumers", type=int, default=0, metavar="N",
                   help="consumers consumer-00001... with one key-auth key and one acl group each")
    loopback_cli.latency_argument(p)
    p.add_argument("--seed", help="make entity ids and generated keys reproducible")
    p.add_argument("--state-dir", metavar="D", help="keep the entities and the admin token here across restarts")
    p.add_argument("--no-admin-token", action="store_true",
                   help=f"answer without {TOKEN_HEADER}, as Kong OSS does by default")
    loopback_cli.quiet_argument(p)
    args = p.parse_args(argv)
    for flag, value in (("--apis", args.apis), ("--consumers", args.consumers), ("--latency-ms", args.latency_ms)):
        if value < 0:
            p.error(f"{flag} must not be negative")
    if not 0 <= args.port <= 65535:
        p.error("--port must be from 0 to 65535")
    return args


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    stop = loopback_cli.stop_on_signals()

    with loopback_cli.files_dir("kong-test-server", args.state_dir) as files_dir:
        token_path = os.path.join(files_dir, TOKEN_FILE)
        state_path = os.path.join(files_dir, STATE_FILE)
        store = Store(args.seed)
        if args.state_dir and os.path.exists(state_path):
            with open(state_path) as f:
                saved = json.load(f)
            store.restore(saved["rows"])
            node_id = saved["node_id"]
        else:
            store.seed_apis(args.apis)
            store.seed_consumers(args.consumers)
            node_id = store.new_id() if args.seed is not None else str(uuid.uuid4())
        if os.path.exists(token_path) and args.state_dir:
            with open(token_path) as f:
                token = f.read()
        else:
            token = secrets.token_urlsafe(32)
            # No trailing newline, so the file can be sent as-is.
            write_private(token_path, token.encode())

        ctx = ServerContext(store, node_id, None if args.no_admin_token else token, args.latency_ms)
        server = loopback_cli.listen("kong-test-server", args.port,
                                     lambda address: KongHTTPServer(address, ctx, log_requests=not args.quiet))
        if server is None:
            return 1
        admin_url = loopback_cli.base_url(server)
        loopback_cli.serve(server, stop, {
            "admin_url": admin_url,
            "admin_token_header": None if args.no_admin_token else TOKEN_HEADER,
            "admin_token_file": None if args.no_admin_token else token_path,
            "version": "3.10.0",
            "control": admin_url + "/_control",
        })
        if args.state_dir:
            write_private_atomically(state_path, json.dumps({"node_id": node_id, "rows": store.snapshot()}).encode())
        return 0
