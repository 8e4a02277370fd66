"""TCP connection bookkeeping, and dropping a connection without any HTTP response.

ASGI gives an application no way to close its connection without answering, so the emulator
runs uvicorn with a small subclass of its h11 protocol. The subclass registers every
connection under its client address (the ``client`` of the ASGI scope, unique per TCP
connection), which lets the application find the transport of the request it is serving and
``abort()`` it, and lets ``/_emulator/stats`` count open connections.
"""

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol


class ConnectionTracker:
    """Open connections by client address, plus a count of all connections ever made."""

    def __init__(self):
        self.open = {}
        self.total = 0

    def protocol_class(self):
        """A uvicorn HTTP protocol class that reports its connections to this tracker."""
        tracker = self

        class TrackedH11Protocol(H11Protocol):
            """uvicorn's h11 protocol, registered with the tracker while connected."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.lost = asyncio.Event()

            def connection_made(self, transport):
                super().connection_made(transport)
                tracker.opened(self)

            def connection_lost(self, exc):
                tracker.closed(self)
                self.lost.set()
                super().connection_lost(exc)

        return TrackedH11Protocol

    def opened(self, protocol):
        """Called when a connection is made."""
        self.open[protocol.client] = protocol
        self.total += 1

    def closed(self, protocol):
        """Called when a connection is lost."""
        if self.open.get(protocol.client) is protocol:
            del self.open[protocol.client]

    def count_open(self, excluding=None):
        """Open connections, not counting the one from client address ``excluding``."""
        return sum(1 for client in self.open if client != excluding)

    async def abort(self, client):
        """Close the connection of ``client`` without a response; return once uvicorn has seen it go."""
        protocol = self.open.get(client)
        if protocol is None:
            return
        # abort() discards unsent data: let what was already written reach the client first.
        for _attempt in range(1000):
            if protocol.transport.get_write_buffer_size() == 0:
                break
            await asyncio.sleep(0.001)
        protocol.transport.abort()
        await protocol.lost.wait()
