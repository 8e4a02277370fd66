"""The Responses and Conversations paths: lifecycle, items, function calls, streams, cancel, faults, the apis switch."""

import json
import time

import pytest
import requests

from emulator.harness import Emulator, EmulatorError
from emulator.tests.helpers import Api, parse_sse
from emulator.tests.responses_helpers import WEATHER_TOOL, create, items, output_text, wait

pytestmark = pytest.mark.timeout(60)


def _texts(conversation_items):
    return [(item["type"], item.get("role"), item["content"][0]["text"] if item["type"] == "message" else item.get("output", item.get("name")))
            for item in conversation_items]


def _stream(api, path, method="POST", body=None, **params):
    response = api.request(method, path, json=body, params=params, stream=True)
    assert response.headers["content-type"].startswith("text/event-stream")
    with response:
        return parse_sse(response.iter_lines(decode_unicode=True))


# Conversations and items.

def test_conversation_create_read_update_delete(api):
    conversation = api.post("/conversations", {"metadata": {"owner": "me"}, "items": [{"role": "user", "content": "hello"}]})
    assert conversation["id"].startswith("conv_") and conversation["object"] == "conversation"
    assert conversation["metadata"] == {"owner": "me"} and isinstance(conversation["created_at"], int)
    assert api.get(f"/conversations/{conversation['id']}") == conversation
    updated = api.post(f"/conversations/{conversation['id']}", {"metadata": {"owner": "you", "x": "1"}})
    assert updated["metadata"] == {"owner": "you", "x": "1"}
    assert _texts(items(api, conversation["id"])) == [("message", "user", "hello")]
    assert api.delete(f"/conversations/{conversation['id']}") == {"id": conversation["id"], "object": "conversation.deleted", "deleted": True}
    error = api.get(f"/conversations/{conversation['id']}", expect=404)["error"]
    assert error["message"] == f"Conversation with id '{conversation['id']}' not found."
    assert api.post("/conversations", {})["metadata"] == {}


def test_conversation_items_create_list_get_delete(api):
    conversation = api.post("/conversations", {})
    path = f"/conversations/{conversation['id']}/items"
    added = api.post(path, {"items": [
        {"role": "user", "content": "one"},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "two"}]},
        {"role": "assistant", "content": "three"},
    ]})
    assert added["object"] == "list" and not added["has_more"] and len(added["data"]) == 3
    first, second, third = added["data"]
    assert first["id"].startswith("msg_") and first == {"id": first["id"], "type": "message", "status": "completed", "role": "user",
                                                        "content": [{"type": "input_text", "text": "one"}]}
    assert third["content"] == [{"type": "output_text", "text": "three", "annotations": [], "logprobs": []}]
    assert (added["first_id"], added["last_id"]) == (first["id"], third["id"])

    assert [item["id"] for item in api.get(path)["data"]] == [third["id"], second["id"], first["id"]]  # desc by default
    page = api.get(path, order="asc", limit=2)
    assert [item["id"] for item in page["data"]] == [first["id"], second["id"]] and page["has_more"]
    page = api.get(path, order="asc", limit=2, after=second["id"], include=["message.output_text.logprobs"])
    assert [item["id"] for item in page["data"]] == [third["id"]] and not page["has_more"]

    assert api.get(f"{path}/{second['id']}") == second
    assert api.delete(f"{path}/{second['id']}") == conversation
    assert api.get(f"{path}/{second['id']}", expect=404)["error"]["message"] == f"Item with id '{second['id']}' not found."
    assert [item["id"] for item in items(api, conversation["id"])] == [first["id"], third["id"]]

    too_many = api.post(path, {"items": [{"role": "user", "content": str(number)} for number in range(21)]}, expect=400)["error"]
    assert too_many["param"] == "items" and too_many["code"] == "invalid_value"
    assert api.post(path, {}, expect=400)["error"]["message"] == "Missing required parameter: 'items'."
    assert api.get(path, limit=0, expect=400)["error"]["param"] == "limit"


