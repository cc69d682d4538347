"""--validate-responses: the server checks every Anypoint response it sends against MuleSoft's OpenAPI fragments,
with the same openapi-core validator the pytest suite uses (Tests/TestServers/anypoint_server/contract_validator.py),
so clients that are not Python (Clientele's Swift tests) get the same peer check. Violations are kept in memory and
read through GET /_control/contract; nothing is logged (a body can hold a token or an application's secret).

Needs openapi-core, PyYAML and requests (scripts/install/anypoint-test-deps); loaded only when asked for.
"""

import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
VALIDATOR_DIR = REPO / "Tests" / "TestServers" / "anypoint_server"


class ResponseContract:
    def __init__(self, base_url):
        sys.path.insert(0, str(VALIDATOR_DIR))
        import requests  # noqa: F401 - the validator reads requests' objects
        from contract_validator import ContractValidator, ContractViolation

        self._validator = ContractValidator(base_url)
        self._violation = ContractViolation
        self._base_url = base_url
        self._lock = threading.Lock()
        self.checked = 0
        self.violations = []

    def check(self, method, raw_path, request_headers, request_body, status, headers, data):
        import requests
        from requests.structures import CaseInsensitiveDict

        prepared = requests.Request(method, self._base_url + raw_path,
                                    headers={k: v for k, v in request_headers.items()},
                                    data=request_body or None).prepare()
        response = requests.Response()
        response.status_code = status
        response._content = data
        response.headers = CaseInsensitiveDict(headers)
        response.url = prepared.url
        response.request = prepared
        response.encoding = "utf-8"
        with self._lock:  # openapi-core's validators are not documented as thread-safe
            try:
                self._validator.check(response)
            except self._violation as violation:
                self.violations.append(str(violation)[:2000])
            self.checked += 1

    def report(self):
        with self._lock:
            return {"checked": self.checked, "violations": list(self.violations)}

    def reset(self):
        with self._lock:
            self.checked = 0
            self.violations = []
