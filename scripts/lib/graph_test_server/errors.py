"""Error bodies in the shapes Graph and the Entra token endpoint send them.

Shapes come from shared/contracts/microsoft-graph/graph-error-and-token-shapes.json.
"""

import json
import uuid

from . import timefmt


class GraphError(Exception):
    """Raised anywhere under /v1.0 and turned into Graph's error body by the HTTP layer."""

    def __init__(self, status, code, message, details=None, headers=None, inner_extra=None):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}
        self.inner_extra = inner_extra or {}


def graph_error_body(err: GraphError, request_id: str, client_request_id: str) -> bytes:
    inner = dict(err.inner_extra)
    inner.update({
        "date": timefmt.format_inner_error_date(timefmt.now_ticks()),
        "request-id": request_id,
        "client-request-id": client_request_id,
    })
    error = {"code": err.code, "message": err.message}
    if err.details:
        error["details"] = err.details
    error["innerError"] = inner
    return json.dumps({"error": error}).encode()


def bad_request(message, code="Request_BadRequest"):
    return GraphError(400, code, message)


def not_found(resource_id):
    # Wording from Graph's own 404 (contract example_404), naming the id that was asked for.
    return GraphError(
        404,
        "Request_ResourceNotFound",
        f"Resource '{resource_id}' does not exist or one of its queried reference-property objects are not present.",
    )


def forbidden():
    return GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")


def unauthenticated(message="Access token validation failure."):
    # Graph names the authority a client should go to; clients such as MSAL read it on a 401.
    return GraphError(
        401,
        "InvalidAuthenticationToken",
        message,
        headers={
            "WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
            'client_id="00000003-0000-0000-c000-000000000000"'
        },
    )


class TokenError(Exception):
    """An answer from the token endpoint in the AADSTS shape."""

    def __init__(self, status, error, aadsts, description):
        super().__init__(f"{status} {error} AADSTS{aadsts}")
        self.status = status
        self.error = error
        self.aadsts = aadsts
        self.description = description


def token_error_body(err: TokenError, authority: str, correlation_id: str) -> bytes:
    trace_id = str(uuid.uuid4())
    stamp = timefmt.format_token_timestamp(timefmt.now_ticks())
    description = (
        f"AADSTS{err.aadsts}: {err.description}\r\n"
        f"Trace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {stamp}"
    )
    return json.dumps({
        "error": err.error,
        "error_description": description,
        "error_codes": [err.aadsts],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"{authority}/error?code={err.aadsts}",
    }).encode()
