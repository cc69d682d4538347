"""Fixtures for end-to-end tests: the real `clientele` binary against a registry of the test's own, a SQLite file
in a temporary folder or (CLIENTELE_TEST_ENGINE=postgres) a fresh PostgreSQL database."""
import pytest

from clientele_runner import BINARY, Clientele
from registry_engines import ENGINE, PostgresRegistry

DEMO_NOW = "2026-11-23T12:00:00Z"


def demo_copy(workdir):
    """On PostgreSQL the demo is the same for the same seed and clock (test_demo_is_deterministic_for_a_seed): built
    once by the binary, then copied for each test."""
    def build(url):
        builder = Clientele(workdir, store=PostgresRegistry(url))
        builder.now = DEMO_NOW
        builder.run("demo", "--registry", url, "--build-only", check=0)
    return PostgresRegistry.copy_of_built(("demo", DEMO_NOW), build)


@pytest.fixture
def cli(tmp_path, request):
    assert BINARY.exists(), f"build first: {BINARY} is missing"
    # A test about the SQLite file gets one on either engine (scripts/test deselects them on PostgreSQL).
    engine = "sqlite" if request.node.get_closest_marker("sqlite_file") else ENGINE
    store = demo_copy(tmp_path / "demo-build") if engine == "postgres" and "demo" in request.fixturenames else None
    runner = Clientele(tmp_path, engine=engine, store=store)
    yield runner
    runner.close()


@pytest.fixture
def demo(cli):
    cli.now = DEMO_NOW
    if cli.engine == "sqlite":
        cli.run("demo", "--registry", str(cli.registry), "--build-only", check=0)
    return cli
