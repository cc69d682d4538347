"""Bulk rotation under Graph's write limit: `clientele rotate --expiring-within` over 1,000 clients against the
Graph test server with its write limit scaled down from Graph's (3,000 per 150 s) to 300 per 15 s, 5 ms per
request. The floor is what the limit allows: writes needed / (limit / window)."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from graph_bench import entra_bench


def bulk_rotation_bench(folder, env, binary, clients=1_000, limit=300, window=15, latency_ms=5, parallel=None):
    with entra_bench(folder, env, binary, "bulk.sqlite", "--applications", str(clients), "--latency-ms",
                     str(latency_ms), "--write-limit", f"{limit}/{window}", "--seed", "2") as (ready, bulk_env):
        subprocess.run([binary, "sync", "--idp", "bench"], env=bulk_env, check=True, capture_output=True)
        secrets = folder / "bulk-secrets"
        shutil.rmtree(secrets, ignore_errors=True)  # a kept folder's previous run
        secrets.mkdir(mode=0o700)
        # Seeded secrets end within 700 days; every one of the clients is due.
        command = [binary, "rotate", "--expiring-within", "720d", "--idp", "bench", "--lifetime", "730d",
                   "--secret-dir", str(secrets), "--yes", "--json"]
        if parallel:
            command += ["--parallel", str(parallel)]
        start = time.perf_counter()
        run = subprocess.run(command, env=bulk_env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"bench: bulk rotation failed (exit {run.returncode}): {(run.stderr or run.stdout)[-400:]}")
        results = json.loads(run.stdout)
        rotated = sum(1 for r in results if r["result"] == "rotated")
        counts = json.loads(urllib.request.urlopen(f"{ready['control']}/write-limit").read())
        writes = counts["allowed"]
        floor = writes / (limit / window)
        # What the operator saw of throttling: error lines on stderr, and the reasons of clients that did not rotate.
        words = re.compile(r"(?<![0-9a-f#])429(?![0-9a-f])|throttl|too ?many ?requests|retry-after", re.IGNORECASE)
        seen = run.stderr.splitlines() + [r.get("reason", "") for r in results]
        surfaced = sum(1 for line in seen if words.search(line))
        print(f"bulk rotation of {clients} clients under a write limit of {limit}/{window} s at {latency_ms} ms per "
              f"request: {seconds:.1f} s, {rotated} rotated, {writes} writes; floor {writes} writes / "
              f"({limit}/{window} s) = {floor:.1f} s; ratio {seconds / floor:.2f}x (target <= 1.15x); "
              f"429s sent by the server {counts['throttled']}, surfaced {surfaced} (target 0)")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="clientele-bulk-bench-") as folder:
        bulk_rotation_bench(Path(folder), dict(os.environ), os.environ["CLIENTELE_BIN"],
                            parallel=int(sys.argv[1]) if len(sys.argv) > 1 else None)
