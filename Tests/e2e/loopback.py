"""Start the project's loopback IdP servers through their entry points and read their ready line, with the
harness the loopback servers' own tests use."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "TestServers"))
from loopback_harness import LoopbackProcess  # noqa: E402


class LoopbackServer(LoopbackProcess):
    def __init__(self, script, *args):
        super().__init__(script, *args)
        self.ready = self.info

    def __getitem__(self, key):
        return self.ready[key]
