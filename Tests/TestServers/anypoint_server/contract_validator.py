"""Every HTTP response the suite receives through `requests` (its own calls and anypoint-sdk's) is checked
against MuleSoft's OpenAPI fragments with openapi-core. openapi/ holds byte-for-byte copies of the fragments in
shared/contracts/anypoint (so the suite runs where shared/ is not beside the clone); test_anypoint_contract_coverage
fails if they drift from the shared ones.

A response whose status the fragment documents for that operation is validated by openapi-core against it.
A status the fragment does not document (401, 403, 404, 409, 429, 5xx on most operations) must carry the
error body the fragments do document, {"error": <reason phrase>, "message": <text>}. Paths outside every
fragment fail the test, except the few in OUTSIDE_CONTRACT that the third-party SDK needs.
"""

import contextlib
import copy
import json
import re
import threading
from http import HTTPStatus
from pathlib import Path

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.responses.exceptions import ResponseNotFound

REPO = Path(__file__).resolve().parents[3]
CONTRACTS = Path(__file__).resolve().parent / "openapi"
SHARED_CONTRACTS = [REPO.parent / "shared" / "contracts" / "anypoint", Path("/work/shared/contracts/anypoint")]
# Fragment file -> the path prefix its servers[0] URL carries.
FRAGMENTS = {
    "api-manager-openapi-fragment.yaml": "/apimanager/api/v1",
    "access-management-token.yaml": "/accounts/api",
    "exchange-applications-fragment.yaml": "/exchange/api/v2",
}
# anypoint-sdk lists environments and client applications here; no fragment in the contract covers either.
OUTSIDE_CONTRACT = [re.compile(r"^/accounts/api/organizations/[^/]+/environments$"),
                    re.compile(r"^/apiplatform/repository/v2/organizations/[^/]+/applications$")]


class ContractViolation(AssertionError):
    pass


class ContractValidator:
    def __init__(self, base_url):
        self.base_url = base_url
        self.specs = []
        for name, prefix in FRAGMENTS.items():
            spec = yaml.safe_load((CONTRACTS / name).read_text())
            spec = json.loads(json.dumps(spec, default=str))  # YAML dates become strings, as JSON has them
            spec["servers"] = [{"url": base_url + prefix}]
            self.specs.append((prefix, OpenAPI.from_dict(spec)))
        self.checked = 0
        self.outside = 0
        self._lock = threading.Lock()
        self._expecting = None  # a list while expect_violation is open

    def check(self, response: requests.Response):
        try:
            self._check(response)
        except ContractViolation as violation:
            with self._lock:
                if self._expecting is not None:
                    self._expecting.append(str(violation))
                    return
            raise
        with self._lock:
            self.checked += 1

    @contextlib.contextmanager
    def expect_violation(self):
        """For the deliberately broken answers (faults) and the SDK's policy-list envelope: collects the
        violations instead of failing, and fails if there were none."""
        seen = []
        with self._lock:
            self._expecting = seen
        try:
            yield seen
        finally:
            with self._lock:
                self._expecting = None
        if not seen:
            raise AssertionError("expected the contract to reject a response, but every one conformed")

    def _check(self, response):
        path = requests.utils.urlparse(response.url).path
        what = f"{response.request.method} {path} -> {response.status_code}"
        if any(p.match(path) for p in OUTSIDE_CONTRACT):
            self._json(response, what)
            with self._lock:
                self.outside += 1
            return
        spec = next((s for prefix, s in self.specs if path.startswith(prefix + "/")), None)
        if spec is None:
            raise ContractViolation(f"{what}: no contract fragment covers this path")
        try:
            spec.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
            return
        except Exception as exc:  # noqa: BLE001 - openapi-core raises several families
            cause = _root(exc)
            if isinstance(cause, ResponseNotFound):
                return self._error_shape(response, what)
            if isinstance(cause, PathError):
                raise ContractViolation(f"{what}: the fragment has no such operation ({cause})") from None
            raise ContractViolation(f"{what}: {_describe(exc)}") from None

    def _json(self, response, what):
        try:
            return response.json()
        except ValueError:
            raise ContractViolation(f"{what}: the body is not JSON") from None

    def _error_shape(self, response, what):
        if response.status_code < 400:
            raise ContractViolation(f"{what}: a success status the fragment does not document")
        body = self._json(response, what)
        expected = HTTPStatus(response.status_code).phrase
        if not (isinstance(body, dict) and set(body) == {"error", "message"} and body["error"] == expected
                and isinstance(body["message"], str) and body["message"]):
            raise ContractViolation(f"{what}: not the documented error shape: {body!r}")


def _root(exc):
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        nxt = seen.__cause__ or seen.__context__
        if isinstance(seen, (ResponseNotFound, PathError)):
            return seen
        seen = nxt
    return seen


def _describe(exc):
    parts = [str(exc)]
    for inner in getattr(exc, "schema_errors", None) or []:
        parts.append(getattr(inner, "message", str(inner)))
    cause = exc.__cause__
    if cause is not None:
        for inner in getattr(cause, "schema_errors", None) or []:
            parts.append(getattr(inner, "message", str(inner)))
        parts.append(str(cause))
    return "; ".join(p for p in parts if p)[:2000]


@contextlib.contextmanager
def validating(validator):
    """Every requests.Session.send in the block hands its response to `validator` before the caller sees it.
    Patched on the class so anypoint-sdk's own sessions, which the tests do not construct, are covered too."""
    original = requests.Session.send

    def send(self, request, **kwargs):
        response = original(self, request, **kwargs)
        if request.url.startswith(validator.base_url):
            validator.check(response)
        return response

    requests.Session.send = send
    try:
        yield validator
    finally:
        requests.Session.send = original
