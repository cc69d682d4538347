"""Start the project's loopback IdP servers through their entry points and read their ready line."""
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class LoopbackServer:
    def __init__(self, script, *args):
        self.process = subprocess.Popen([str(ROOT / "scripts" / script), "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError(f"{script} did not start")
        self.ready = json.loads(line)

    def __getitem__(self, key):
        return self.ready[key]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
