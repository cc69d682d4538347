"""Tyk's error answer: `{"status": "error", "message": ...}` (gateway/api.go apiStatusMessage)."""

import json

from loopback_server.replies import Reply

# gateway/server.go checkIsAPIOwner
BAD_SECRET = "Attempted administrative access with invalid or missing key!"
# The gateway's answer whenever a body does not decode into its Go struct (a type mismatch included).
MALFORMED = "Request malformed"


class TykError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message

    def reply(self) -> Reply:
        return status_message(self.status, "error", self.message)


def tyk_json(status, payload, headers=None) -> Reply:
    # Tyk writes plain `application/json`, no charset (gateway/api.go doJSONWrite).
    return Reply(status, json.dumps(payload).encode(), "application/json", headers or {})


def status_message(status, state, message) -> Reply:
    return tyk_json(status, {"status": state, "message": message})


def modified(key, action) -> Reply:
    """apiModifyKeySuccess: the id written and what happened to it."""
    return tyk_json(200, {"key": key, "status": "ok", "action": action})
