"""Every object, list, deletion, error and stream event the emulator sends matches the copied OpenAPI spec."""

import pytest
import requests

from emulator.tests.helpers import assert_schema, parse_sse

pytestmark = pytest.mark.timeout(60)

STREAM_EVENT_SCHEMAS = (
    ("thread.run.step.", "RunStepStreamEvent"),
    ("thread.run.", "RunStreamEvent"),
    ("thread.message.", "MessageStreamEvent"),
    ("thread.created", "ThreadStreamEvent"),
    ("done", "DoneEvent"),
)


def assert_stream_events(events):
    """Each event against its part of AssistantStreamEvent, and against the union itself."""
    for name, data in events:
        schema = next(schema for prefix, schema in STREAM_EVENT_SCHEMAS if name.startswith(prefix))
        assert_schema(schema, {"event": name, "data": data})
        assert_schema("AssistantStreamEvent", {"event": name, "data": data})


def test_assistant_thread_and_message_objects(api):
    assistant = api.assistant(name="a", description="d", instructions="i", metadata={"k": "v"}, temperature=0.5,
                              tools=[{"type": "code_interpreter"}, {"type": "file_search"}])
    assert_schema("AssistantObject", assistant)
    assert_schema("AssistantObject", api.get(f"/assistants/{assistant['id']}"))
    assert_schema("AssistantObject", api.post(f"/assistants/{assistant['id']}", {"name": "b", "response_format": {"type": "json_object"}}))
    assert_schema("ListAssistantsResponse", api.get("/assistants"))

    thread = api.thread("hello")
    assert_schema("ThreadObject", thread)
    assert_schema("ThreadObject", api.get(f"/threads/{thread['id']}"))
    assert_schema("ThreadObject", api.post(f"/threads/{thread['id']}", {"metadata": {"a": "b"}}))

    content = [{"type": "text", "text": "one"}, {"type": "image_url", "image_url": {"url": "https://example.invalid/x.png"}}]
    message = api.post(f"/threads/{thread['id']}/messages", {"role": "user", "content": content, "metadata": {"x": "y"}})
    assert_schema("MessageObject", message)
    assert_schema("MessageObject", api.get(f"/threads/{thread['id']}/messages/{message['id']}"))
    assert_schema("MessageObject", api.post(f"/threads/{thread['id']}/messages/{message['id']}", {"metadata": {"x": "z"}}))
    listing = api.get(f"/threads/{thread['id']}/messages")
    assert len(listing["data"]) == 2
    assert_schema("ListMessagesResponse", listing)

    assert_schema("DeleteMessageResponse", api.delete(f"/threads/{thread['id']}/messages/{message['id']}"))
    assert_schema("DeleteThreadResponse", api.delete(f"/threads/{thread['id']}"))
    assert_schema("DeleteAssistantResponse", api.delete(f"/assistants/{assistant['id']}"))


