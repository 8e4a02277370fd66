"""Server-sent events of a run, emitted as the run changes state."""

import json

from starlette.responses import StreamingResponse

from .runs import STREAM_END_EVENTS

KEEPALIVE = b": keep-alive\n\n"


def sse(name, data):
    """One event: ``event: <name>\\ndata: <data>\\n\\n`` (``data`` is already serialized)."""
    return f"event: {name}\ndata: {data}\n\n".encode("utf-8")


async def run_events(run, first_event, config, prefix=()):
    """Yield ``prefix`` events, then the run's events from index ``first_event`` on.

    Ends after the run's terminal or requires_action event with ``event: done``; ends without
    ``done`` if the run is closed (thread deleted, emulator reset). Between events, sends a
    keep-alive comment every ``config.stream_keepalive`` seconds when that is set.
    """
    for name, payload in prefix:
        yield sse(name, json.dumps(payload, separators=(",", ":")))
    seen = first_event
    while True:
        while seen < len(run.events):
            name, data = run.events[seen]
            seen += 1
            yield sse(name, data)
            if name in STREAM_END_EVENTS:
                yield sse("done", "[DONE]")
                return
        if run.closed:
            return
        if not await run.wait_for_event(seen, config.stream_keepalive):
            yield KEEPALIVE


def event_stream(run, first_event, config, prefix=()):
    """The ``text/event-stream`` response for ``run_events``."""
    return StreamingResponse(run_events(run, first_event, config, prefix), media_type="text/event-stream", headers={"cache-control": "no-cache"})
