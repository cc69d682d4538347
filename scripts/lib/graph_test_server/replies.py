"""Graph's JSON replies; the Reply itself is the loopback servers' shared one."""

import json

from loopback_server.replies import Reply, no_content, plain_json  # noqa: F401  (what Graph's modules use)

# Graph's own Content-Type for OData payloads; parsers must cope with the parameters.
GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"


def graph_json(status, payload, headers=None) -> Reply:
    return Reply(status, json.dumps(payload, separators=(",", ":")).encode(), GRAPH_JSON, headers or {})