# Responses.

def test_background_response_lifecycle(api, emulator):
    emulator.config(run_duration=1.0)  # long enough to look at the conversation before the end, even on a busy machine
    conversation = api.post("/conversations", {"items": [{"role": "user", "content": "earlier words"}]})
    response = create(api, conversation=conversation["id"], input="hello background", background=True, metadata={"k": "v"}, instructions="Be brief.")
    assert response["id"].startswith("resp_") and response["status"] == "queued" and response["background"] is True
    assert response["conversation"] == {"id": conversation["id"]} and "usage" not in response and response["output"] == []
    assert len(items(api, conversation["id"])) == 1  # the input joins the conversation when the response ends

    done = wait(api, response)
    assert done["status"] == "completed" and output_text(done) == "You said: hello background"
    assert done["completed_at"] >= done["created_at"] and done["error"] is None and done["metadata"] == {"k": "v"}
    # Tokens are words: instructions (2) + conversation (2) + input (2); the reply has 4.
    assert {key: done["usage"][key] for key in ("input_tokens", "output_tokens", "total_tokens")} == {"input_tokens": 6, "output_tokens": 4, "total_tokens": 10}
    message = done["output"][0]
    assert message["id"].startswith("msg_") and (message["role"], message["status"]) == ("assistant", "completed")
    expected = [("message", "user", "earlier words"), ("message", "user", "hello background"), ("message", "assistant", "You said: hello background")]
    assert _texts(items(api, conversation["id"])) == expected
    assert items(api, conversation["id"])[-1] == message

    control = emulator.responses()[-1]
    assert (control["id"], control["conversation_id"], control["status"], control["background"]) == (done["id"], conversation["id"], "completed", True)
    statuses = [status for status, _moment in control["history"]]
    assert statuses == ["queued", "in_progress", "completed"]
    created, started, ended = (moment for _status, moment in control["history"])
    assert started - created >= 0.1 and ended - created >= 1.0 and control["completed_exact"] == ended
    input_items = api.get(f"/responses/{done['id']}/input_items")
    assert [item["content"][0]["text"] for item in input_items["data"]] == ["hello background"]


def test_plain_response_answers_when_done(api):
    began = time.monotonic()
    response = create(api, input=[{"role": "user", "content": "plain"}], temperature=0.5, max_output_tokens=100, truncation="auto",
                      reasoning={"effort": "low"}, text={"format": {"type": "json_object"}}, tool_choice="none", parallel_tool_calls=False)
    assert time.monotonic() - began >= 0.2
    assert response["status"] == "completed" and output_text(response) == "You said: plain" and response["conversation"] is None
    assert (response["temperature"], response["max_output_tokens"], response["truncation"], response["reasoning"]["effort"]) == (0.5, 100, "auto", "low")
    assert (response["text"]["format"], response["tool_choice"], response["parallel_tool_calls"]) == ({"type": "json_object"}, "none", False)
    assert api.get(f"/responses/{response['id']}") == response
    chained = create(api, previous_response_id=response["id"], input="and then")
    assert output_text(chained) == "You said: and then" and chained["previous_response_id"] == response["id"]
    assert chained["usage"]["input_tokens"] == 1 + 3 + 2  # plain + its reply + and then


def test_prompt_without_model_and_unstored_response(api, emulator):
    prompted = create(api, model=None, prompt={"id": "pmpt_abc", "version": "2", "variables": {"city": "Oslo"}}, input="hi")
    assert prompted["model"] == "gpt-4o" and prompted["prompt"] == {"id": "pmpt_abc", "version": "2", "variables": {"city": "Oslo"}}
    unstored = create(api, input="forget me", store=False)
    assert unstored["status"] == "completed" and unstored["store"] is False
    assert api.get(f"/responses/{unstored['id']}", expect=404)["error"]["message"] == f"Response with id '{unstored['id']}' not found."
    assert [entry["store"] for entry in emulator.responses()] == [True, False]


