"""$filter for the sign-in report: `appId eq '…'` and `keyId eq '…'`, joined by `or` (what the report documents
and Clientele sends); anything else is refused as Graph refuses a filter it cannot run."""

import re

from .errors import GraphError

_CLAUSE = re.compile(r"^\(?\s*(appId|keyId)\s+eq\s+'((?:[^']|'')*)'\s*\)?$", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)


def compile_filter(text):
    """A predicate on (appId, keyId); 400 for a clause outside the supported set."""
    wanted = {"appid": set(), "keyid": set()}
    for clause in _OR.split(text.strip()):
        m = _CLAUSE.match(clause.strip())
        if not m:
            raise GraphError(400, "BadRequest", f"Invalid filter clause: '{clause.strip()}'.")
        wanted[m.group(1).lower()].add(m.group(2).replace("''", "'").lower())
    apps, keys = wanted["appid"], wanted["keyid"]
    return lambda app_id, key_id: app_id.lower() in apps or key_id.lower() in keys
