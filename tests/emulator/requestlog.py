"""The log of API requests read by ``GET /_emulator/requests``."""

import copy
import itertools
import time


class RequestLog:
    """Entries in arrival order; an entry is filled in as its request progresses."""

    def __init__(self):
        self.entries = []
        self._seq = itertools.count(1)

    def start(self, method, path, query, request_id):
        """Record a request that has just arrived and return its (mutable) entry."""
        entry = {
            "seq": next(self._seq),
            "method": method,
            "path": path,
            "query": query,
            "status": None,
            "started": time.time(),
            "finished": None,
            "stream": False,
            "fault": None,
            "request_id": request_id,
        }
        self.entries.append(entry)
        return entry

    def clear(self):
        """Forget all entries (sequence numbers keep increasing)."""
        self.entries = []

    def as_list(self):
        """A copy of all entries."""
        return copy.deepcopy(self.entries)
