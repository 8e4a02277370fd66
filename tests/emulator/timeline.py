"""What runs and responses share: an API object that changes on the clock, and the event log streams follow."""

import asyncio
import copy
import json


class Timeline:
    """``data`` is the API object (set by the subclass); ``events`` the log of ``(name, serialized data)``.

    ``closed`` says no more events will come (the object ended for good, was deleted, or the
    emulator was reset); streams stop once they have sent the log.
    """

    def __init__(self):
        self.data = None
        self.events = []
        self.closed = False
        self._new_event = asyncio.Event()

    @property
    def id(self):
        """The object's id."""
        return self.data["id"]

    @property
    def status(self):
        """The current status."""
        return self.data["status"]

    def snapshot(self):
        """The API object as it is now (a copy)."""
        return copy.deepcopy(self.data)

    def _publish(self, name, payload):
        self.events.append((name, json.dumps(payload, separators=(",", ":"))))
        self._new_event.set()
        self._new_event = asyncio.Event()

    def _wake(self):
        """Let every waiting stream look again (after ``closed`` changed)."""
        self._new_event.set()

    async def wait_for_event(self, seen, timeout):
        """Wait until the log has more than ``seen`` events or the object is closed; False on timeout."""
        if len(self.events) > seen or self.closed:
            return True
        try:
            await asyncio.wait_for(self._new_event.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True
