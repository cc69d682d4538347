"""/_control: knobs for tests, outside Anypoint's namespace and needing no token. Health, faults and latency
are the loopback servers' shared knobs (loopback_server.control); Anypoint keeps no statistics."""

from loopback_server import control as shared_control
from loopback_server.control import problem
from loopback_server.replies import Reply, plain_json

from .api_manager import LIST_SHAPES
from .errors import AnypointError


def handle(server, method, path, raw_body) -> Reply:
    return shared_control.handle(server, method, path, raw_body,
                                 lambda route, body: _own(server, method, route, body))


def _own(server, method, route, body):
    if route == "/policy-list-shape" and method == "POST":
        shape = body.get("shape") if isinstance(body, dict) else None
        if shape not in LIST_SHAPES:
            return problem(400, f"'shape' must be one of {', '.join(LIST_SHAPES)}")
        server.api_manager.list_shape = shape
        return plain_json(200, {"shape": shape})
    if route == "/contract":
        if server.contract is None:
            return problem(409, "the server was started without --validate-responses")
        if method == "GET":
            return plain_json(200, server.contract.report())
        if method == "DELETE":
            server.contract.reset()
            return Reply(204)
    if route == "/applications" and method == "POST":
        try:
            return plain_json(201, server.exchange.seed_external(body))
        except AnypointError as err:
            return problem(err.status, err.message)
    if route == "/revoke-tokens" and method == "POST":
        server.access.revoke_all()
        return Reply(204)
    return None
