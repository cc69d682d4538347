"""Reading Graph request bodies the way Graph's deserialiser refuses bad ones."""

import json

from . import timefmt
from .errors import GraphError


def json_object(body: bytes, allow_empty=False) -> dict:
    if allow_empty and not body.strip():
        return {}
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, dict):
        raise GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is "
                                            "set and payload is of valid JSON format.")
    return value


def date_field(spec: dict, name: str, default):
    """Ticks of an optional DateTimeOffset property, or `default` when it is absent or null."""
    value = spec.get(name)
    if value is None:
        return default
    try:
        return timefmt.parse_datetime(value)
    except ValueError:
        raise GraphError(400, "BadRequest",
                         f"Cannot convert the literal '{value}' to the expected type 'Edm.DateTimeOffset'.") from None
