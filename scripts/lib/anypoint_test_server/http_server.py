"""The HTTP layer: one thread per connection, keep-alive, bearer checks, latency, injected faults.

Logs name method, path and status only: query values and bodies can carry secrets.
"""

import json
import sys
import uuid

from loopback_server.faults import Faults
from loopback_server.http_server import LoopbackHTTPServer, LoopbackRequestHandler
from loopback_server.replies import Reply

from . import control
from .api_manager import PREFIX as API_MANAGER_PREFIX
from .api_platform_applications import PREFIX as API_PLATFORM_PREFIX
from .api_platform_applications import ApiPlatformApplications
from .errors import AnypointError
from .exchange_applications import PREFIX as EXCHANGE_PREFIX

_HTML_OUTAGE = (b"<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
                b"<h1>503 Service Temporarily Unavailable</h1></center></body></html>")


class AnypointHTTPServer(LoopbackHTTPServer):
    name = "anypoint-test-server"

    def __init__(self, address, access, api_manager, exchange, latency_ms=0, log_requests=True):
        self.access = access
        self.api_manager = api_manager
        self.exchange = exchange
        self.api_platform = ApiPlatformApplications(exchange)
        self.latency_ms = latency_ms
        self.log_requests = log_requests
        self.faults = Faults()
        self.contract = None  # a ResponseContract under --validate-responses
        super().__init__(address, AnypointRequestHandler)


class AnypointRequestHandler(LoopbackRequestHandler):
    server_version = "anypoint-test-server"
    chunked_bodies = False

    def _refuse_body(self, problem):
        self._send(400, {"error": "Bad Request", "message": str(problem)})
        return 400

    def _control(self, path, body):
        reply = control.handle(self.server, self.command, path, body)
        self._write_reply(reply, self._request_id())
        return reply.status

    def _serve(self, path, raw_query, body):
        server = self.server
        method = self.command
        fault = self._wait_and_take_fault(server.latency_ms, server.faults, method, path)
        if fault and fault.kind == "reset":
            self._reset_connection()
            return 0
        headers = {}
        if fault and fault.kind == "status":
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            status, reply = fault.status, AnypointError(fault.status, fault.message or _fault_message(fault.status)).body()
        elif fault and fault.kind == "non_json":
            self._send(fault.status, _HTML_OUTAGE, content_type="text/html")
            return fault.status
        else:
            status, reply, headers = self._answer(method, path, raw_query, body)
        truncate = bool(fault and fault.kind == "truncate")
        if server.contract is not None and not truncate:
            self._check_contract(method, body, status, reply, headers)
        self._send(status, reply, headers=headers, truncate=truncate)
        return status

    def _answer(self, method, path, raw_query, body):
        server = self.server
        try:
            if path.startswith("/accounts/api/"):
                status, reply = server.access.handle(method, path, self.headers, body)
                return status, reply, {}
            for prefix, handler in ((API_MANAGER_PREFIX, server.api_manager),
                                    (EXCHANGE_PREFIX, server.exchange),
                                    (API_PLATFORM_PREFIX, server.api_platform)):
                if path.startswith(prefix):
                    server.access.check_bearer(self.headers.get("Authorization"))
                    parsed = None
                    if body.strip():
                        try:
                            parsed = json.loads(body.decode("utf-8"))
                        except (ValueError, UnicodeDecodeError):
                            raise AnypointError(400, "the body is not JSON") from None
                    status, reply = handler.handle(method, path, raw_query, parsed)
                    return status, reply, {}
            raise AnypointError(404, f"Cannot {method} {path}")
        except AnypointError as err:
            return err.status, err.body(), err.headers
        except Exception as exc:  # an answer, not a dropped connection, even when the server has a bug
            sys.stderr.write(f"anypoint-test-server: internal error {type(exc).__name__} on {method} {path}\n")
            return 500, AnypointError(500, "Internal Server Error").body(), {}

    def _check_contract(self, method, body, status, reply, headers):
        data = b"" if reply is None else json.dumps(reply).encode()
        sent = dict(headers or {})
        if status != 204:
            sent["Content-Type"] = "application/json; charset=utf-8"
        self.server.contract.check(method, self.path, dict(self.headers.items()), body, status, sent, data)

    def _send(self, status, reply, headers=None, truncate=False, content_type="application/json; charset=utf-8"):
        data = b"" if reply is None else reply if isinstance(reply, bytes) else json.dumps(reply).encode()
        self._write_reply(Reply(status, data, content_type, dict(headers or {})), self._request_id(), truncate)

    @staticmethod
    def _request_id():
        return [("X-Request-ID", str(uuid.uuid4()))]

    def _log(self, split, status, started):
        self._write_log(self.command, split.path, status, started)


def _fault_message(status):
    return {429: "Too many requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}.get(status, "Injected failure")
