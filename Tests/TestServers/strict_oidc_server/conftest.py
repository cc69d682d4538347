"""Starts scripts/strict-oidc-test-server in a given mode and talks to it with plain urllib, per the RFCs, so
its behaviour is pinned by a client that shares nothing with Clientele."""
import base64
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


class StrictProvider:
    def __init__(self, *args):
        self.process = subprocess.Popen([str(ROOT / "scripts" / "strict-oidc-test-server"), "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError("strict-oidc-test-server did not start")
        self.ready = json.loads(line)
        self.issuer = self.ready["issuer"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def call(self, method, url, body=None, token=None, form=None, basic=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if basic:
            pair = ":".join(urllib.parse.quote(part, safe="") for part in basic)
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw) if raw else None
            except ValueError:
                return error.code, None

    def register(self, **metadata):
        body = {"client_name": "pinned", "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "client_secret_basic", "scope": "api.read", **metadata}
        return self.call("POST", f"{self.issuer}/register", body)

    def token(self, client_id, secret):
        return self.call("POST", f"{self.issuer}/token", form={"grant_type": "client_credentials", "scope": "api.read"},
                         basic=(client_id, secret))[0]


@pytest.fixture
def provider(request):
    """`@pytest.mark.parametrize("provider", [[...args]], indirect=True)` picks the mode; default: permissive."""
    server = StrictProvider(*getattr(request, "param", []))
    yield server
    server.stop()
