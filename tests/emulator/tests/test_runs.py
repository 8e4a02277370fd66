"""Run life cycle: progression and timing, tool calls, magic outcomes, cancel, and the API's rules."""

import json
import time

import pytest

pytestmark = pytest.mark.timeout(60)


def test_run_progresses_on_time_and_replies(api, weather_assistant, emulator):
    thread = api.thread("hello there")
    before = time.time()
    run = api.run(thread["id"], weather_assistant["id"])
    seen = {api.wait(run, until={"queued", "in_progress"})["status"]}
    final = api.wait(run)
    seen.add(final["status"])
    assert "completed" in seen and seen & {"queued", "in_progress"}

    record = emulator.runs()[0]
    assert [status for status, _moment in record["history"]] == ["queued", "in_progress", "completed"]
    created, started, completed = (moment for _status, moment in record["history"])
    assert before <= created == record["created"]
    assert 0.02 <= started - created <= 0.15
    assert 0.2 <= completed - created <= 0.5
    assert record["completed_exact"] == completed
    assert final["created_at"] == int(created) and final["started_at"] == int(started) and final["completed_at"] == int(completed)
    assert final["expires_at"] is None and final["required_action"] is None and final["last_error"] is None
    assert final["usage"] == {"prompt_tokens": 4, "completion_tokens": 4, "total_tokens": 8}  # "Be brief." + "hello there"; "You said: hello there"

    assert api.reply(final) == "You said: hello there"
    reply = api.get(f"/threads/{thread['id']}/messages", run_id=run["id"])["data"][0]
    assert (reply["role"], reply["status"], reply["assistant_id"], reply["run_id"]) == ("assistant", "completed", weather_assistant["id"], run["id"])
    steps = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps")["data"]
    assert len(steps) == 1
    assert steps[0]["type"] == "message_creation" and steps[0]["status"] == "completed"
    assert steps[0]["step_details"]["message_creation"]["message_id"] == reply["id"]


def test_run_duration_is_configurable(api, weather_assistant, emulator):
    emulator.config(run_duration=0.6)
    thread = api.thread("slow")
    api.wait(api.run(thread["id"], weather_assistant["id"]))
    record = emulator.runs()[0]
    assert 0.6 <= record["completed_exact"] - record["created"] <= 0.9


def test_run_inherits_from_assistant_unless_overridden(api, weather_assistant):
    thread = api.thread("get_weather?")
    inherited = api.run(thread["id"], weather_assistant["id"])
    assert (inherited["model"], inherited["instructions"], inherited["tools"]) == ("gpt-4o", "Be brief.", weather_assistant["tools"])
    api.post(f"/threads/{thread['id']}/runs/{inherited['id']}/cancel")
    api.wait(inherited)

    overridden = api.run(thread["id"], weather_assistant["id"], model="gpt-4o-mini", instructions="Other.", additional_instructions="More.", tools=[],
                         temperature=0.2, metadata={"marker": "m1"}, additional_messages=[{"role": "user", "content": "get_weather now"}])
    assert (overridden["model"], overridden["instructions"], overridden["tools"]) == ("gpt-4o-mini", "Other.\n\nMore.", [])
    assert overridden["temperature"] == 0.2 and overridden["metadata"] == {"marker": "m1"}
    done = api.wait(overridden)
    assert done["status"] == "completed"  # no function tools on this run, although the assistant has one
    assert api.reply(done) == "You said: get_weather now"


