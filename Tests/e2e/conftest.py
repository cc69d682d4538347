"""Fixtures for end-to-end tests: the real `clientele` binary against real SQLite files in a temporary folder."""
import pytest

from clientele_runner import BINARY, Clientele


@pytest.fixture
def cli(tmp_path):
    assert BINARY.exists(), f"build first: {BINARY} is missing"
    return Clientele(tmp_path)


@pytest.fixture
def demo(cli):
    cli.now = "2026-11-23T12:00:00Z"
    cli.run("demo", "--registry", str(cli.registry), "--build-only", check=0)
    return cli
