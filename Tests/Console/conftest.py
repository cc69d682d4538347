import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from console_driver import TmuxConsole, build_demo  # noqa: E402


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo(tmp_path)


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