@pytest.mark.parametrize("text, status", [
    ("hello", "completed"),
    ("please [[fail]]", "failed"),
    ("please [[incomplete]] now", "incomplete"),
    ("please [[expire]]", "expired"),
    ("call get_weather for Oslo", "requires_action"),
])
def test_runs_steps_and_messages_in_each_end_state(api, weather_assistant, text, status):
    thread = api.thread(text)
    queued = api.run(thread["id"], weather_assistant["id"], max_completion_tokens=512, truncation_strategy={"type": "last_messages", "last_messages": 3})
    assert queued["status"] == "queued"
    assert_schema("RunObject", queued)
    in_progress = api.wait(queued, until={"in_progress"})
    assert_schema("RunObject", in_progress)
    run = api.wait(queued)
    assert run["status"] == status
    assert_schema("RunObject", run)
    assert_schema("ListRunsResponse", api.get(f"/threads/{thread['id']}/runs"))
    steps = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps")
    if status in ("failed", "expired"):
        assert not steps["data"]
    else:
        assert_schema("ListRunStepsResponse", steps)
    for step in steps["data"]:
        assert_schema("RunStepObject", api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps/{step['id']}"))
    assert_schema("ListMessagesResponse", api.get(f"/threads/{thread['id']}/messages"))


def test_tool_calls_step_and_resumed_run(api, weather_assistant):
    thread = api.thread("get_weather please")
    run = api.wait(api.run(thread["id"], weather_assistant["id"]))
    step = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps")["data"][0]
    assert step["type"] == "tool_calls"
    assert_schema("RunStepObject", step)
    call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
    resumed = api.post(f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs", {"tool_outputs": [{"tool_call_id": call_id, "output": "sunny"}]})
    assert resumed["status"] == "queued"
    assert_schema("RunObject", resumed)
    assert_schema("RunObject", api.wait(resumed))
    steps = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps")
    assert [step["type"] for step in steps["data"]] == ["message_creation", "tool_calls"]
    assert_schema("ListRunStepsResponse", steps)


def test_cancelling_and_cancelled_runs(api, weather_assistant, emulator):
    emulator.config(run_duration=1.0)
    thread = api.thread("hello")
    run = api.wait(api.run(thread["id"], weather_assistant["id"]), until={"in_progress"})
    cancelling = api.post(f"/threads/{thread['id']}/runs/{run['id']}/cancel")
    assert cancelling["status"] == "cancelling"
    assert_schema("RunObject", cancelling)
    cancelled = api.wait(run)
    assert cancelled["status"] == "cancelled"
    assert_schema("RunObject", cancelled)
    assert_schema("ListRunStepsResponse", api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps"))
    assert_schema("ListMessagesResponse", api.get(f"/threads/{thread['id']}/messages"))


def test_error_bodies(api, emulator):
    assert_schema("ErrorResponse", api.post("/assistants", {"name": "no model"}, expect=400))
    assert_schema("ErrorResponse", api.get("/threads/thread_nope", expect=404))
    assert_schema("ErrorResponse", api.get("/nothing/here", expect=404))
    unauthenticated = requests.get(emulator.base_url + "/assistants", timeout=10)
    assert unauthenticated.status_code == 401
    assert_schema("ErrorResponse", unauthenticated.json())
    emulator.add_fault(kind="status", status=429, retry_after=1)
    assert_schema("ErrorResponse", api.get("/assistants", expect=429))


def test_empty_list_has_null_cursors(api):
    # The API answers an empty page with null first_id/last_id, where the spec says string.
    listing = api.get("/assistants")
    assert listing == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_stream_events_of_every_kind(api, weather_assistant, emulator):
    emulator.config(run_duration=0.1)
    events = api.stream("/threads/runs", {"assistant_id": weather_assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}})
    for text in ("[[fail]]", "[[incomplete]] a b c d", "[[expire]]"):
        events += api.stream("/threads/runs", {"assistant_id": weather_assistant["id"], "thread": {"messages": [{"role": "user", "content": text}]}})
    thread = api.thread("get_weather in Rome")
    action = api.stream(f"/threads/{thread['id']}/runs", {"assistant_id": weather_assistant["id"]})
    run = action[-2][1]
    call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
    outputs = {"tool_outputs": [{"tool_call_id": call_id, "output": "18C"}]}
    events += action + api.stream(f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs", outputs)

    names = {name for name, _data in events}
    assert {"thread.created", "thread.run.failed", "thread.run.incomplete", "thread.run.expired", "thread.run.requires_action",
            "thread.message.delta", "thread.message.incomplete", "thread.run.step.completed", "done"} <= names
    assert_stream_events(events)


def test_cancelled_stream_events(api, weather_assistant, emulator):
    emulator.config(run_duration=1.0)
    thread = api.thread("hello")
    response = api.request("POST", f"/threads/{thread['id']}/runs", json={"assistant_id": weather_assistant["id"], "stream": True}, stream=True)
    lines = []
    with response:
        for line in response.iter_lines(decode_unicode=True):
            lines.append(line)
            if line == "event: thread.message.created":
                run_id = emulator.runs()[0]["id"]
                api.post(f"/threads/{thread['id']}/runs/{run_id}/cancel")
    events = parse_sse(lines)
    ending = ["thread.run.cancelling", "thread.message.incomplete", "thread.run.step.cancelled", "thread.run.cancelled", "done"]
    assert [name for name, _data in events][-5:] == ending
    assert_stream_events(events)
