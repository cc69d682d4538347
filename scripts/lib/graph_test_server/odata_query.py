"""System query options ($top, $select, $orderby, $skiptoken, ...) for the applications collection."""

import base64
import json
import urllib.parse

from . import schema
from .errors import GraphError, bad_request

MAX_PAGE = 999
DEFAULT_PAGE = 100


def parse_query(raw_query: str) -> dict:
    """Option names are matched without regard to case, as Graph does; values stay as sent."""
    options = {}
    for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        options[name.lower()] = value
    return options


def page_size(options) -> int:
    raw = options.get("$top")
    if raw is None:
        return DEFAULT_PAGE
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_PAGE:
        # Graph's own wording for directory collections.
        raise GraphError(400, "Request_UnsupportedQuery",
                         f"Invalid page size specified: '{raw}'. Must be between 1 and {MAX_PAGE} inclusive.")
    return value


def selection(options):
    raw = options.get("$select")
    if raw is None or not raw.strip():
        return None
    names = []
    for part in raw.split(","):
        name = schema.canonical_name(part)
        if name is None:
            raise GraphError(400, "BadRequest",
                             f"Could not find a property named '{part.strip()}' on type 'microsoft.graph.application'.")
        if name not in names:
            names.append(name)
    return names


def expansion(options):
    raw = options.get("$expand")
    if raw is None or not raw.strip():
        return False
    parts = [p.strip() for p in raw.split(",")]
    for part in parts:
        if part.lower() != "owners":
            raise GraphError(400, "BadRequest",
                             f"Could not find a property named '{part}' on type 'microsoft.graph.application'.")
    return True


def ordering(options):
    """(property, descending) or None; displayName and createdDateTime are the ones Graph sorts applications by."""
    raw = options.get("$orderby")
    if raw is None or not raw.strip():
        return None
    parts = raw.split()
    name = schema.canonical_name(parts[0])
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if name not in ("displayName", "createdDateTime") or direction not in ("asc", "desc") or len(parts) > 2 or "," in raw:
        raise GraphError(400, "Request_UnsupportedQuery", "Sorting not supported for current query.")
    return name, direction == "desc"


def wants_count(options) -> bool:
    raw = options.get("$count")
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise bad_request(f"Invalid value '{raw}' for $count; expected true or false.", code="BadRequest")
    return raw.lower() == "true"


def encode_skiptoken(last_key, signature: str) -> str:
    payload = json.dumps({"k": last_key, "q": signature}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_skiptoken(token: str, signature: str):
    """The key of the last item already returned; a token minted for another query is refused."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        key = payload["k"]
        same_query = payload["q"] == signature
    except (ValueError, KeyError, TypeError):
        key, same_query = None, False
    if key is None or not same_query:
        raise bad_request("The specified page token value has expired or is invalid.")
    return key


def query_signature(options) -> str:
    """What a skiptoken is bound to: the options that decide membership and order."""
    parts = [options.get(k, "") for k in ("$filter", "$orderby", "$search")]
    return json.dumps(parts)


def next_link(base_url: str, raw_query: str, token: str) -> str:
    # Keeps the caller's options as sent, as Graph's nextLink does, and swaps in the new $skiptoken.
    kept = [part for part in raw_query.split("&")
            if part and urllib.parse.unquote(part.split("=", 1)[0]).lower() != "$skiptoken"]
    kept.append("$skiptoken=" + token)
    return base_url + "?" + "&".join(kept)
