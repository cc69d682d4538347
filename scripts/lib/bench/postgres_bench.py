"""`scripts/bench --engine postgres`: the registry built again on a throwaway PostgreSQL 15 server started here,
and the same figures measured on it, each beside SQLite's from this run and beside psql doing the same work
(the floor: PostgreSQL's own client running the same query over the same connection kind)."""
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import seen_under_tmux, timed

ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-11-23 12:00:00+00"
# The statements clientele runs on PostgreSQL (see Registry+Expiry.swift, Registry+Clients.swift,
# Registry+Console.swift), each row turned into JSON by the server, as clientele's output is JSON.
EXPIRING = f"""SELECT row_to_json(r) FROM (
SELECT s.keyId, s.hint, s.state, s.expiresAt, c.id AS clientRowId, c.displayName, c.clientId, i.name AS idp, i.kind,
       s.lastUsedAt, s.usageCheckedAt, i.usageUnavailable
FROM secret s JOIN client c ON c.id = s.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
WHERE s.state IN ('active', 'pending') AND s.expiresAt <= TIMESTAMPTZ '{NOW}' + INTERVAL '30 days'
ORDER BY s.expiresAt, s.id) r"""
CLIENT_LIST = """SELECT row_to_json(r) FROM (
SELECT c.id, c.displayName, c.clientId, c.ownerTeam, i.name AS idp,
  (SELECT string_agg(CAST(e.name AS TEXT), chr(31)) FROM
     (SELECT e.name FROM clientEnvironment ce JOIN environment e ON e.id = ce.environmentId
      WHERE ce.clientRowId = c.id ORDER BY e.position, e.id) e) AS environments,
  (SELECT count(*) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS activeSecrets,
  (SELECT min(s.expiresAt) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS nextExpiry
FROM client c JOIN identityProvider i ON i.id = c.identityProviderId ORDER BY lower(c.displayName), c.id) r"""
PAGE = "SELECT id FROM client ORDER BY lower(displayName), id LIMIT 60"
FIRST_FRAME = f"""BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM client;
SELECT count(*) FROM secret WHERE state IN ('active', 'pending');
SELECT count(*) FROM rotation WHERE step NOT IN ('done', 'failed');
SELECT id, displayName, clientId, ownerTeam, identityProviderId FROM client ORDER BY lower(displayName), id LIMIT 60;
SELECT clientRowId, count(*), CAST(EXTRACT(EPOCH FROM min(expiresAt)) AS DOUBLE PRECISION) FROM secret
  WHERE state IN ('active', 'pending') AND clientRowId IN ({PAGE}) GROUP BY clientRowId;
SELECT ce.clientRowId, ce.environmentId FROM clientEnvironment ce JOIN environment e ON e.id = ce.environmentId
  WHERE ce.clientRowId IN ({PAGE}) ORDER BY e.position, e.id;
COMMIT;
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def throwaway_server():
    """A PostgreSQL server of the bench's own (scripts/postgres-test-server), stopped and removed on the way out
    whatever happens: an error, Ctrl-C, or SIGTERM (turned into an exit so this `finally` runs). Its folder is
    outside the bench folder: as root the server runs as `postgres`, which cannot enter a 0700 temporary folder."""
    directory = tempfile.mkdtemp(prefix="clientele-bench-postgres-")
    server = str(ROOT / "scripts" / "postgres-test-server")
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        started = subprocess.run([server, "start", directory, str(free_port())], capture_output=True, text=True)
        if started.returncode != 0:
            sys.exit(f"bench: cannot start PostgreSQL: {started.stderr.strip()[-400:]}")
        yield started.stdout.strip()
    finally:
        subprocess.run([server, "stop", directory], capture_output=True)
        signal.signal(signal.SIGTERM, previous)


def psql(url, *args, **kwargs):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args], check=True, **kwargs)


def best_of(command, runs, stdout=subprocess.DEVNULL):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=stdout, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def postgres_bench(folder, env, binary, clients, only, sqlite):
    """Builds the registry on PostgreSQL with `clientele demo` and reports the sections of `only` among build,
    expiring, list and console, beside SQLite's figures from `sqlite` (a section's figures, when it ran)."""
    with throwaway_server() as server:
        print(f"PostgreSQL 15 (throwaway server at {server}, fsync off like the tests'):")
        psql(f"{server}/postgres", "-c", "CREATE DATABASE bench")
        url = f"{server}/bench"
        files = folder / "postgres-files"
        pg_env = dict(env, CLIENTELE_REGISTRY=url, XDG_DATA_HOME=str(files))
        build_s, build_rss = timed([binary, "demo", "--registry", url, "--clients", str(clients), "--build-only"],
                                   pg_env)
        # What autovacuum does within a minute of a bulk load; done now so every figure sees planner statistics
        # and a visibility map, whenever the run happens to start.
        psql(url, "-c", "VACUUM ANALYZE")
        if "build" in only:
            build_floor(folder, server, url, build_s, build_rss, sqlite.get("build"))
        if "expiring" in only:
            expiring(binary, pg_env, url, sqlite.get("expiring"))
        if "list" in only:
            client_list(binary, pg_env, url, sqlite.get("list"))
        if "console" in only:
            console(binary, folder, pg_env, url, sqlite.get("console"))


def beside_sqlite(seconds, figures, key="seconds", unit=1000, suffix="ms"):
    if not figures or figures.get(key) is None:
        return ""
    theirs = figures[key]
    return f"SQLite, same run: {theirs * unit:.0f} {suffix} (ratio {seconds / theirs:.2f}x); "


def build_floor(folder, server, url, build_s, build_rss, sqlite):
    """The floor for building: psql restoring pg_dump's dump of the same database into a new one (the sandboxes'
    schemas with it, as the SQLite build's floor restores the registry and its sandbox files)."""
    counts = psql(url, "-At", "-c", "SELECT (SELECT count(*) FROM client), (SELECT count(*) FROM secret)",
                  capture_output=True, text=True).stdout.strip().split("|")
    dump = folder / "postgres.sql"
    subprocess.run(["pg_dump", "--no-owner", "-f", str(dump), url], check=True)
    psql(f"{server}/postgres", "-c", "CREATE DATABASE restored")
    start = time.perf_counter()
    psql(f"{server}/restored", "-f", str(dump), stdout=subprocess.DEVNULL)
    restore_s = time.perf_counter() - start
    print(f"  demo --clients {counts[0]} clients / {counts[1]} secrets: {build_s:.2f} s (peak RSS {build_rss:.0f} MiB); "
          f"{beside_sqlite(build_s, sqlite, unit=1, suffix='s')}psql restoring pg_dump of the same database "
          f"(its sandboxes' schemas with it): {restore_s:.2f} s; ratio {build_s / restore_s:.2f}x")


