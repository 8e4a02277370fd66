"""Quirks: each one makes the emulator answer over HTTP as a real, spec-bending server does; switchable at run time and at start."""

import time

import pytest
import requests

from emulator.__main__ import parse_args
from emulator.harness import Emulator, EmulatorError
from emulator.quirks import QUIRKS
from emulator.tests.helpers import parse_sse

pytestmark = pytest.mark.timeout(60)

UNKNOWN_ASSISTANT = "No assistant found with id 'asst_nope'."


def completed_run(api, text="hello there", **fields):
    """An assistant, a thread with ``text`` and its run, waited for until it settled."""
    assistant = api.assistant()
    thread = api.thread(text)
    return api.wait(api.run(thread["id"], assistant["id"], **fields))


def stream_lines(api, path, body):
    """The raw lines of the event stream ``path`` answers to ``body`` (with ``stream: true``)."""
    response = api.request("POST", path, json=dict(body, stream=True), stream=True)
    assert response.headers["content-type"].startswith("text/event-stream")
    with response:
        return [line for line in response.iter_lines(decode_unicode=True) if line]


def test_quirks_are_switched_at_run_time_through_the_control_endpoint(emulator, api):
    assert "quirks" not in emulator.config()
    assert emulator.config(quirks=["error_detail", "ms_timestamps", "error_detail"])["quirks"] == ["error_detail", "ms_timestamps"]
    assert api.get("/assistants/asst_nope", expect=404) == {"detail": UNKNOWN_ASSISTANT}
    assert emulator.config(quirks=[])  # off again: the spec's ErrorResponse
    assert "quirks" not in emulator.config()
    assert api.get("/assistants/asst_nope", expect=404)["error"]["message"] == UNKNOWN_ASSISTANT
    with pytest.raises(EmulatorError, match="unknown quirk.*no_such_quirk"):
        emulator.config(quirks=["no_such_quirk"])
    with pytest.raises(EmulatorError, match="quirks must be a list"):
        emulator.config(quirks="error_detail")
    emulator.config(quirks=["error_text"])
    with pytest.raises(EmulatorError, match='"error"'):  # the control surface keeps its own shapes
        emulator.config(colour="red")
    emulator.reset()
    assert "quirks" not in emulator.config()


def test_ms_timestamps(emulator, api):
    emulator.config(quirks=["ms_timestamps"])
    before = time.time()
    assistant = api.assistant()
    assert before * 1000 - 1000 <= assistant["created_at"] <= time.time() * 1000
    thread = api.thread("hello")
    run = api.wait(api.run(thread["id"], assistant["id"]))
    record = emulator.runs()[0]
    created, started, completed = (moment for _status, moment in record["history"])
    assert (run["created_at"], run["started_at"], run["completed_at"]) == (int(created) * 1000, int(started) * 1000, int(completed) * 1000)
    message = api.get(f"/threads/{thread['id']}/messages")["data"][0]
    assert message["created_at"] > 10 ** 12 and message["completed_at"] > 10 ** 12
    events = parse_sse(stream_lines(api, f"/threads/{thread['id']}/runs", {"assistant_id": assistant["id"]}))
    assert events[0][0] == "thread.run.created" and events[0][1]["created_at"] > 10 ** 12 and events[0][1]["expires_at"] > 10 ** 12


@pytest.mark.parametrize(("quirk", "shape"), [("text_list", lambda value: [{"value": value}]), ("text_string", lambda value: value)])
def test_text_part_shapes(emulator, api, quirk, shape):
    emulator.config(quirks=[quirk])
    run = completed_run(api, "hi")
    messages = api.get(f"/threads/{run['thread_id']}/messages", order="asc")["data"]
    assert [message["content"] for message in messages] == [[{"type": "text", "text": shape("hi")}], [{"type": "text", "text": shape("You said: hi")}]]
    events = parse_sse(stream_lines(api, f"/threads/{run['thread_id']}/runs", {"assistant_id": run["assistant_id"]}))
    deltas = [part["text"] for name, data in events if name == "thread.message.delta" for part in data["delta"]["content"]]
    values = [text if isinstance(text, str) else text[0]["value"] for text in deltas]
    assert [shape(value) for value in values] == deltas and "".join(values) == "You said: hi"
    completed = next(data for name, data in events if name == "thread.message.completed")
    assert completed["content"] == [{"type": "text", "text": shape("You said: hi")}]


def test_null_fields(emulator, api, weather_assistant):
    emulator.config(quirks=["null_fields"])
    assistant = api.assistant()
    assert assistant["metadata"] is None and assistant["object"] is None and assistant["model"] is None
    assert api.assistant(metadata={"k": "v"})["metadata"] == {"k": "v"}
    run = completed_run(api)
    assert {key: run[key] for key in ("object", "model", "usage", "assistant_id", "required_action", "metadata")} == dict.fromkeys(
        ("object", "model", "usage", "assistant_id", "required_action", "metadata"))
    listing = api.get(f"/threads/{run['thread_id']}/messages")
    assert {key: listing[key] for key in ("object", "has_more", "first_id", "last_id")} == dict.fromkeys(("object", "has_more", "first_id", "last_id"))
    assert len(listing["data"]) == 2 and all(message["run_id"] is None and message["assistant_id"] is None for message in listing["data"])
    thread = api.thread("get_weather please")
    waiting = api.wait(api.run(thread["id"], weather_assistant["id"]))
    assert waiting["status"] == "requires_action" and waiting["required_action"]["type"] == "submit_tool_outputs"


