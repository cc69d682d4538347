"""What a handler answers, before the HTTP layer adds the per-request headers."""

import json
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = None
    headers: dict = field(default_factory=dict)


def plain_json(status, payload, headers=None) -> Reply:
    return Reply(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers or {})


def no_content() -> Reply:
    return Reply(204)
