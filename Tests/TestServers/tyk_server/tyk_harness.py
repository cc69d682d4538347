"""Starting scripts/tyk-test-server and talking to it, every answer checked by openapi-core against Tyk's
own OpenAPI document (contract/gateway-openapi-fragment.yaml, from Tyk's swagger.yml)."""

import json
import sys
from pathlib import Path

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS30Validator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import loopback_harness  # noqa: E402  (ready line, log file, clean stop)

REPO = loopback_harness.REPO
SERVER_SCRIPT = REPO / "scripts" / "tyk-test-server"
FRAGMENT = Path(__file__).resolve().parent / "contract" / "gateway-openapi-fragment.yaml"
SEEDED_APIS = 2500
_SPEC = yaml.safe_load(FRAGMENT.read_text())
# Injected throttling and outages are checked against the error schema every other Tyk error answer uses.
_STATUS_MESSAGE = OAS30Validator(_SPEC["components"]["schemas"]["ApiStatusMessage"])


_OPENAPI = None


def openapi():
    """The fragment with loopback added as a server, so openapi-core finds the operations there; built
    once, as parsing the document takes a while."""
    global _OPENAPI
    if _OPENAPI is None:
        spec = dict(_SPEC)
        spec["servers"] = [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "8080"}}}]
        spec["servers"] += list(_SPEC.get("servers", []))
        _OPENAPI = OpenAPI.from_dict(spec)
    return _OPENAPI


class ServerProcess(loopback_harness.LoopbackProcess):
    """One server on loopback, through scripts/tyk-test-server."""

    def __init__(self, *args, start_timeout=60):
        super().__init__(SERVER_SCRIPT.name, *args, start_timeout=start_timeout)
        self.assert_one_line()
        self.base = self.info["admin_url"]
        self.control_url = self.info["control"]
        self.session = requests.Session()
        self.validated = 0
        self._seeded = None

    @property
    def secret(self):
        return Path(self.info["secret_file"]).read_text()

    # ---- the Tyk API, peer-checked -----------------------------------------------------------

    def tyk(self, method, path, body=None, raw=None, secret=None, headers=None, injected=False, timeout=30):
        """(status, parsed body, response) after openapi-core has validated the answer against the fragment.

        `injected`: the answer is a fault the test set through /_control (Tyk's admin API declares no 429
        or 503 and few 500s), checked against Tyk's error schema instead."""
        hdrs = {"X-Tyk-Authorization": self.secret if secret is None else secret, **(headers or {})}
        if secret == "":
            del hdrs["X-Tyk-Authorization"]
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        resp = self.session.request(method, self.base + path, data=data, headers=hdrs, timeout=timeout)
        self.check(resp, injected)
        return resp.status_code, resp.json(), resp

    def check(self, resp, injected=False):
        """Raises unless Tyk's OpenAPI document allows this answer to this request."""
        if injected:
            _STATUS_MESSAGE.validate(resp.json())
        else:
            openapi().validate_response(RequestsOpenAPIRequest(resp.request), RequestsOpenAPIResponse(resp))
        self.validated += 1

    def seeded(self, name):
        """A seeded definition (api-00001 …) as first listed; tests change only the APIs they add."""
        if self._seeded is None:
            self._seeded = {a["name"]: a for a in self.tyk("GET", "/tyk/apis")[1]}
        return self._seeded[name]

    def reload(self):
        assert self.tyk("GET", "/tyk/reload?block=true")[:2] == (200, {"status": "ok", "message": ""})

    def control(self, method, path, body=None):
        resp = self.session.request(method, self.control_url + path, json=body, timeout=30)
        return resp.status_code, (resp.json() if resp.content else None)
