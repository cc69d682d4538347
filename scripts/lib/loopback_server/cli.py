"""The command-line pieces every loopback server has: --port, --latency-ms and --quiet, stopping on
SIGTERM/SIGINT, listening on 127.0.0.1, and serving after one JSON ready line on stdout."""

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading


def port_argument(parser):
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")


def latency_argument(parser):
    parser.add_argument("--latency-ms", type=float, default=0, metavar="L",
                        help="sleep before answering each request")


def quiet_argument(parser):
    parser.add_argument("--quiet", action="store_true", help="do not log each request on stderr")


def stop_on_signals() -> threading.Event:
    """Set when SIGTERM or SIGINT arrives."""
    # A parent that starts us from a thread with SIGTERM blocked (Swift concurrency, for one) passes that mask
    # on; unblock it, or SIGTERM never arrives and the parent waits forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return stop


@contextlib.contextmanager
def files_dir(name, state_dir=None):
    """The folder for the files a server hands its callers: `state_dir` (made 0700, kept across runs) or a
    fresh temporary one, removed when the server exits."""
    if state_dir:
        path = os.path.abspath(state_dir)
        os.makedirs(path, mode=0o700, exist_ok=True)
        yield path
        return
    path = tempfile.mkdtemp(prefix=f"{name}-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def listen(name, port, make_server):
    """`make_server(("127.0.0.1", port))`, or None after one line on stderr when the port cannot be had."""
    try:
        return make_server(("127.0.0.1", port))
    except OSError as exc:
        sys.stderr.write(f"{name}: cannot listen on 127.0.0.1:{port}: {exc.strerror}\n")
        return None


def base_url(server):
    return f"http://127.0.0.1:{server.server_address[1]}"


def serve(server, stop, ready: dict):
    """Serves in the background, prints `ready` as the one line on stdout, and returns once stopped and
    closed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    print(json.dumps(ready), flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
