"""What the gateway holds: the files it has written (API definitions, policies) and what it has loaded.

Tyk answers a write "ok" as soon as the file is on disk, but serves every read from memory, which
changes only on `/tyk/reload`. Keeping both sets is what lets tests see the "written, not yet loaded"
state. OAuth clients and keys live in Redis in a real gateway: effective at once, no reload.
"""

import copy
import threading


class GatewayState:
    def __init__(self):
        self.lock = threading.RLock()
        self.api_files: dict[str, dict] = {}
        self.apis: dict[str, dict] = {}
        self.policy_files: dict[str, dict] = {}
        self.policies: dict[str, dict] = {}
        # (api_id, client_id) -> client; secrets in clear, as Tyk's API hands them out.
        self.oauth_clients: dict[tuple[str, str], dict] = {}
        # Sessions by key text (hash_keys off).
        self.keys: dict[str, dict] = {}
        self.reloads = 0

    def reload(self):
        """Loads every file, as the gateway's reload does: deleted files vanish, new ones appear."""
        with self.lock:
            self.apis = copy.deepcopy(self.api_files)
            self.policies = copy.deepcopy(self.policy_files)
            self.reloads += 1

    def pending(self):
        """Ids whose file differs from what is loaded; for /_control, so tests can wait on a queued reload."""
        with self.lock:
            apis = sorted(k for k in self.api_files.keys() | self.apis.keys()
                          if self.api_files.get(k) != self.apis.get(k))
            policies = sorted(k for k in self.policy_files.keys() | self.policies.keys()
                              if self.policy_files.get(k) != self.policies.get(k))
            return {"apis": apis, "policies": policies}