@pytest.mark.parametrize("text, status, details", [
    ("please [[fail]]", "failed", None),
    ("please [[incomplete]] now", "incomplete", {"reason": "max_output_tokens"}),
])
def test_magic_outcomes(api, text, status, details):
    conversation = api.post("/conversations", {})
    response = wait(api, create(api, conversation=conversation["id"], input=text, background=True))
    assert response["status"] == status and response["incomplete_details"] == details and response["completed_at"] is None
    if status == "failed":
        assert response["error"]["code"] == "server_error" and response["output"] == []
        assert items(api, conversation["id"]) == []
    else:
        assert response["output"][0]["status"] == "incomplete" and output_text(response) == "You said:"  # the first half of the reply
        assert len(items(api, conversation["id"])) == 2


def test_function_call_round_trip(api):
    conversation = api.post("/conversations", {})
    response = create(api, conversation=conversation["id"], input="get_weather for Oslo", tools=[WEATHER_TOOL])
    assert response["status"] == "completed"
    (call,) = response["output"]
    assert call["id"].startswith("fc_") and call["call_id"].startswith("call_") and (call["type"], call["name"], call["status"]) == (
        "function_call", "get_weather", "completed")
    assert json.loads(call["arguments"]) == {"city": "get_weather for Oslo", "days": 0}

    error = create(api, conversation=conversation["id"], input="anything", tools=[WEATHER_TOOL], expect=400)["error"]
    assert error["message"] == f"No tool output found for function call {call['call_id']}." and error["param"] == "input"
    wrong = [{"type": "function_call_output", "call_id": "call_other", "output": "x"}]
    error = create(api, conversation=conversation["id"], input=wrong, tools=[WEATHER_TOOL], expect=400)["error"]
    assert error["message"] == "No tool call found for function call output with call_id call_other."

    outputs = [{"type": "function_call_output", "call_id": call["call_id"], "output": "sunny"}]
    answer = create(api, conversation=conversation["id"], input=outputs, tools=[WEATHER_TOOL])
    assert answer["status"] == "completed" and output_text(answer) == "get_weather returned: sunny"
    expected = [("message", "user", "get_weather for Oslo"), ("function_call", None, "get_weather"), ("function_call_output", None, "sunny"),
                ("message", "assistant", "get_weather returned: sunny")]
    assert _texts(items(api, conversation["id"])) == expected


def test_conversation_is_locked_while_a_response_runs(api, emulator):
    emulator.config(run_duration=30)
    conversation = api.post("/conversations", {})
    first = create(api, conversation={"id": conversation["id"]}, input="first", background=True)
    error = create(api, conversation=conversation["id"], input="second", expect=400)["error"]
    assert (error["code"], error["param"]) == ("conversation_locked", "conversation")
    api.post(f"/responses/{first['id']}/cancel")
    emulator.config(run_duration=0.2)
    assert output_text(create(api, conversation=conversation["id"], input="second")) == "You said: second"