def test_omit_fields(emulator, api, weather_assistant):
    emulator.config(quirks=["omit_fields"])
    assistant = api.assistant()
    assert not {"object", "model", "metadata"} & set(assistant) and assistant["id"].startswith("asst_")
    run = completed_run(api)
    assert run["status"] == "completed" and not {"object", "model", "usage", "assistant_id", "required_action", "metadata"} & set(run)
    listing = api.get(f"/threads/{run['thread_id']}/messages")
    assert set(listing) == {"data"} and len(listing["data"]) == 2
    assert all(not {"run_id", "assistant_id", "object", "metadata"} & set(message) for message in listing["data"])
    thread = api.thread("get_weather please")
    waiting = api.wait(api.run(thread["id"], weather_assistant["id"], metadata={"k": "v"}))
    assert waiting["required_action"]["type"] == "submit_tool_outputs" and waiting["metadata"] == {"k": "v"}


def test_error_detail(emulator, api):
    emulator.config(quirks=["error_detail"])
    assert api.get("/assistants/asst_nope", expect=404) == {"detail": UNKNOWN_ASSISTANT}
    assert api.post("/assistants", {}, expect=400) == {"detail": "Missing required parameter: 'model'."}
    assert requests.get(emulator.base_url + "/assistants", timeout=10).json()["detail"].startswith("You didn't provide an API key.")
    emulator.add_fault(kind="status", status=429, retry_after=1)
    response = api.request("GET", "/assistants", expect=429)
    assert response.json() == {"detail": "Rate limit reached for requests. Please try again later."} and response.headers["retry-after"] == "1"


def test_error_text(emulator, api):
    emulator.config(quirks=["error_text"])
    response = api.request("GET", "/assistants/asst_nope", expect=404)
    assert response.headers["content-type"].startswith("text/plain") and response.text == UNKNOWN_ASSISTANT
    response = api.request("POST", "/assistants", expect=400, data="{", headers={"content-type": "application/json"})
    assert response.text.startswith("We could not parse the JSON body") and int(response.headers["content-length"]) == len(response.content)
    assert api.assistant()["object"] == "assistant"  # successes stay JSON


