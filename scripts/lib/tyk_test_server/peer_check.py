"""--validate-responses: every answer this server gives to the Tyk API is checked with openapi-core against
Tyk's own OpenAPI document before it is sent, so a client's test suite (Clientele's Swift integration tests)
gets the same peer check as Tests/TestServers/tyk_server. An answer the document does not allow is not sent:
the client gets a 500 whose message starts "peer check:", and /_control/peer-check lists it.

Injected faults (Tyk's API declares no 429 or 503) are checked against Tyk's error schema, ApiStatusMessage,
as the server's own suite does; deliberately broken answers (non_json, truncate, reset) are not checked.
"""

import json
import threading

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS30Validator


class PeerCheck:
    def __init__(self, document_path):
        with open(document_path) as handle:
            spec = yaml.safe_load(handle)
        self._status_message = OAS30Validator(spec["components"]["schemas"]["ApiStatusMessage"])
        # Loopback added as a server so openapi-core finds the operations at whatever port was picked.
        spec = {**spec, "servers": [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "8080"}}}]
                + list(spec.get("servers", []))}
        self._openapi = OpenAPI.from_dict(spec)
        self._lock = threading.Lock()
        self.validated = 0
        self.violations = []

    def problem(self, url, method, request_headers, request_body, reply, injected):
        """None when the document allows `reply` to this request, else one line saying why not."""
        try:
            if injected:
                self._status_message.validate(json.loads(reply.body))
            else:
                request = requests.Request(method, url, headers=dict(request_headers.items()),
                                           data=request_body or None).prepare()
                response = requests.Response()
                response.status_code = reply.status
                response.headers["Content-Type"] = reply.content_type or "application/json"
                response._content = reply.body
                response.request = request
                self._openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
        except Exception as exc:  # openapi-core's errors and jsonschema's alike: the answer is not allowed
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            causes = getattr(exc, "__cause__", None)
            if causes is not None and str(causes):
                detail += " (" + str(causes).splitlines()[0][:300] + ")"
            with self._lock:
                self.validated += 1
                self.violations.append(f"{method} /{url.split('?')[0].split('/', 3)[-1]}: HTTP {reply.status}: {detail}")
            return detail
        with self._lock:
            self.validated += 1
        return None

    def report(self):
        with self._lock:
            return {"validated": self.validated, "violations": list(self.violations)}