@pytest.mark.parametrize("body, param, message", [
    ({"input": "x", "bogus": 1}, "bogus", "Unknown parameter: 'bogus'."),
    ({"model": None, "input": "x"}, "model", "Missing required parameter: 'model'."),
    ({"input": "x", "temperature": "hot"}, "temperature", None),
    ({"input": [{"role": "user"}]}, "input[0]", None),
    ({"input": "x", "tools": [{"type": "function", "name": "f"}]}, "tools[0]", None),
    ({"input": "x", "conversation": "conv_a", "previous_response_id": "resp_b"}, None,
     "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'."),
    ({"input": "x", "previous_response_id": "resp_missing"}, "previous_response_id", "Previous response with id 'resp_missing' not found."),
    ({"input": "x", "background": True, "store": False}, "store", None),
    ({"input": "x", "metadata": {f"k{number}": "v" for number in range(17)}}, "metadata", None),
])
def test_invalid_create_requests(api, emulator, body, param, message):
    error = create(api, expect=400, **body)["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"
    assert message is None or error["message"] == message
    assert emulator.responses() == []


def test_unknown_ids_and_bad_json(api):
    assert api.get("/responses/resp_nope", expect=404)["error"]["message"] == "Response with id 'resp_nope' not found."
    assert create(api, conversation="conv_nope", input="x", expect=404)["error"]["message"] == "Conversation with id 'conv_nope' not found."
    response = api.request("POST", "/responses", expect=400, data=b"{not json", headers={"content-type": "application/json"})
    assert response.json()["error"]["message"].startswith("We could not parse the JSON body")


def test_cancel_delete_and_input_items(api, emulator):
    emulator.config(run_duration=1.0)
    conversation = api.post("/conversations", {})
    response = create(api, conversation=conversation["id"], input="cancel me", background=True)
    cancelled = api.post(f"/responses/{response['id']}/cancel")
    assert cancelled["status"] == "cancelled" and cancelled["completed_at"] is None
    assert api.post(f"/responses/{response['id']}/cancel")["status"] == "cancelled"
    time.sleep(1.2)  # past the end the response would have reached
    assert api.get(f"/responses/{response['id']}")["status"] == "cancelled" and items(api, conversation["id"]) == []

    emulator.config(run_duration=0.2)
    plain = create(api, input="not in the background")
    assert api.post(f"/responses/{plain['id']}/cancel", expect=400)["error"]["message"] == "Only responses created with background=true can be cancelled."
    finished = wait(api, create(api, input="done", background=True))
    assert api.post(f"/responses/{finished['id']}/cancel", expect=400)["error"]["message"] == "Cannot cancel a response with status 'completed'."

    assert api.delete(f"/responses/{finished['id']}") == {"id": finished["id"], "object": "response", "deleted": True}
    api.get(f"/responses/{finished['id']}", expect=404)
    api.get(f"/responses/{finished['id']}/input_items", expect=404)
    listing = api.get(f"/responses/{plain['id']}/input_items", order="asc")
    assert [item["content"][0]["text"] for item in listing["data"]] == ["not in the background"]


def test_deleting_a_running_response_frees_its_conversation(api, emulator):
    emulator.config(run_duration=30)
    conversation = api.post("/conversations", {})
    running = create(api, conversation=conversation["id"], input="one", background=True)
    api.delete(f"/responses/{running['id']}")
    emulator.config(run_duration=0.2)
    assert output_text(create(api, conversation=conversation["id"], input="two")) == "You said: two"


# Streams.

def test_stream_events_with_sequence_numbers(api):
    conversation = api.post("/conversations", {})
    events = _stream(api, "/responses", body={"model": "gpt-4o", "conversation": conversation["id"], "input": "stream me please", "stream": True})
    names = [name for name, _data in events]
    assert [data["sequence_number"] for _name, data in events] == list(range(len(events)))
    assert all(data["type"] == name for name, data in events)
    assert names[:5] == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                         "response.output_text.delta"]
    assert names[-5:] == ["response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done",
                          "response.completed"]
    assert "".join(data["delta"] for name, data in events if name == "response.output_text.delta") == "You said: stream me please"
    assert events[0][1]["response"]["status"] == "in_progress"
    completed = events[-1][1]["response"]
    assert completed["status"] == "completed" and output_text(completed) == "You said: stream me please"
    assert len(items(api, conversation["id"])) == 2


def test_function_call_stream_and_background_queue(api):
    events = _stream(api, "/responses", body={"model": "gpt-4o", "input": "get_weather in Rome", "tools": [WEATHER_TOOL], "stream": True,
                                              "background": True})
    assert [name for name, _data in events] == ["response.created", "response.queued", "response.in_progress", "response.output_item.added",
                                                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                                                "response.output_item.done", "response.completed"]
    done = events[-1][1]["response"]
    assert events[5][1]["arguments"] == done["output"][0]["arguments"] and events[5][1]["name"] == "get_weather"


