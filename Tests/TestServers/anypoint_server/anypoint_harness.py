"""Starting scripts/anypoint-test-server and talking to it with `requests` (every response goes through the
contract validator while the module's server fixture is up)."""

import json
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import loopback_harness  # noqa: E402  (ready line, log file, clean stop)

REPO = loopback_harness.REPO
SERVER_SCRIPT = REPO / "scripts" / "anypoint-test-server"
POLICY_GROUP = "68ef9520-24e9-4cf2-b2f5-620025690913"
SEEDED_APIS = 2500


class ServerProcess(loopback_harness.LoopbackProcess):
    """One server on loopback, through scripts/anypoint-test-server."""

    def __init__(self, *args, start_timeout=30):
        super().__init__(SERVER_SCRIPT.name, *args, start_timeout=start_timeout)
        self.assert_one_line()
        self.base_url = self.info["base_url"]
        self.org_id = self.info["organization_id"]
        self.environments = self.info["environments"]
        self._token = None

    @property
    def client_id(self):
        return self.info["client_id"]

    @property
    def client_secret(self):
        return Path(self.info["client_secret_file"]).read_text()

    # ---- HTTP ------------------------------------------------------------------------------------

    def new_token(self, client_id=None, client_secret=None):
        r = requests.post(self.info["token_url"], json={
            "client_id": client_id or self.client_id, "client_secret": client_secret or self.client_secret,
            "grant_type": "client_credentials"}, timeout=10)
        return r

    @property
    def token(self):
        if self._token is None:
            r = self.new_token()
            assert r.status_code == 200, r.text
            self._token = r.json()["access_token"]
        return self._token

    def env_url(self, env="Sandbox", rest=""):
        return (f"{self.base_url}/apimanager/api/v1/organizations/{self.org_id}/environments/"
                f"{self.environments[env]}/apis{rest}")

    def call(self, method, url, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        headers.setdefault("Authorization", f"Bearer {token or self.token}")
        return requests.request(method, url, headers=headers, timeout=30, **kwargs)

    def control(self, method, route, body=None):
        # /_control is the server's own, outside Anypoint: plain urllib so the validator never sees it.
        import urllib.request
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.info["control"] + route, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None

    def first_api(self, env="Sandbox"):
        r = self.call("GET", self.env_url(env), params={"limit": 1})
        return r.json()["assets"][0]["apis"][0]["id"]


def rate_limiting(maximum=10, period=60000, **extra):
    return {"groupId": POLICY_GROUP, "assetId": "rate-limiting", "assetVersion": "1.4.1",
            "configurationData": {"rateLimits": [{"maximumRequests": maximum, "timePeriodInMilliseconds": period}],
                                  "keySelector": "#[attributes.queryParams['identifier']]", "exposeHeaders": True,
                                  "clusterizable": True},
            "pointcutData": None, **extra}
