"""kong-test-server: start the fake Kong Admin API, print one JSON line naming how to reach it, serve until
SIGTERM/SIGINT."""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import uuid

from .http_server import TOKEN_HEADER, KongHTTPServer, ServerContext
from .store import Store

TOKEN_FILE = "admin-token"
STATE_FILE = "state.json"


def _args(argv):
    p = argparse.ArgumentParser(prog="kong-test-server", description="Kong Gateway 3.10 Admin API stand-in on loopback.")
    p.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")
    p.add_argument("--apis", type=int, default=0, metavar="N", help="services api-00001... with one route each")
    p.add_argument("--latency-ms", type=float, default=0, metavar="L", help="sleep before answering each request")
    p.add_argument("--seed", help="make entity ids and generated keys reproducible")
    p.add_argument("--state-dir", metavar="D", help="keep the entities and the admin token here across restarts")
    p.add_argument("--no-admin-token", action="store_true",
                   help=f"answer without {TOKEN_HEADER}, as Kong OSS does by default")
    p.add_argument("--quiet", action="store_true", help="do not log each request on stderr")
    args = p.parse_args(argv)
    if args.apis < 0 or args.latency_ms < 0:
        p.error("--apis and --latency-ms must not be negative")
    if not 0 <= args.port <= 65535:
        p.error("--port must be from 0 to 65535")
    return args


def _write_private(path, data: bytes):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    # A parent that starts us from a thread with SIGTERM blocked passes that mask on; unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    temp_dir = None
    if args.state_dir:
        files_dir = os.path.abspath(args.state_dir)
        os.makedirs(files_dir, mode=0o700, exist_ok=True)
    else:
        files_dir = temp_dir = tempfile.mkdtemp(prefix="kong-test-server-")
    token_path = os.path.join(files_dir, TOKEN_FILE)
    state_path = os.path.join(files_dir, STATE_FILE)
    try:
        store = Store(args.seed)
        if args.state_dir and os.path.exists(state_path):
            with open(state_path) as f:
                saved = json.load(f)
            store.restore(saved["rows"])
            node_id = saved["node_id"]
        else:
            store.seed_apis(args.apis)
            node_id = store.new_id() if args.seed is not None else str(uuid.uuid4())
        if os.path.exists(token_path) and args.state_dir:
            with open(token_path) as f:
                token = f.read()
        else:
            token = secrets.token_urlsafe(32)
            # No trailing newline, so the file can be sent as-is.
            _write_private(token_path, token.encode())

        ctx = ServerContext(store, node_id, None if args.no_admin_token else token, args.latency_ms)
        try:
            server = KongHTTPServer(("127.0.0.1", args.port), ctx, log_requests=not args.quiet)
        except OSError as exc:
            sys.stderr.write(f"kong-test-server: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}\n")
            return 1
        admin_url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        print(json.dumps({
            "admin_url": admin_url,
            "admin_token_header": None if args.no_admin_token else TOKEN_HEADER,
            "admin_token_file": None if args.no_admin_token else token_path,
            "version": "3.10.0",
            "control": admin_url + "/_control",
        }), flush=True)
        while not stop.wait(0.5):
            pass
        server.shutdown()
        server.server_close()
        if args.state_dir:
            temp = state_path + ".tmp"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump({"node_id": node_id, "rows": store.snapshot()}, f)
            os.replace(temp, state_path)
        return 0
    finally:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