def test_no_stream(emulator, api):
    emulator.config(quirks=["no_stream"])
    assistant = api.assistant()
    thread = api.thread("hi")
    response = api.request("POST", f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"], "stream": True})
    assert response.headers["content-type"] == "application/json" and response.json()["object"] == "thread.run"
    assert response.json()["status"] == "queued"
    body = {"assistant_id": assistant["id"], "stream": True, "thread": {"messages": [{"role": "user", "content": "x"}]}}
    assert api.post("/threads/runs", body)["object"] == "thread.run"
    assert [entry["stream"] for entry in emulator.requests()[-2:]] == [False, False]


def test_stream_unnamed(emulator, api):
    emulator.config(quirks=["stream_unnamed"])
    assistant = api.assistant()
    lines = stream_lines(api, "/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}})
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    objects = [data for _name, data in parse_sse(lines)[:-1]]
    assert [data["object"] for data in objects[:2]] == ["thread", "thread.run"] and objects[-1]["status"] == "completed"


def test_stream_renamed(emulator, api):
    emulator.config(quirks=["stream_renamed"])
    assistant = api.assistant()
    events = parse_sse(stream_lines(api, "/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}}))
    names = [name for name, _data in events]
    assert names[:3] == ["created", "run.created", "run.queued"] and names[-2:] == ["run.completed", "end"]
    assert "message.delta" in names and not any(name.startswith("thread.") or name == "done" for name in names)
    assert events[-2][1]["status"] == "completed"


def test_stream_query(emulator, api):
    emulator.config(quirks=["stream_query"])
    assistant = api.assistant()
    thread = api.thread("hi")
    path = f"/threads/{thread['id']}/runs"
    run = api.post(path, {"assistant_id": assistant["id"], "stream": True})
    assert run["object"] == "thread.run"
    api.wait(run)
    response = api.request("POST", path + "?stream=true", json={"assistant_id": assistant["id"]}, stream=True)
    with response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.iter_lines(decode_unicode=True))
    assert events[0][0] == "thread.run.created" and events[-1] == ("done", "[DONE]")


def test_list_whole(emulator, api):
    emulator.config(quirks=["list_whole"])
    ids = [api.assistant(name=str(index))["id"] for index in range(3)]
    listing = api.get("/assistants", limit=1, order="desc", after=ids[2])
    assert [assistant["id"] for assistant in listing["data"]] == ids and listing["has_more"] is False
    assert [assistant["id"] for assistant in api.get("/assistants", before=ids[0])["data"]] == ids
    run = completed_run(api)
    assert len(api.get(f"/threads/{run['thread_id']}/messages", run_id=run["id"])["data"]) == 1  # other parameters still count


def test_list_has_more(emulator, api):
    emulator.config(quirks=["list_has_more"])
    ids = [api.assistant(name=str(index))["id"] for index in range(3)]
    first = api.get("/assistants", limit=2, order="asc")
    assert [assistant["id"] for assistant in first["data"]] == ids[:2] and first["has_more"] is True
    again = api.get("/assistants", limit=2, order="asc", after=first["last_id"])
    assert again == first
    assert api.get("/assistants", limit=5)["has_more"] is True


def test_steps_404(emulator, api):
    emulator.config(quirks=["steps_404"])
    run = completed_run(api)
    path = f"/threads/{run['thread_id']}/runs/{run['id']}/steps"
    assert api.get(path, expect=404)["error"]["message"] == f"Invalid URL (GET /v1{path})"
    api.get(path + "/step_x", expect=404)
    assert emulator.requests()[-1]["status"] == 404
    emulator.config(quirks=[])
    assert len(api.get(path)["data"]) == 1


def test_steps_empty(emulator, api):
    emulator.config(quirks=["steps_empty"])
    run = completed_run(api)
    assert api.get(f"/threads/{run['thread_id']}/runs/{run['id']}/steps") == {
        "object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


@pytest.mark.parametrize(("quirk", "status", "words"), [("tool_outputs_404", 404, "Invalid URL"), ("tool_outputs_405", 405, "Invalid method for URL")])
def test_no_submit_tool_outputs(emulator, api, weather_assistant, quirk, status, words):
    emulator.config(quirks=[quirk])
    thread = api.thread("get_weather please")
    run = api.wait(api.run(thread["id"], weather_assistant["id"]))
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    path = f"/threads/{thread['id']}/runs/{run['id']}/submit_tool_outputs"
    error = api.post(path, {"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}]}, expect=status)["error"]
    assert error["message"] == f"{words} (POST /v1{path})"
    assert api.get(f"/threads/{thread['id']}/runs/{run['id']}")["status"] == "requires_action"


def test_drop_run_metadata(emulator, api):
    emulator.config(quirks=["drop_run_metadata"])
    assistant = api.assistant(metadata={"kept": "yes"})
    assert assistant["metadata"] == {"kept": "yes"}
    thread = api.thread("hi")
    run = api.run(thread["id"], assistant["id"], metadata={"marker": "1"})
    assert run["metadata"] == {}
    path = f"/threads/{thread['id']}/runs/{run['id']}"
    assert api.post(path, {"metadata": {"marker": "2"}})["metadata"] == {}
    assert api.wait(run)["metadata"] == {} and emulator.runs()[0]["metadata"] == {}
    body = {"assistant_id": assistant["id"], "metadata": {"marker": "3"}, "thread": {"metadata": {"thread": "kept"}}}
    other = api.post("/threads/runs", body)
    assert other["metadata"] == {} and api.get(f"/threads/{other['thread_id']}")["metadata"] == {"thread": "kept"}


def test_quirks_combine(emulator, api):
    emulator.config(quirks=["ms_timestamps", "text_list", "null_fields", "stream_unnamed"])
    assistant = api.post("/assistants", {"model": "gpt-4o"})
    events = parse_sse(stream_lines(api, "/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "hi"}]}}))
    assert {name for name, _data in events} == {None}
    message = next(data for _name, data in events if isinstance(data, dict) and data.get("content") and data.get("status") == "completed")
    assert message["content"][0]["text"] == [{"value": "You said: hi"}] and message["object"] is None and message["created_at"] > 10 ** 12


def test_cli_and_harness_switch_quirks_on_at_start():
    assert parse_args(["--quirk", "error_text", "--quirk", "steps_empty"]).quirk == ["error_text", "steps_empty"]
    assert parse_args([]).quirk == []
    with pytest.raises(SystemExit):
        parse_args(["--quirk", "no_such_quirk"])
    assert "steps_empty" in QUIRKS
    with Emulator(run_duration=0.05, quirks=["error_detail", "ms_timestamps", "error_detail"]) as emu:
        assert emu.config()["quirks"] == ["error_detail", "ms_timestamps"]
        headers = {"Authorization": "Bearer k"}
        assert requests.get(emu.base_url + "/assistants/asst_nope", headers=headers, timeout=10).json() == {"detail": UNKNOWN_ASSISTANT}
        emu.config(quirks=[])
        emu.reset()  # back to the startup quirks
        assert emu.config()["quirks"] == ["error_detail", "ms_timestamps"]
        created = requests.post(emu.base_url + "/assistants", json={"model": "m"}, headers=headers, timeout=10).json()["created_at"]
        assert created > 10 ** 12
        assert emu.stop() == 0
