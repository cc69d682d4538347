"""A team's registry on PostgreSQL, used by several processes on several hosts at once, through the real binary.

A "host" is a process in UTS, PID and mount namespaces of its own (`unshare`): its own host name, its own pids and
its own boot id, as a second machine has, so nothing on one can prove a process on the other gone, and a lapsed
lease is the only way to take over. Host "twin" is a second PID namespace on this machine under the same name.
The sandbox IdP stands for the remote IdP every host talks to; its state is in the registry's database."""
import json
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from clientele_runner import BINARY, Clientele
from postgres import Server, fresh_database, psql

NOW = "2026-11-23T12:00:00Z"
LATER = "2026-11-26T12:00:00Z"
FAULTS = ["after-idp-create", "after-created", "after-deliver", "after-delivered", "after-verified",
          "after-grace-started", "after-idp-remove"]


class TeamRegistry(Clientele):
    """One PostgreSQL registry; `run` and `start` take a host to run on."""

    def __init__(self, home: Path, url: str):
        super().__init__(home)
        self.url = url
        self.env["CLIENTELE_REGISTRY"] = url
        self.now = NOW

    def command(self, args, host=None):
        if host is None:
            return [str(BINARY), *args]
        # Not `exec`: the binary must not be the namespace's init, which no signal it sends itself can kill.
        setup = 'hostname "$0"'
        if host != "twin":
            # A machine of its own boots its own kernel. Without this, a process on "beta" could prove one on
            # "alpha" gone: a dead PID namespace's inode number is reused, and the boot id would match.
            boot = self.home / f"boot-id-{host}"
            if not boot.exists():
                boot.write_text(str(uuid.uuid4()) + "\n")
            setup += f" && mount --bind {boot} /proc/sys/kernel/random/boot_id"
        return ["unshare", "--uts", "--pid", "--fork", "--mount-proc", "--kill-child",
                "sh", "-c", setup + ' && "$@"', host, str(BINARY), *args]

    def environment(self, env):
        environment = dict(self.env)
        environment["CLIENTELE_TEST_NOW"] = self.now
        environment.update(env or {})
        return environment

    def on(self, host, *args, env=None, check=None):
        result = subprocess.run(self.command(args, host), capture_output=True, text=True, timeout=120,
                                env=self.environment(env))
        if check is not None:
            assert result.returncode == check, f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
        return result

    def start_on(self, host, *args, env=None):
        return subprocess.Popen(self.command(args, host), env=self.environment(env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def rows(self, sql):
        return psql(self.url, sql)

    def secrets_at_idp(self, client, idp="lab"):
        """What the sandbox IdP holds, read from its own schema in the registry's database."""
        rows = self.rows(f"SELECT count(*) FROM sandbox_{idp}.password p JOIN sandbox_{idp}.app a ON a.appId = p.appId "
                         f"WHERE a.displayName = '{client}'")
        return int(rows[0][0])

    def audit_events(self, action):
        return [json.loads(details) for (details,) in
                self.rows(f"SELECT details FROM auditevent WHERE action = '{action}' ORDER BY id")]

    def assert_chain_whole(self):
        ids = [int(row[0]) for row in self.rows("SELECT id FROM auditevent ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1)), "audit event ids have gaps"
        head = self.rows("SELECT value FROM registryinfo WHERE key = 'auditHead'")
        assert head and head[0][0].split(" ")[0] == str(len(ids)), head
        self.run("audit", "verify", check=0)


def team(tmp_path, url=None):
    registry = TeamRegistry(tmp_path, url or fresh_database("team"))
    registry.run("init", check=0)
    return registry


def finish(processes):
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        results.append((process.returncode, out, err))
    return results


def test_four_advance_processes_on_two_hosts_rotate_twenty_clients_exactly_once(tmp_path):
    registry = team(tmp_path)
    registry.run("idp", "add", "sandbox", "--name", "lab", check=0)
    clients = [f"svc-{n:02d}" for n in range(20)]
    for client in clients:
        registry.run("client", "register", client, "--idp", "lab", "--lifetime", "20d",
                     "--secret-file", str(tmp_path / f"{client}.old"), check=0)
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    registry.run("rotation-policy", "set", "--idp", "lab", "--rotate-before", "30d", "--grace", "2d",
                 "--secret-command", f'cat > {delivered}/"$CLIENTELE_CLIENT".secret', check=0)

    # Four cron runs at once, two on each host: they start the due rotations and drive them to their grace.
    runs = finish([registry.start_on(host, "rotations", "advance") for host in ("alpha", "beta", "alpha", "beta")])
    for code, out, err in runs:
        assert code == 0, out + err
    rotations = registry.rows("SELECT c.displayname, r.step, r.leaseowner FROM rotation r "
                              "JOIN client c ON c.id = r.clientrowid ORDER BY c.displayname")
    assert rotations == [(client, "grace", None) for client in clients]
    started = [event["rotation"] for event in registry.audit_events("rotation.planned")]
    assert len(started) == 20 and len(set(started)) == 20
    # Each rotation's work was done once, by whichever process claimed it.
    assert sorted(event["rotation"] for event in registry.audit_events("rotation.secret-created")) == sorted(started)
    for client in clients:
        assert registry.secrets_at_idp(client) == 2
        registry.run("secrets", "test", client, "--secret-file", str(delivered / f"{client}.secret"), check=0)

    # Past the grace, four runs at once again: each old secret is removed once and no secret is left behind.
    registry.now = LATER
    runs = finish([registry.start_on(host, "rotations", "advance") for host in ("beta", "alpha", "beta", "alpha")])
    for code, out, err in runs:
        assert code == 0, out + err
    assert registry.rows("SELECT DISTINCT step FROM rotation") == [("done",)]
    completed = [event["rotation"] for event in registry.audit_events("rotation.completed")]
    assert sorted(completed) == sorted(started)
    for client in clients:
        assert registry.secrets_at_idp(client) == 1
        registry.run("secrets", "test", client, "--secret-file", str(delivered / f"{client}.secret"), check=0)
        assert registry.run("secrets", "test", client, "--secret-file", str(tmp_path / f"{client}.old")).returncode == 1
    registry.assert_chain_whole()


@pytest.mark.parametrize("fault", FAULTS)
def test_a_rotation_killed_on_one_host_is_taken_over_by_another_once_its_lease_lapses(tmp_path, fault):
    registry = team(tmp_path)
    registry.run("idp", "add", "sandbox", "--name", "lab", check=0)
    known = tmp_path / "known.secret"
    registry.run("client", "register", "billing", "--idp", "lab", "--secret-file", str(known), check=0)
    lease = {"CLIENTELE_TEST_LEASE": "3"}
    new = tmp_path / "new.secret"
    if fault == "after-idp-remove":
        registry.on("alpha", "rotate", "billing", "--grace", "2d", "--secret-file", str(new), env=lease, check=0)
        registry.now = LATER
        crashed = registry.on("alpha", "rotations", "advance", env={**lease, "CLIENTELE_TEST_FAULT": fault})
    else:
        crashed = registry.on("alpha", "rotate", "billing", "--grace", "2d", "--secret-file", str(new),
                              env={**lease, "CLIENTELE_TEST_FAULT": fault})
    assert crashed.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), crashed.stderr
    holder = registry.rows("SELECT leaseholder FROM rotation")[0][0]
    assert json.loads(holder)["host"] == "alpha"

    # Beta cannot prove alpha's process gone: while the lease runs, it waits and changes nothing.
    before = registry.rows("SELECT step, runningstep, updatedat FROM rotation")
    waiting = registry.on("beta", "rotations", "advance", env=lease, check=0)
    assert "another Clientele process (alpha pid" in waiting.stdout, waiting.stdout
    assert registry.rows("SELECT step, runningstep, updatedat FROM rotation") == before
    working = [path for path in (known, new) if path.exists() and path.read_text().strip()
               and registry.run("secrets", "test", "billing", "--secret-file", str(path)).returncode == 0]
    assert working, f"no working secret after a kill at {fault}"

    time.sleep(3.1)
    resumed = registry.on("beta", "rotations", "advance", env=lease)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    registry.now = LATER
    registry.on("beta", "rotations", "advance", env=lease, check=0)
    assert registry.rows("SELECT step, leaseowner FROM rotation") == [("done", None)]
    assert registry.secrets_at_idp("billing") == 1
    registry.run("secrets", "test", "billing", "--secret-file", str(new), check=0)
    registry.assert_chain_whole()


def test_same_host_name_in_two_pid_namespaces_never_takes_the_other_live_lease(tmp_path):
    registry = team(tmp_path)
    registry.run("idp", "add", "sandbox", "--name", "lab", check=0)
    registry.run("client", "register", "orders", "--idp", "lab", "--secret-file", str(tmp_path / "old"), check=0)
    target = tmp_path / "orders.secret"
    # A slow delivery keeps the first process at work, renewing its lease, for several terms.
    slow = registry.start_on("twin", "rotate", "orders", "--grace", "2d", "--secret-command",
                             f"sleep 4; cat > {target}", env={"CLIENTELE_TEST_LEASE": "1"})
    deadline = time.time() + 30
    while not registry.rows("SELECT id FROM rotation WHERE runningstep = 'delivered'") and time.time() < deadline:
        time.sleep(0.1)
    holder = json.loads(registry.rows("SELECT leaseholder FROM rotation")[0][0])
    assert holder["host"] == "twin"
    # Both see themselves as pid 2 or so on host `twin`; only the namespace tells them apart.
    for _ in range(3):
        other = registry.on("twin", "rotations", "advance", env={"CLIENTELE_TEST_LEASE": "1"}, check=0)
        assert "another Clientele process (twin pid" in other.stdout, other.stdout
        time.sleep(1)
    code, out, err = finish([slow])[0]
    assert code == 0, out + err
    assert registry.rows("SELECT step FROM rotation") == [("grace",)]
    assert registry.secrets_at_idp("orders") == 2
    registry.run("secrets", "test", "orders", "--secret-file", str(target), check=0)
    registry.assert_chain_whole()


def test_a_server_restart_between_the_idp_creating_a_secret_and_clientele_recording_it(tmp_path):
    server = Server()
    try:
        registry = team(tmp_path, fresh_database("restart", base=server.url))
        registry.run("idp", "add", "sandbox", "--name", "lab", check=0)
        registry.run("client", "register", "ledger", "--idp", "lab", "--secret-file", str(tmp_path / "old"), check=0)
        pause = tmp_path / "pause"
        new = tmp_path / "new.secret"
        rotating = registry.start_on(None, "rotate", "ledger", "--grace", "2d", "--secret-file", str(new),
                                     env={"CLIENTELE_TEST_PAUSE": f"after-idp-create:{pause}"})
        deadline = time.time() + 60
        while not Path(f"{pause}.reached").exists() and time.time() < deadline:
            time.sleep(0.05)
        assert Path(f"{pause}.reached").exists(), "the rotation never reached the IdP"
        server.restart()
        Path(f"{pause}.go").touch()
        code, out, err = finish([rotating])[0]
        # The step's transaction ran again on a new session: the rotation went on as if nothing had happened.
        assert code == 0, out + err
        assert registry.rows("SELECT step FROM rotation") == [("grace",)]
        assert registry.secrets_at_idp("ledger") == 2
        assert len(registry.audit_events("rotation.secret-created")) == 1
        registry.run("secrets", "test", "ledger", "--secret-file", str(new), check=0)
        registry.assert_chain_whole()
    finally:
        server.stop()


def test_four_bulk_rotations_at_once_append_to_one_gapless_chain(tmp_path):
    registry = team(tmp_path)
    for lab in range(4):
        registry.run("idp", "add", "sandbox", "--name", f"lab{lab}", check=0)
        for n in range(12):
            registry.run("client", "register", f"app-{lab}-{n:02d}", "--idp", f"lab{lab}", "--secret-file",
                         str(tmp_path / f"app-{lab}-{n:02d}.old"), check=0)
    before = int(registry.rows("SELECT count(*) FROM auditevent")[0][0])
    runs = []
    for lab in range(4):
        folder = tmp_path / f"new{lab}"
        folder.mkdir()
        runs.append(registry.start_on("alpha" if lab % 2 else "beta", "rotate", "--expiring-within", "1000d",
                                      "--idp", f"lab{lab}", "--grace", "0", "--yes", "--secret-dir", str(folder),
                                      "--parallel", "4"))
    for code, out, err in finish(runs):
        assert code == 0, out + err
    assert registry.rows("SELECT DISTINCT step FROM rotation") == [("done",)]
    assert len(registry.audit_events("rotation.completed")) == 48
    after = int(registry.rows("SELECT count(*) FROM auditevent")[0][0])
    assert after - before >= 4 * 48
    registry.assert_chain_whole()


def test_two_rotations_of_one_client_at_once_one_proceeds_and_the_other_says_why(tmp_path):
    registry = team(tmp_path)
    registry.run("idp", "add", "sandbox", "--name", "lab", check=0)
    registry.run("client", "register", "search", "--idp", "lab", "--secret-file", str(tmp_path / "old"), check=0)
    # The same command typed twice (two operators, or cron and an operator): the second must not start another.
    runs = finish([registry.start_on(host, "rotate", "search", "--grace", "2d", "--secret-command",
                                     f"sleep 1; cat > {tmp_path}/$$.secret") for host in ("alpha", "beta")])
    proceeded = [run for run in runs if run[0] == 0 and "another Clientele process" not in run[1]]
    assert len(proceeded) == 1, runs
    code, out, err = next(run for run in runs if run is not proceeded[0])
    said = [line for line in (out + err).splitlines() if "another Clientele process (" in line]
    assert len(said) == 1 and "search" in said[0], (out, err)
    assert "SQLSTATE" not in out + err and "duplicate key" not in out + err and "UNIQUE" not in out + err
    assert registry.rows("SELECT count(*) FROM rotation") == [("1",)]
    assert registry.secrets_at_idp("search") == 2
    registry.assert_chain_whole()


def test_two_processes_create_the_schema_of_an_empty_database_once(tmp_path):
    url = fresh_database("migrate")
    registry = TeamRegistry(tmp_path, url)
    runs = finish([registry.start_on(host, "init") for host in ("alpha", "beta")])
    for code, out, err in runs:
        assert code == 0, out + err
    said = sorted(out.split(" at ")[0] for _, out, _ in runs)
    assert said == ["Created registry", "Registry already exists"], runs
    versions = registry.rows("SELECT version, count(*) FROM schemamigration GROUP BY version ORDER BY version")
    assert versions and all(count == "1" for _, count in versions), versions
    registry.run("audit", "verify", check=0)


def test_an_older_binary_refuses_a_newer_schema_in_one_line_and_changes_nothing(tmp_path):
    registry = team(tmp_path)
    psql(registry.url, "INSERT INTO schemamigration(version, name) VALUES (999, 'from the future')")
    before = registry.rows("SELECT count(*) FROM auditevent")
    refused = registry.run("env", "add", "Prod")
    assert refused.returncode != 0
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1, line
    assert "newer Clientele" in line and "999" in line and "upgrade clientele" in line, line
    assert "password" not in line
    assert registry.rows("SELECT count(*) FROM auditevent") == before
    assert registry.rows("SELECT count(*) FROM environment") == [("0",)]
