import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from console_driver import TmuxConsole, build_demo, registry_at  # noqa: E402


@pytest.fixture
def demo(tmp_path: Path):
    """A demo registry: a file, or with CLIENTELE_TEST_ENGINE=postgres a database of the test's own (dropped after)."""
    registry = build_demo(tmp_path)
    yield registry
    registry_at(registry).drop()


@pytest.fixture
def open_console(demo: Path, tmp_path: Path):
    consoles = []

    def opener(**options) -> TmuxConsole:
        console = TmuxConsole(options.pop("registry", demo), tmp_path, **options)
        consoles.append(console)
        return console

    yield opener
    for console in consoles:
        console.close()