def expiring(binary, env, url, sqlite):
    command = [binary, "secrets", "expiring", "--within", "30d", "--json"]
    rows = subprocess.run(command, env=env, capture_output=True, text=True).stdout.count('"keyId"')
    ours, rss = timed(command, env, repeat=5)
    floor = best_of(["psql", "-X", "-At", "-d", url, "-c", EXPIRING], 5)
    print(f"  secrets expiring --within 30d --json: {ours * 1000:.0f} ms for {rows} rows (peak RSS {rss:.0f} MiB); "
          f"{beside_sqlite(ours, sqlite)}psql -At, same query, JSON: {floor * 1000:.0f} ms; "
          f"ratio {ours / floor:.2f}x (target <= 1.5x)")


def client_list(binary, env, url, sqlite):
    ours, rss = timed([binary, "client", "list", "--json"], env, repeat=3)
    floor = best_of(["psql", "-X", "-At", "-d", url, "-c", CLIENT_LIST], 3)
    print(f"  client list --json: {ours * 1000:.0f} ms (peak RSS {rss:.0f} MiB); {beside_sqlite(ours, sqlite)}"
          f"psql -At, same query, JSON: {floor * 1000:.0f} ms; ratio {ours / floor:.2f}x")


def console(binary, folder, env, url, sqlite):
    """The console's in-process figures on PostgreSQL; the first frame beside psql running its queries in one
    snapshot, as the console does."""
    run = subprocess.run([os.environ["CONSOLE_BENCHMARK_BIN"], "--registry", url], env=env, capture_output=True,
                         text=True)
    if run.returncode != 0:
        sys.exit(f"bench: the console benchmark failed on PostgreSQL: {run.stderr[-400:]}")
    figures = {line.split(": ")[0].split()[-1]: float(line.split(": ")[1])
               for line in run.stdout.splitlines() if line.startswith("console ")}
    queries = folder / "postgres-first-frame.sql"
    queries.write_text(FIRST_FRAME)
    floor = best_of(["psql", "-X", "-q", "-At", "-d", url, "-f", str(queries)], 5)
    first = figures["first_frame_ms"]
    theirs = f"SQLite, same run: {sqlite['first_frame_ms']:.0f} ms; " if sqlite else ""
    print(f"  console first frame: {first:.0f} ms (target <= 100); {theirs}psql running its queries in one "
          f"snapshot: {floor * 1000:.0f} ms; ratio {first / (floor * 1000):.2f}x")
    p99 = figures["filter_p99_ms"]
    theirs = f"SQLite, same run: p99 {sqlite['filter_p99_ms']:.2f} ms; " if sqlite else ""
    print(f"  console filter keystroke to frame: p50 {figures['filter_p50_ms']:.2f} ms, p99 {p99:.2f} ms "
          f"(target <= 16); {theirs}lowercase-and-contains over the same rows, p50 "
          f"{figures['baseline_naive_filter_p50_ms']:.1f} ms; ratio p99/baseline "
          f"{p99 / figures['baseline_naive_filter_p50_ms']:.3f}x")
    load = figures["full_load_ms"]
    theirs = f"SQLite, same run: {sqlite['full_load_ms']:.0f} ms; " if sqlite else ""
    print(f"  console full load of every client (after the first frame, off the UI thread): {load:.0f} ms; {theirs}"
          f"peak RSS {figures['peak_rss_mb']:.0f} MiB")
    change = figures["change_to_screen_p50_ms"]
    theirs = f"SQLite, same run: p50 {sqlite['change_to_screen_p50_ms']:.1f} ms; " if sqlite else ""
    print(f"  console one-row change by another process to the screen (LISTEN/NOTIFY): p50 {change:.1f} ms, max "
          f"{figures['change_to_screen_max_ms']:.1f} ms (target <= 20); {theirs}reading the whole list again instead: "
          f"{figures['reload_ms']:.0f} ms; ratio p50/reload {change / figures['reload_ms']:.3f}x")
    launch = seen_under_tmux(f"env CLIENTELE_TEST_NOW=2026-11-23T12:00:00Z XDG_DATA_HOME={shlex.quote(env['XDG_DATA_HOME'])} "
                             f"{shlex.quote(binary)} console --registry {shlex.quote(url)}", "1/60")
    if launch:
        theirs = f"; SQLite, same run: {sqlite['launch_s'] * 1000:.0f} ms" if sqlite and sqlite.get("launch_s") else ""
        print(f"  console launch to first page under tmux: {launch * 1000:.0f} ms{theirs}")
