"""``--state-file``: objects survive a restart of the server; run clocks do not (moving runs come back expired)."""

import json

import pytest

from emulator import persistence
from emulator.harness import Emulator, EmulatorError
from emulator.tests.helpers import Api

pytestmark = pytest.mark.timeout(90)

WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def _snapshot(api, thread_ids):
    """Everything the API shows about some threads (and every assistant), for before/after comparisons."""
    seen = {"assistants": api.get("/assistants", order="asc")["data"], "threads": {}}
    for thread_id in thread_ids:
        runs = api.get(f"/threads/{thread_id}/runs", order="asc")["data"]
        seen["threads"][thread_id] = {
            "thread": api.get(f"/threads/{thread_id}"),
            "messages": api.get(f"/threads/{thread_id}/messages", order="asc")["data"],
            "runs": runs,
            "steps": {run["id"]: api.get(f"/threads/{thread_id}/runs/{run['id']}/steps", order="asc")["data"] for run in runs},
        }
    return seen


def test_objects_and_settled_runs_survive_a_restart(tmp_path):
    state_file = tmp_path / "state.json"
    emulator = Emulator(run_duration=0.2, state_file=str(state_file)).start()
    try:
        api = Api(emulator.base_url)
        assistant = api.assistant(name="weather", instructions="Be brief.", tools=[{"type": "function", "function": WEATHER}])
        done = api.thread("hello there")
        completed = api.wait(api.run(done["id"], assistant["id"], metadata={"marker": "one"}))
        waiting = api.thread("What does get_weather say about Paris?")
        asking = api.wait(api.run(waiting["id"], assistant["id"]))
        dropped = api.thread("Never mind get_weather.")
        to_cancel = api.wait(api.run(dropped["id"], assistant["id"]))
        before = _snapshot(api, [done["id"], waiting["id"], dropped["id"]])
        runs_before = emulator.runs()
        api.close()
    finally:
        assert emulator.stop() == 0, emulator.log()
    assert (completed["status"], asking["status"], to_cancel["status"]) == ("completed", "requires_action", "requires_action")
    assert state_file.exists()

    with Emulator(run_duration=0.2, state_file=str(state_file)) as restarted:
        api = Api(restarted.base_url)
        assert _snapshot(api, [done["id"], waiting["id"], dropped["id"]]) == before
        assert restarted.runs() == runs_before
        assert restarted.requests() != []  # the log is the new process's own: only the reads above
        assert all(entry["method"] == "GET" for entry in restarted.requests())

        # The restored requires_action run goes on like any other.
        call = asking["required_action"]["submit_tool_outputs"]["tool_calls"][0]
        api.post(f"/threads/{waiting['id']}/runs/{asking['id']}/submit_tool_outputs",
                 {"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}]})
        finished = api.wait(asking, until={"completed"})
        assert api.reply(finished) == "get_weather returned: sunny"
        # ... and can be cancelled instead.
        assert api.post(f"/threads/{dropped['id']}/runs/{to_cancel['id']}/cancel")["status"] == "cancelling"
        assert api.wait(to_cancel, until={"cancelled"})["cancelled_at"] is not None
        # New objects can be added next to the restored ones, and the API's rules still hold.
        api.post(f"/threads/{done['id']}/messages", {"role": "user", "content": "again"})
        again = api.wait(api.run(done["id"], assistant["id"]))
        assert api.reply(again) == "You said: again"
        api.close()

    saved = json.loads(state_file.read_text(encoding="utf-8"))
    assert saved["format"] == persistence.FORMAT and saved["version"] == persistence.VERSION
    runs = {run["data"]["id"]: run["data"]["status"] for thread in saved["threads"] for run in thread["runs"]}
    assert runs == {completed["id"]: "completed", asking["id"]: "completed", to_cancel["id"]: "cancelled", again["id"]: "completed"}


def test_a_run_still_moving_at_stop_comes_back_expired(tmp_path):
    state_file = tmp_path / "state.json"
    with Emulator(run_duration=20, state_file=str(state_file)) as emulator:
        api = Api(emulator.base_url)
        assistant = api.assistant(name="slow")
        thread = api.thread("take your time")
        moving = api.wait(api.run(thread["id"], assistant["id"]), until={"in_progress"})
        api.close()

    with Emulator(run_duration=0.2, state_file=str(state_file)) as restarted:
        api = Api(restarted.base_url)
        run = api.get(f"/threads/{thread['id']}/runs/{moving['id']}")
        assert run["status"] == "expired"
        assert run["expires_at"] is not None and run["required_action"] is None
        steps = api.get(f"/threads/{thread['id']}/runs/{moving['id']}/steps")["data"]
        assert [step["status"] for step in steps] == ["expired"]
        reply = api.get(f"/threads/{thread['id']}/messages", run_id=moving["id"])["data"]
        assert [(message["status"], message["incomplete_details"]) for message in reply] == [("incomplete", {"reason": "run_expired"})]
        record = restarted.runs()[0]
        assert [status for status, _moment in record["history"]] == ["queued", "in_progress", "expired"]
        # No longer active: the thread takes a new run.
        assert api.wait(api.run(thread["id"], assistant["id"]))["status"] == "completed"
        api.post(f"/threads/{thread['id']}/runs/{moving['id']}/cancel", expect=400)
        api.close()


def test_no_file_means_an_empty_start_and_a_reset_is_saved(tmp_path):
    state_file = tmp_path / "sub" / "state.json"
    with Emulator(run_duration=0.2, state_file=str(state_file)) as emulator:
        api = Api(emulator.base_url)
        assert api.get("/assistants")["data"] == []
        api.assistant(name="kept")
        api.close()
    assert [assistant["name"] for assistant in json.loads(state_file.read_text(encoding="utf-8"))["assistants"]] == ["kept"]

    with Emulator(run_duration=0.2, state_file=str(state_file)) as emulator:
        api = Api(emulator.base_url)
        assert [assistant["name"] for assistant in api.get("/assistants")["data"]] == ["kept"]
        emulator.reset()
        api.close()
    assert json.loads(state_file.read_text(encoding="utf-8"))["assistants"] == []


def test_without_the_flag_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Emulator(run_duration=0.2) as emulator:
        api = Api(emulator.base_url)
        api.assistant(name="gone")
        api.close()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("content, message", [
    ("not json", "cannot read"),
    ('{"format": "something else"}', "not an aiops-emulator state file"),
    ('{"format": "aiops-emulator-state", "version": 99}', "version 99"),
    ('{"format": "aiops-emulator-state", "version": 1, "assistants": [], "threads": [{"data": {}}]}', "malformed state"),
])
def test_an_unusable_file_stops_the_start_and_is_left_alone(tmp_path, content, message):
    state_file = tmp_path / "state.json"
    state_file.write_text(content, encoding="utf-8")
    emulator = Emulator(state_file=str(state_file))
    with pytest.raises(EmulatorError, match="exited with status 1") as raised:
        emulator.start()
    assert message in str(raised.value) and str(state_file) in str(raised.value)
    assert state_file.read_text(encoding="utf-8") == content


def test_store_state_round_trip_without_a_server():
    store = persistence.restore_store({"format": persistence.FORMAT, "version": persistence.VERSION, "assistants": [{"id": "asst_a", "name": "a"}],
                                       "threads": [{"data": {"id": "thread_t"}, "messages": [{"id": "msg_m", "role": "user", "content": []}], "runs": []}]})
    assert store.assistant("asst_a")["name"] == "a"
    assert list(store.thread("thread_t").messages) == ["msg_m"]
    again = persistence.store_state(store)
    assert again["assistants"] == [{"id": "asst_a", "name": "a"}]
    assert again["threads"] == [{"data": {"id": "thread_t"}, "messages": [{"id": "msg_m", "role": "user", "content": []}], "runs": []}]
