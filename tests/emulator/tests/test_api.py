"""Plain API behaviour: CRUD, pagination, request validation, auth, headers and settings."""

import re

import pytest
import requests

from emulator.harness import EmulatorError
from emulator.tests.helpers import Api

pytestmark = pytest.mark.timeout(60)


def test_ids_and_crud(api):
    assistant = api.assistant(name="first", metadata={"team": "a"})
    assert re.fullmatch(r"asst_[A-Za-z0-9]{24}", assistant["id"])
    changed = api.post(f"/assistants/{assistant['id']}", {"name": "second", "tools": [{"type": "code_interpreter"}]})
    assert (changed["name"], changed["tools"], changed["metadata"]) == ("second", [{"type": "code_interpreter"}], {"team": "a"})
    assert api.delete(f"/assistants/{assistant['id']}") == {"id": assistant["id"], "object": "assistant.deleted", "deleted": True}
    api.get(f"/assistants/{assistant['id']}", expect=404)

    thread = api.thread("hi")
    assert re.fullmatch(r"thread_[A-Za-z0-9]{24}", thread["id"])
    assert api.post(f"/threads/{thread['id']}", {"metadata": {"k": "v"}})["metadata"] == {"k": "v"}
    message = api.get(f"/threads/{thread['id']}/messages")["data"][0]
    assert re.fullmatch(r"msg_[A-Za-z0-9]{24}", message["id"])
    assert (message["role"], message["content"], message["run_id"]) == ("user", [{"type": "text", "text": {"value": "hi", "annotations": []}}], None)
    assert api.post(f"/threads/{thread['id']}/messages/{message['id']}", {"metadata": {"m": "1"}})["metadata"] == {"m": "1"}
    assert api.delete(f"/threads/{thread['id']}/messages/{message['id']}")["object"] == "thread.message.deleted"
    assert api.get(f"/threads/{thread['id']}/messages")["data"] == []
    assert api.delete(f"/threads/{thread['id']}")["object"] == "thread.deleted"
    api.get(f"/threads/{thread['id']}", expect=404)


def test_modify_run_metadata(api):
    assistant = api.assistant()
    thread = api.thread("x")
    run = api.wait(api.run(thread["id"], assistant["id"], metadata={"a": "1"}))
    assert api.post(f"/threads/{thread['id']}/runs/{run['id']}", {"metadata": {"b": "2"}})["metadata"] == {"b": "2"}
    assert api.get(f"/threads/{thread['id']}/runs/{run['id']}")["metadata"] == {"b": "2"}


def test_pagination(api):
    ids = [api.assistant(name=str(index))["id"] for index in range(5)]
    first = api.get("/assistants", limit=2)
    assert [item["id"] for item in first["data"]] == [ids[4], ids[3]]
    assert (first["first_id"], first["last_id"], first["has_more"]) == (ids[4], ids[3], True)
    second = api.get("/assistants", limit=2, after=first["last_id"])
    assert [item["id"] for item in second["data"]] == [ids[2], ids[1]] and second["has_more"]
    third = api.get("/assistants", limit=2, after=second["last_id"])
    assert [item["id"] for item in third["data"]] == [ids[0]] and not third["has_more"]
    assert [item["id"] for item in api.get("/assistants", order="asc")["data"]] == ids
    assert [item["id"] for item in api.get("/assistants", order="asc", after=ids[1], limit=2)["data"]] == ids[2:4]
    before = api.get("/assistants", order="asc", before=ids[4], limit=2)
    assert [item["id"] for item in before["data"]] == ids[2:4] and before["has_more"]

    bad = [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "x"}, "limit"), ({"order": "up"}, "order"), ({"after": "asst_x"}, "after")]
    for params, param in bad:
        assert api.get("/assistants", expect=400, **params)["error"]["param"] == param
    assert len(api.get("/assistants", limit=100)["data"]) == 5


def test_messages_filter_by_run_and_runs_newest_first(api):
    assistant = api.assistant()
    thread = api.thread("one")
    first = api.wait(api.run(thread["id"], assistant["id"]))
    api.post(f"/threads/{thread['id']}/messages", {"role": "user", "content": "two"})
    second = api.wait(api.run(thread["id"], assistant["id"]))
    assert [run["id"] for run in api.get(f"/threads/{thread['id']}/runs")["data"]] == [second["id"], first["id"]]
    assert api.reply(first) == "You said: one" and api.reply(second) == "You said: two"
    assert len(api.get(f"/threads/{thread['id']}/messages")["data"]) == 4