def test_requires_action_then_submit_tool_outputs(api, weather_assistant, emulator):
    text = "What does get_weather say for Paris?"
    thread = api.thread(text)
    run = api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert run["status"] == "requires_action"
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert len(calls) == 1 and calls[0]["id"].startswith("call_") and calls[0]["function"]["name"] == "get_weather"
    assert json.loads(calls[0]["function"]["arguments"]) == {"city": text, "days": 0}
    step = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps")["data"][0]
    assert step["status"] == "in_progress" and step["step_details"]["tool_calls"][0]["function"]["output"] is None
    assert emulator.runs()[0]["completed_exact"] == emulator.runs()[0]["history"][-1][1]

    submit = f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs"
    wrong = api.post(submit, {"tool_outputs": [{"tool_call_id": "call_other", "output": "x"}]}, expect=400)
    assert wrong["error"]["message"] == f"Expected tool outputs for call_ids ['{calls[0]['id']}'], got ['call_other']"
    assert wrong["error"]["param"] == "tool_outputs"
    assert api.post(submit, {"tool_outputs": []}, expect=400)["error"]["param"] == "tool_outputs"

    api.post(submit, {"tool_outputs": [{"tool_call_id": calls[0]["id"], "output": "sunny"}]})
    done = api.wait(run)
    assert done["status"] == "completed" and done["required_action"] is None
    assert api.reply(done) == "get_weather returned: sunny"
    steps = api.get(f"/threads/{thread['id']}/runs/{run['id']}/steps", order="asc")["data"]
    assert [(step["type"], step["status"]) for step in steps] == [("tool_calls", "completed"), ("message_creation", "completed")]
    assert steps[0]["step_details"]["tool_calls"][0]["function"]["output"] == "sunny"
    statuses = [status for status, _moment in emulator.runs()[0]["history"]]
    assert statuses == ["queued", "in_progress", "requires_action", "queued", "in_progress", "completed"]

    again = api.post(submit, {"tool_outputs": [{"tool_call_id": calls[0]["id"], "output": "sunny"}]}, expect=400)
    assert again["error"]["message"] == 'Runs in status "completed" do not accept tool outputs.'


def test_run_tools_override_and_argument_types(api):
    assistant = api.assistant()
    lookup = {"name": "lookup", "parameters": {"type": "object", "required": ["q", "n", "exact", "tags"],
                                               "properties": {"q": {"type": "string"}, "n": {"type": "number"}, "exact": {"type": "boolean"},
                                                              "tags": {"type": "array"}}}}
    ping = {"name": "ping"}
    thread = api.thread("lookup and ping")
    tools = [{"type": "function", "function": lookup}, {"type": "function", "function": ping}, {"type": "function", "function": {"name": "absent"}}]
    run = api.wait(api.run(thread["id"], assistant["id"], tools=tools))
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert [call["function"]["name"] for call in calls] == ["lookup", "ping"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"q": "lookup and ping", "n": 0, "exact": True, "tags": []}
    assert json.loads(calls[1]["function"]["arguments"]) == {}
    outputs = [{"tool_call_id": calls[1]["id"], "output": "pong"}, {"tool_call_id": calls[0]["id"], "output": "found"}]
    api.post(f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs", {"tool_outputs": outputs})
    assert api.reply(api.wait(run)) == "lookup returned: found\nping returned: pong"


@pytest.mark.parametrize("text, status", [("[[fail]] please", "failed"), ("[[incomplete]] one two three four", "incomplete"), ("[[expire]]", "expired")])
def test_magic_text_ends_runs(api, weather_assistant, emulator, text, status):
    thread = api.thread(text)
    run = api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert run["status"] == status
    assert [entry[0] for entry in emulator.runs()[0]["history"]] == ["queued", "in_progress", status]
    if status == "failed":
        assert run["last_error"]["code"] == "server_error" and run["last_error"]["message"]
        assert run["failed_at"] is not None and run["completed_at"] is None
    elif status == "incomplete":
        assert run["incomplete_details"] == {"reason": "max_completion_tokens"}
        message = api.get(f"/threads/{thread['id']}/messages", run_id=run["id"])["data"][0]
        assert message["status"] == "incomplete" and message["incomplete_details"] == {"reason": "max_tokens"}
        assert "You said: [[incomplete]] one two three four".startswith(api.reply(run)) and api.reply(run) != "You said: [[incomplete]] one two three four"
    else:
        assert run["expires_at"] is not None and api.get(f"/threads/{thread['id']}/messages", run_id=run["id"])["data"] == []


def test_cancel(api, weather_assistant, emulator):
    emulator.config(run_duration=2.0)
    thread = api.thread("hello")
    run = api.run(thread["id"], weather_assistant["id"])
    cancel = f"/threads/{thread['id']}/runs/{run['id']}/cancel"
    assert api.post(cancel)["status"] == "cancelling"
    assert api.post(cancel, expect=400)["error"]["message"] == "Cannot cancel run with status 'cancelling'."
    cancelled = api.wait(run, timeout=1.0)
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] is not None
    history = emulator.runs()[0]["history"]
    assert [status for status, _moment in history] == ["queued", "cancelling", "cancelled"]
    assert 0.1 <= history[2][1] - history[1][1] <= 0.3
    assert api.post(cancel, expect=400)["error"]["message"] == "Cannot cancel run with status 'cancelled'."


