"""Everything a request handler needs: the gateway's state, the admin secret, faults, statistics, latency."""

from loopback_server.faults import Faults
from loopback_server.stats import Stats

from .gateway_state import GatewayState
from .reloader import Reloader


class ServerContext:
    def __init__(self, state: GatewayState, secret: str, latency_ms: float, reload_delay_ms: float):
        self.state = state
        self._secret = secret
        self.latency_ms = latency_ms
        self.reloader = Reloader(state, reload_delay_ms)
        self.faults = Faults()
        self.stats = Stats()
        # A PeerCheck when started with --validate-responses.
        self.peer_check = None

    def admin_secret(self):
        return self._secret
