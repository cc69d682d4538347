"""Drives the real `clientele` console under tmux: send keys, read the screen, resize, and see how it exited.

The console is started as `clientele console --registry PATH` (the CLI's command). Until that command exists in
the binary, the driver falls back to the ClienteleTUI test binary's live harness, which opens the same console on
the same registry, so these tests exercise the real ncurses backend either way.
"""
import os
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The e2e suite's view of a registry behind Clientele's back, on either engine (CLIENTELE_TEST_ENGINE).
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
from registry_engines import ENGINE, PostgresRegistry, registry_at  # noqa: E402


def clientele_binary() -> Path:
    explicit = os.environ.get("CLIENTELE_BIN")
    if explicit:
        return Path(explicit)
    for candidate in (REPO / ".build/debug/clientele", REPO / ".build/release/clientele"):
        if candidate.exists():
            return candidate
    raise RuntimeError("no clientele binary: run `swift build` first or set CLIENTELE_BIN")


def has_console_command(binary: Path) -> bool:
    result = subprocess.run([str(binary), "console", "--help"], capture_output=True, text=True)
    # An unknown subcommand may print the root help with status 0, so look for the console's own usage line.
    return result.returncode == 0 and "clientele console" in result.stdout


def build_demo(directory: Path, clients: int = 60, engine: str = ENGINE) -> Path | str:
    """A demo registry: a file in `directory`, or on PostgreSQL a fresh database (its URL)."""
    registry = PostgresRegistry().location if engine == "postgres" else directory / "registry.sqlite"
    subprocess.run([str(clientele_binary()), "demo", "--registry", str(registry), "--clients", str(clients),
                    "--build-only"], check=True, capture_output=True, text=True)
    return registry


def query(registry: Path | str, sql: str, *args):
    """Rows of the registry at `registry`, read behind the console's back."""
    return registry_at(registry).query(sql, *args)


def client_count(registry: Path | str) -> int:
    """How many clients the demo holds: its --clients, and those its gateways' client apps bring."""
    return query(registry, "SELECT COUNT(*) FROM client")[0][0]


def console_command(registry: Path, readonly: bool = False, theme: str | None = None) -> tuple[str, dict]:
    """The shell command that opens the console, and extra environment for it."""
    binary = clientele_binary()
    if has_console_command(binary):
        words = [str(binary), "console", "--registry", str(registry)]
        if readonly:
            words.append("--readonly")
        if theme:
            words += ["--theme", theme]
        return shlex.join(words), {}
    harness = REPO / ".build/debug/ClientelePackageTests.xctest"
    if not harness.exists():
        raise RuntimeError("`clientele console` is missing and so is the test harness: run `swift build --build-tests`")
    environment = {"CLIENTELE_TUI_LIVE_REGISTRY": str(registry)}
    if readonly:
        environment["CLIENTELE_TUI_LIVE_READONLY"] = "1"
    if theme:
        environment["CLIENTELE_TUI_LIVE_THEME"] = theme
    return shlex.join([str(harness), "--testing-library", "swift-testing", "--filter", "liveConsole"]), environment


class TmuxConsole:
    """One console in its own tmux server (a private socket, so tests never touch the user's tmux)."""

    def __init__(self, registry: Path, workdir: Path, width: int = 100, height: int = 30, readonly: bool = False,
                 theme: str | None = None, extra_env: dict | None = None, command: str | None = None):
        self.socket = f"clientele-test-{uuid.uuid4().hex[:8]}"
        self.session = "console"
        self.workdir = workdir
        self.exit_file = workdir / f"exit-{self.socket}"
        if command is None:
            command, environment = console_command(registry, readonly=readonly, theme=theme)
        else:
            environment = {}
        environment = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
                       "XDG_STATE_HOME": str(workdir / "state"), **environment,
                       **(extra_env or {})}
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
        # The pane records the exit status, then waits so the last screen can still be read.
        script = f"cd {shlex.quote(str(workdir))} && env {exports} {command}; echo $? > {shlex.quote(str(self.exit_file))}; sleep 600"
        self._tmux("new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), "sh", "-c", script)
        self._tmux("set-option", "-t", self.session, "status", "off")

    def _tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def keys(self, *keys: str) -> None:
        """tmux key names: Enter, Escape, Up, Tab, C-r, PageDown…"""
        self._tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.session, "-l", "--", text)

    def bytes(self, data: bytes) -> None:
        self._tmux("send-keys", "-t", self.session, "-H", *[f"{b:02x}" for b in data])

    def screen(self, colours: bool = False) -> str:
        args = ["capture-pane", "-p", "-t", self.session] + (["-e"] if colours else [])
        return self._tmux(*args)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.time() + timeout
        screen = ""
        while time.time() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; screen:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.time() + timeout
        screen = ""
        while time.time() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} still shown after {timeout}s; screen:\n{screen}")

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))

    def exit_status(self) -> int | None:
        """The console's exit status once it has exited, else None."""
        if self.exit_file.exists():
            text = self.exit_file.read_text().strip()
            return int(text) if text else None
        return None

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.exit_status()
            if status is not None:
                return status
            time.sleep(0.1)
        raise AssertionError(f"the console did not exit within {timeout}s; screen:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server", check=False)


def appears_within(console: "TmuxConsole", text: str, seconds: float) -> float:
    """How long `text` took to show on the console's screen; fails if not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if text in console.screen():
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"{text!r} did not appear within {seconds}s; screen:\n{console.screen()}")


def scratch_environment(home: Path, registry) -> dict:
    """What the binary runs with in a test that drives it beside a console: a home of the test's own."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "CLIENTELE_REGISTRY": str(registry), "LANG": "C.UTF-8"}


def command_runner(environment: dict):
    """`clientele(*args, now=None)`: runs the binary in `environment` (at `now`, if given), failing on a non-zero exit."""
    def clientele(*args, now=None):
        extra = {"CLIENTELE_TEST_NOW": now} if now else {}
        result = subprocess.run([str(clientele_binary()), *args], capture_output=True, text=True, timeout=60,
                                env={**environment, **extra})
        assert result.returncode == 0, result.stdout + result.stderr
    return clientele


def lab_with_one_client(clientele, folder: Path, name: str = "alpha-api"):
    """A new registry with the sandbox IdP `lab` and one client registered there."""
    clientele("init")
    clientele("idp", "add", "sandbox", "--name", "lab")
    clientele("client", "register", name, "--idp", "lab", "--secret-file", str(folder / name))

