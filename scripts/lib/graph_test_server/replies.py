"""What a handler answers, before the HTTP layer adds the per-request headers."""

import json
from dataclasses import dataclass, field

# Graph's own Content-Type for OData payloads; parsers must cope with the parameters.
GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = None
    headers: dict = field(default_factory=dict)


def graph_json(status, payload, headers=None) -> Reply:
    return Reply(status, json.dumps(payload, separators=(",", ":")).encode(), GRAPH_JSON, headers or {})


def plain_json(status, payload, headers=None) -> Reply:
    return Reply(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers or {})


def no_content() -> Reply:
    return Reply(204)