def test_resume_a_background_stream(api):
    response = api.request("POST", "/responses", json={"model": "gpt-4o", "input": "resume this stream please", "background": True, "stream": True},
                           stream=True)
    lines = []
    with response:  # read four events, then drop the connection, as a broken stream would
        for line in response.iter_lines(decode_unicode=True):
            lines.append(line)
            if sum(line.startswith("data: ") for line in lines) == 4:
                break
    seen = parse_sse(lines)
    response_id = seen[0][1]["response"]["id"]
    last = seen[-1][1]["sequence_number"]
    assert last == 3
    rest = _stream(api, f"/responses/{response_id}", method="GET", stream="true", starting_after=last)
    assert [data["sequence_number"] for _name, data in seen + rest] == list(range(len(seen + rest)))
    assert rest[-1][0] == "response.completed"
    replay = _stream(api, f"/responses/{response_id}", method="GET", stream="true")
    assert [name for name, _data in replay] == [name for name, _data in seen + rest]
    assert _stream(api, f"/responses/{response_id}", method="GET", stream="true", starting_after=len(replay) - 1) == []
    assert api.get(f"/responses/{response_id}", stream="true", starting_after="x", expect=400)["error"]["param"] == "starting_after"


def test_cancel_ends_the_stream(api, emulator):
    emulator.config(run_duration=30)
    response = create(api, input="cancel while streaming", background=True)
    session = Api(api.base_url)
    try:
        stream = session.request("GET", f"/responses/{response['id']}", params={"stream": "true"}, stream=True)
        api.post(f"/responses/{response['id']}/cancel")
        with stream:
            events = parse_sse(stream.iter_lines(decode_unicode=True))
    finally:
        session.close()
    assert events[0][0] == "response.created" and not any(name.startswith("response.completed") for name, _data in events)


# Faults, request log, control.

def test_faults_apply_to_the_responses_paths(api, emulator):
    emulator.add_fault(kind="status", status=429, retry_after=1, method="POST", path=r"/responses$")
    response = api.request("POST", "/responses", expect=429, json={"model": "gpt-4o", "input": "x"})
    assert response.headers["retry-after"] == "1" and response.json()["error"]["code"] == "rate_limit_exceeded"
    emulator.add_fault(kind="status", status=503, path=r"^/v1/conversations")
    assert api.post("/conversations", {}, expect=503)["error"]["type"] == "server_error"
    emulator.add_fault(kind="malformed", method="GET", path=r"/responses/")
    emulator.add_fault(kind="delay", seconds=0.3, path=r"/conversations$")
    began = time.monotonic()
    conversation = api.post("/conversations", {})
    assert time.monotonic() - began >= 0.3
    assert emulator.responses() == []

    emulator.add_fault(kind="drop_after_commit", method="POST", path=r"/responses$")
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{emulator.base_url}/responses", json={"model": "gpt-4o", "conversation": conversation["id"], "input": "lost", "background": True},
                      headers={"Authorization": "Bearer k"}, timeout=10)
    (created,) = emulator.responses()
    assert created["conversation_id"] == conversation["id"]
    malformed = api.request("GET", f"/responses/{created['id']}")
    with pytest.raises(ValueError):
        malformed.json()
    assert [(entry["method"], entry["path"], entry["status"], entry["fault"]) for entry in emulator.requests()] == [
        ("POST", "/v1/responses", 429, "status"),
        ("POST", "/v1/conversations", 503, "status"),
        ("POST", "/v1/conversations", 200, "delay"),
        ("POST", "/v1/responses", None, "drop_after_commit"),
        ("GET", f"/v1/responses/{created['id']}", 200, "malformed"),
    ]


