"""Server-sent events of a run, emitted as the run changes state."""

import json

from starlette.responses import StreamingResponse

from .runs import STREAM_END_EVENTS

KEEPALIVE = b": keep-alive\n\n"


def sse(name, data):
    """One event: ``event: <name>\\ndata: <data>\\n\\n`` (``data`` is already serialized)."""
    return f"event: {name}\ndata: {data}\n\n".encode("utf-8")


async def follow(timeline, first_event, config, end_events, tail=None):
    """Yield a Timeline's (run's, response's) events from index ``first_event`` on, as they happen.

    After an event named in ``end_events``, yields ``tail`` (if any) and ends; ends without it
    once the timeline is closed and its log is sent. Between events, sends a keep-alive comment
    every ``config.stream_keepalive`` seconds when that is set.
    """
    seen = first_event
    while True:
        while seen < len(timeline.events):
            name, data = timeline.events[seen]
            seen += 1
            yield sse(name, data)
            if name in end_events:
                if tail is not None:
                    yield tail
                return
        if timeline.closed:
            return
        if not await timeline.wait_for_event(seen, config.stream_keepalive):
            yield KEEPALIVE


async def run_events(run, first_event, config, prefix=()):
    """Yield ``prefix`` events, then the run's events from index ``first_event`` on.

    Ends after the run's terminal or requires_action event with ``event: done``; ends without
    ``done`` if the run is closed (thread deleted, emulator reset).
    """
    for name, payload in prefix:
        yield sse(name, json.dumps(payload, separators=(",", ":")))
    async for chunk in follow(run, first_event, config, STREAM_END_EVENTS, tail=sse("done", "[DONE]")):
        yield chunk


def event_stream(run, first_event, config, prefix=()):
    """The ``text/event-stream`` response for ``run_events``."""
    return sse_response(run_events(run, first_event, config, prefix))


def sse_response(chunks):
    """A ``text/event-stream`` response sending ``chunks`` (an async iterator of bytes)."""
    return StreamingResponse(chunks, media_type="text/event-stream", headers={"cache-control": "no-cache"})