@pytest.mark.parametrize("path, body, param, code", [
    ("/assistants", {"name": "no model"}, "model", "missing_required_parameter"),
    ("/assistants", {"model": "gpt-4o", "colour": "red"}, "colour", "unknown_parameter"),
    ("/assistants", {"model": "gpt-4o", "temperature": "hot"}, "temperature", None),
    ("/assistants", {"model": "gpt-4o", "tools": [{"type": "web"}]}, "tools[0]", None),
    ("/assistants", {"model": "gpt-4o", "metadata": {str(index): "v" for index in range(17)}}, "metadata", "object_above_max_properties"),
    ("/threads", {"messages": [{"role": "user"}]}, "messages[0].content", "missing_required_parameter"),
    ("/threads", {"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "invalid_value"),
    ("/threads/runs", {"thread": {}}, "assistant_id", "missing_required_parameter"),
])
def test_bad_bodies_are_400_with_param(api, path, body, param, code):
    error = api.post(path, body, expect=400)["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param and param in error["message"]
    if code:
        assert error["code"] == code


def test_body_that_is_not_json(api):
    error = api.request("POST", "/assistants", expect=400, data=b"{not json", headers={"content-type": "application/json"}).json()["error"]
    assert error["message"].startswith("We could not parse the JSON body of your request.")


def test_auth(emulator):
    url = emulator.base_url + "/assistants"
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, {"api-key": ""}):
        response = requests.get(url, headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key" and response.json()["error"]["type"] == "invalid_request_error"
    assert requests.get(url, headers={"api-key": "azure-key"}, params={"api-version": "2024-05-01-preview"}, timeout=10).status_code == 200

    emulator.config(api_key="sk-right")
    wrong = requests.get(url, headers={"Authorization": "Bearer sk-wrong-secret"}, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
    assert "sk-wrong-secret" not in wrong.text and "sk-wrong-secret" not in str(wrong.headers)
    assert requests.get(url, headers={"Authorization": "Bearer sk-right"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"api-key": "sk-right"}, timeout=10).status_code == 200
    emulator.config(api_key=None)
    assert requests.get(url, headers={"Authorization": "Bearer anything"}, timeout=10).status_code == 200


def test_request_id_and_poll_after_headers(api, emulator):
    seen = set()
    for response in (api.request("POST", "/assistants", json={"model": "m"}), api.request("GET", "/threads/thread_x", expect=404),
                     requests.get(emulator.base_url + "/assistants", timeout=10)):
        assert re.fullmatch(r"req_[0-9a-f]{32}", response.headers["x-request-id"])
        seen.add(response.headers["x-request-id"])
    assert len(seen) == 3

    assistant = api.assistant()
    thread = api.thread("x")
    run = api.run(thread["id"], assistant["id"])
    path = f"/threads/{thread['id']}/runs/{run['id']}"
    assert api.request("GET", path).headers["openai-poll-after-ms"] == "500"
    emulator.config(poll_after_ms=250)
    assert api.request("GET", path).headers["openai-poll-after-ms"] == "250"
    emulator.config(poll_after_ms=0)
    assert "openai-poll-after-ms" not in api.request("GET", path).headers


def test_settings_and_reset(emulator):
    startup = emulator.config()
    assert startup == {"run_duration": 0.2, "cancel_duration": 0.1, "poll_after_ms": 500, "api_key": None,
                       "stream_supported": True, "stream_keepalive": None, "seed": 0}
    assert emulator.config(run_duration=3, stream_keepalive=0.5)["run_duration"] == 3.0
    with pytest.raises(EmulatorError, match="unknown configuration key"):
        emulator.config(colour="red")
    with pytest.raises(EmulatorError, match="run_duration"):
        emulator.config(run_duration=-1)

    client = Api(emulator.base_url)
    try:
        client.assistant()
        emulator.add_fault(kind="delay", seconds=0.01, times=None)
        emulator.reset()
        assert emulator.config() == startup
        assert emulator.requests() == [] and emulator.faults() == [] and emulator.runs() == []
        assert client.get("/assistants")["data"] == []
    finally:
        client.close()


def test_streaming_can_be_switched_off(api, emulator):
    emulator.config(stream_supported=False)
    assistant = api.assistant()
    thread = api.thread("x")
    error = api.post(f"/threads/{thread['id']}/runs", {"assistant_id": assistant["id"], "stream": True}, expect=400)["error"]
    assert error["param"] == "stream"
    assert emulator.runs() == []
    assert api.run(thread["id"], assistant["id"], stream=False)["status"] == "queued"