@pytest.mark.parametrize("after_event", [None, "response.in_progress"])
def test_stream_cut(api, emulator, after_event):
    rule = {"kind": "stream_cut", "path": r"/responses$"}
    if after_event:
        rule["after_event"] = after_event
    emulator.add_fault(**rule)
    response = api.request("POST", "/responses", json={"model": "gpt-4o", "input": "cut me", "stream": True, "background": True}, stream=True)
    lines = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError), response:
        for line in response.iter_lines(decode_unicode=True):
            lines.append(line)
    events = parse_sse(lines)
    assert [name for name, _data in events] == ["response.created", "response.queued", "response.in_progress"][:len(events)]
    assert events[-1][0] == (after_event or "response.created")
    assert emulator.requests()[-1]["fault"] == "stream_cut"
    done = wait(api, events[0][1]["response"])
    assert done["status"] == "completed"


def test_apis_switch_at_runtime(api, emulator):
    emulator.config(apis=["responses"])
    response = api.request("GET", "/assistants", expect=404)
    assert response.json() == {"error": {"message": "Invalid URL (GET /v1/assistants)", "type": "invalid_request_error", "param": None, "code": None}}
    api.request("POST", "/threads/thread_x/runs", expect=404, json={})
    api.post("/conversations", {})
    assert emulator.config()["apis"] == ["responses"]
    emulator.config(apis="assistants")
    assert api.post("/conversations", {}, expect=404)["error"]["message"] == "Invalid URL (POST /v1/conversations)"
    api.get("/responses/resp_x", expect=404)
    api.get("/assistants")
    assert [entry["status"] for entry in emulator.requests()] == [404, 404, 200, 404, 404, 200]
    with pytest.raises(EmulatorError, match="apis must name one or more of assistants, responses, not chat"):
        emulator.config(apis=["chat"])
    with pytest.raises(EmulatorError):
        emulator.config(apis=[])
    emulator.reset()
    assert "apis" not in emulator.config()
    api.post("/conversations", {})


def test_apis_option_on_the_command_line():
    with Emulator(run_duration=0.05, apis="responses") as emu:
        client = Api(emu.base_url)
        try:
            assert emu.config()["apis"] == ["responses"]
            client.get("/assistants", expect=404)
            assert client.post("/responses", {"model": "m", "input": "hi"})["status"] == "completed"
        finally:
            client.close()
    with Emulator(run_duration=0.05, apis=["assistants"]) as emu:
        assert emu.config()["apis"] == ["assistants"]
    with pytest.raises(EmulatorError, match="exited with status 2"):
        Emulator(apis="chat").start()


def test_state_file_keeps_conversations_and_responses(tmp_path):
    state_file = tmp_path / "state.json"
    emulator = Emulator(run_duration=0.2, state_file=str(state_file)).start()
    try:
        client = Api(emulator.base_url)
        conversation = client.post("/conversations", {"metadata": {"a": "b"}})
        done = create(client, conversation=conversation["id"], input="keep me")
        emulator.config(run_duration=30)
        moving = create(client, input="still moving", background=True)
        client.close()
    finally:
        assert emulator.stop() == 0
    emulator = Emulator(run_duration=0.2, state_file=str(state_file)).start()
    try:
        client = Api(emulator.base_url)
        assert client.get(f"/conversations/{conversation['id']}") == conversation
        assert _texts(items(client, conversation["id"])) == [("message", "user", "keep me"), ("message", "assistant", "You said: keep me")]
        assert client.get(f"/responses/{done['id']}") == done
        failed = client.get(f"/responses/{moving['id']}")
        assert failed["status"] == "failed" and failed["error"]["code"] == "server_error"
        replay = _stream(client, f"/responses/{moving['id']}", method="GET", stream="true")
        assert replay[-1][0] == "response.failed"
        assert output_text(create(client, conversation=conversation["id"], input="again")) == "You said: again"
        client.close()
    finally:
        emulator.stop()