def test_cancel_completed_run_and_requires_action_run(api, weather_assistant):
    thread = api.thread("hello")
    done = api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert api.post(f"/threads/{thread['id']}/runs/{done['id']}/cancel", expect=400)["error"] == {
        "message": "Cannot cancel run with status 'completed'.", "type": "invalid_request_error", "param": None, "code": None}

    api.post(f"/threads/{thread['id']}/messages", {"role": "user", "content": "get_weather"})
    waiting = api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert waiting["status"] == "requires_action"
    api.post(f"/threads/{thread['id']}/runs/{waiting['id']}/cancel")
    assert api.wait(waiting)["status"] == "cancelled"
    step = api.get(f"/threads/{thread['id']}/runs/{waiting['id']}/steps")["data"][0]
    assert step["status"] == "cancelled" and step["cancelled_at"] is not None


def test_one_active_run_per_thread(api, weather_assistant):
    thread = api.thread("hello")
    run = api.run(thread["id"], weather_assistant["id"])
    busy = api.post(f"/threads/{thread['id']}/runs", {"assistant_id": weather_assistant["id"]}, expect=400)
    assert busy["error"]["message"] == f"Thread {thread['id']} already has an active run {run['id']}."
    message = api.post(f"/threads/{thread['id']}/messages", {"role": "user", "content": "more"}, expect=400)
    assert message["error"]["message"] == f"Can't add messages to {thread['id']} while a run {run['id']} is active."
    api.wait(run)
    api.post(f"/threads/{thread['id']}/messages", {"role": "user", "content": "more"})
    api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert len(api.get(f"/threads/{thread['id']}/runs")["data"]) == 2


def test_unknown_ids_are_404(api, weather_assistant):
    thread = api.thread("hello")
    run = api.wait(api.run(thread["id"], weather_assistant["id"]))
    cases = [
        ("/assistants/asst_nope", "No assistant found with id 'asst_nope'."),
        ("/threads/thread_nope", "No thread found with id 'thread_nope'."),
        ("/threads/thread_nope/runs", "No thread found with id 'thread_nope'."),
        (f"/threads/{thread['id']}/messages/msg_nope", "No message found with id 'msg_nope'."),
        (f"/threads/{thread['id']}/runs/run_nope", "No run found with id 'run_nope'."),
        (f"/threads/{thread['id']}/runs/{run['id']}/steps/step_nope", "No run step found with id 'step_nope'."),
        ("/nothing", "Invalid URL (GET /v1/nothing)"),
    ]
    for path, message in cases:
        assert api.get(path, expect=404)["error"] == {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    missing_assistant = api.post(f"/threads/{thread['id']}/runs", {"assistant_id": "asst_nope"}, expect=404)
    assert missing_assistant["error"]["message"] == "No assistant found with id 'asst_nope'."
    assert api.post("/threads/runs", {"assistant_id": "asst_nope"}, expect=404)["error"]["message"] == "No assistant found with id 'asst_nope'."


def test_deleting_a_thread_stops_its_runs(api, weather_assistant, emulator):
    emulator.config(run_duration=0.5)
    thread = api.thread("hello")
    api.run(thread["id"], weather_assistant["id"])
    api.delete(f"/threads/{thread['id']}")
    time.sleep(0.6)
    assert emulator.runs() == []
    assert "Traceback" not in emulator.log()
    api.get(f"/threads/{thread['id']}/runs", expect=404)
