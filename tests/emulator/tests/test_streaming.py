"""Server-sent events: the documented order, emitted in real time, ending with done."""

import time

import pytest

from emulator.tests.helpers import parse_sse

pytestmark = pytest.mark.timeout(60)

REPLY_EVENTS = ["thread.run.step.created", "thread.run.step.in_progress", "thread.message.created", "thread.message.in_progress"]


def names(events):
    """Event names with the deltas collapsed to one entry."""
    result = []
    for name, _data in events:
        if not (name == "thread.message.delta" and result and result[-1] == name):
            result.append(name)
    return result


def delta_text(events):
    """The text the message deltas add up to."""
    return "".join(part["text"]["value"] for name, data in events if name == "thread.message.delta" for part in data["delta"]["content"])


def test_thread_and_run_stream_order(api):
    assistant = api.assistant()
    events = api.stream("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "stream me please"}]}})
    assert names(events) == ["thread.created", "thread.run.created", "thread.run.queued", "thread.run.in_progress", *REPLY_EVENTS,
                             "thread.message.delta", "thread.message.completed", "thread.run.step.completed", "thread.run.completed", "done"]
    assert delta_text(events) == "You said: stream me please"
    assert events[-1] == ("done", "[DONE]")
    thread_id = events[0][1]["id"]
    assert all(data["thread_id"] == thread_id for name, data in events[1:-1] if name.startswith("thread.run.") and "step" not in name)
    completed = events[-2][1]
    assert completed["status"] == "completed" and completed["usage"]["total_tokens"] > 0
    assert api.reply(completed) == "You said: stream me please"


def test_events_arrive_as_the_run_changes(api, emulator):
    emulator.config(run_duration=0.5)
    assistant = api.assistant()
    thread = api.thread("timing")
    began = time.monotonic()
    response = api.request("POST", f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"], "stream": True}, stream=True)
    arrivals = {}
    with response:
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("event: "):
                arrivals.setdefault(line[len("event: "):], time.monotonic() - began)
    assert arrivals["thread.run.created"] < 0.2
    assert 0.03 <= arrivals["thread.run.in_progress"] < 0.25
    assert 0.5 <= arrivals["thread.run.completed"] < 1.0
    record = emulator.runs()[0]
    assert record["completed_exact"] - record["created"] >= 0.5


def test_requires_action_stream_then_submit_stream(api, weather_assistant):
    thread = api.thread("get_weather in Rome")
    first = api.stream(f"/threads/{thread['id']}/runs", {"assistant_id": weather_assistant["id"]})
    assert names(first) == ["thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.step.created", "thread.run.step.in_progress",
                            "thread.run.requires_action", "done"]
    step = first[3][1]
    assert step["type"] == "tool_calls" and step["step_details"]["tool_calls"][0]["function"]["name"] == "get_weather"
    run = first[-2][1]
    call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]

    second = api.stream(f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs", {"tool_outputs": [{"tool_call_id": call_id, "output": "18C"}]})
    assert names(second) == ["thread.run.step.completed", "thread.run.queued", "thread.run.in_progress", *REPLY_EVENTS,
                             "thread.message.delta", "thread.message.completed", "thread.run.step.completed", "thread.run.completed", "done"]
    assert second[0][1]["id"] == step["id"] and second[0][1]["step_details"]["tool_calls"][0]["function"]["output"] == "18C"
    assert delta_text(second) == "get_weather returned: 18C"


@pytest.mark.parametrize("text, last", [
    ("[[fail]]", "thread.run.failed"),
    ("[[expire]]", "thread.run.expired"),
    ("[[incomplete]] a b c", "thread.run.incomplete"),
])
def test_streams_of_unsuccessful_runs(api, text, last):
    assistant = api.assistant()
    events = api.stream("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": text}]}})
    assert names(events)[-2:] == [last, "done"]
    if last == "thread.run.incomplete":
        assert "thread.message.incomplete" in names(events)


def test_keepalive_comments(api, emulator):
    emulator.config(run_duration=0.6, stream_keepalive=0.05)
    assistant = api.assistant()
    events = api.stream("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}})
    assert events.count((":", "keep-alive")) >= 3
    assert events[-1] == ("done", "[DONE]")
    emulator.config(stream_keepalive=None)
    events = api.stream("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}})
    assert (":", "keep-alive") not in events


def test_parse_sse_reads_the_wire_format():
    lines = ["event: thread.run.created", 'data: {"id": "run_1"}', "", ": keep-alive", "", "event: done", "data: [DONE]", ""]
    assert parse_sse(lines) == [("thread.run.created", {"id": "run_1"}), (":", "keep-alive"), ("done", "[DONE]")]
