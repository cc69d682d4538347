"""`scripts/bench --engine postgres` on a small registry: it starts its own PostgreSQL server, builds the demo on
it, prints every PostgreSQL figure beside SQLite's and psql's, and leaves no server behind. Not timed: this keeps
the script and the demo's PostgreSQL path from rotting, the figures come from a release build."""
import glob
import os
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from clientele_runner import BINARY, ROOT

CONSOLE_BENCHMARK = Path(os.environ.get("CONSOLE_BENCHMARK_BIN", ROOT / ".build" / "debug" / "ConsoleBenchmark"))


def leftover_servers():
    return set(glob.glob(os.path.join(os.environ.get("TMPDIR", "/tmp"), "clientele-bench-postgres-*")))


def test_bench_on_postgres_reports_each_figure_beside_sqlite_and_psql(tmp_path):
    before = leftover_servers()
    env = dict(os.environ, CLIENTELE_BIN=str(BINARY), CONSOLE_BENCHMARK_BIN=str(CONSOLE_BENCHMARK),
               HOME=str(tmp_path))
    env.pop("CLIENTELE_REGISTRY", None)
    run = subprocess.run([str(ROOT / "scripts" / "bench"), "--engine", "postgres", "--clients", "120", "--only",
                          "build,expiring,list,console", "--keep", str(tmp_path / "bench")],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    postgres = run.stdout.split("PostgreSQL 15 (throwaway server at ", 1)
    assert len(postgres) == 2, run.stdout
    lines = postgres[1].splitlines()[1:]
    figure = {line.strip().split(":")[0].split(" --")[0]: line for line in lines if line.startswith("  ")}
    assert "120 clients" not in figure["demo"] and "clients / " in figure["demo"], figure["demo"]
    assert "SQLite, same run" in figure["demo"] and "psql restoring pg_dump" in figure["demo"]
    # 120 generated clients and the demo's gateway clients: the same registry as SQLite's.
    sqlite_build = next(line for line in run.stdout.splitlines() if line.startswith("demo --clients"))
    assert sqlite_build.split(" for ")[1].split(" clients")[0] == figure["demo"].split("--clients ")[1].split(" ")[0]
    for name in ["secrets expiring", "client list", "console first frame"]:
        assert "SQLite, same run" in figure[name] and "psql" in figure[name] and "ratio" in figure[name], figure[name]
    assert "0 rows" not in figure["secrets expiring"]
    assert "p99" in figure["console filter keystroke to frame"]
    change = figure["console one-row change by another process to the screen (LISTEN/NOTIFY)"]
    assert "SQLite, same run: p50" in change and "ratio p50/reload" in change, change
    assert leftover_servers() == before, "the bench left its PostgreSQL server behind"


def test_demo_builds_only_into_an_empty_database_and_reset_is_refused_for_postgres(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               CLIENTELE_TEST_NOW="2026-11-23T12:00:00Z")
    # Outside pytest's folders: as root the server runs as `postgres`, which cannot enter them.
    server = tempfile.mkdtemp(prefix="clientele-e2e-postgres-")
    try:
        base = os.environ.get("CLIENTELE_TEST_POSTGRES") or subprocess.run(
            [str(ROOT / "scripts" / "postgres-test-server"), "start", server, str(free_port())],
            capture_output=True, text=True, check=True).stdout.strip()
        database = f"demo_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", "-X", "-q", "-d", f"{base}/postgres", "-c", f"CREATE DATABASE {database}"], check=True)
        url = f"{base}/{database}"
        built = subprocess.run([str(BINARY), "demo", "--registry", url, "--clients", "30", "--build-only"], env=env,
                               capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
        assert f"Built a demo registry at {url}: 30 clients" in built.stdout
        assert f"--registry {url}" in built.stdout
        listed = subprocess.run([str(BINARY), "client", "list", "--json", "--registry", url], env=env,
                                capture_output=True, text=True)
        assert listed.returncode == 0 and listed.stdout.count('"clientId"') >= 30, listed.stderr
        # The sandboxes live in the database, in schemas of their own; nothing is written under the data folder.
        schemas = subprocess.run(["psql", "-X", "-At", "-d", url, "-c",
                                  "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'sandbox_%'"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        assert schemas == "4"
        assert not list((tmp_path / "data").rglob("*.sqlite"))
        again = subprocess.run([str(BINARY), "demo", "--registry", url, "--build-only"], env=env,
                               capture_output=True, text=True)
        assert again.returncode != 0 and "already holds a registry" in again.stderr, again.stderr
        assert len(again.stderr.strip().splitlines()) == 1
        reset = subprocess.run([str(BINARY), "demo", "--registry", url, "--reset", "--build-only"], env=env,
                               capture_output=True, text=True)
        assert reset.returncode != 0 and "drop and create the database" in reset.stderr, reset.stderr
    finally:
        subprocess.run([str(ROOT / "scripts" / "postgres-test-server"), "stop", server], capture_output=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
