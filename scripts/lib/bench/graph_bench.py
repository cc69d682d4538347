"""The set-up the Graph sections of the bench share: a Graph test server and a fresh registry with it as IdP."""
import contextlib
import json
import subprocess
from pathlib import Path

from fresh_registry import fresh_registry

ROOT = Path(__file__).resolve().parents[3]


@contextlib.contextmanager
def entra_bench(folder, env, binary, name, *server_args):
    """A Graph test server started with `server_args` and a fresh registry `name` in `folder` (a kept folder's
    previous one is removed: it already has the IdP) with that server as Entra IdP `bench`; yields (ready line,
    the environment that points `clientele` at the registry)."""
    server = subprocess.Popen([str(ROOT / "scripts" / "graph-test-server"), "--port", "0", *server_args, "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready = json.loads(server.stdout.readline())
        bench_env = fresh_registry(folder, env, name)
        subprocess.run([binary, "init"], env=bench_env, check=True, capture_output=True)
        subprocess.run([binary, "idp", "add", "entra", "--name", "bench", "--tenant", ready["tenant"], "--client-id",
                        ready["client_id"], "--secret-file", ready["client_secret_file"], "--authority",
                        ready["authority"], "--graph", ready["graph"]], env=bench_env, check=True, capture_output=True)
        yield ready, bench_env
    finally:
        server.terminate()
        server.wait(timeout=10)
