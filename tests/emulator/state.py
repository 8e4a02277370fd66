"""Everything a running emulator holds, and its reset."""

from .connections import ConnectionTracker
from .faults import FaultRules
from .requestlog import RequestLog
from .store import Store


class EmulatorState:
    """Configuration, objects, fault rules, request log and connection counts."""

    def __init__(self, config):
        self.startup_config = config.copy()
        self.config = config
        self.store = Store()
        self.faults = FaultRules(config.seed)
        self.requests = RequestLog()
        self.connections = ConnectionTracker()

    def update_config(self, changes):
        """Apply a config PATCH (ValueError if invalid); a new ``seed`` restarts the fault generator."""
        self.config.update(changes)
        if "seed" in changes:
            self.faults.reseed(self.config.seed)

    def reset(self):
        """Forget all objects, requests and faults; configuration back to startup values."""
        self.store.close()
        self.store = Store()
        self.config = self.startup_config.copy()
        self.faults = FaultRules(self.config.seed)
        self.requests = RequestLog()
