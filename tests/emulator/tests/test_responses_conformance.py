"""Every conversation, item, response, list, deletion, error and stream event of the Responses paths matches the copied document."""

import pytest

from emulator.tests.helpers import parse_sse
from emulator.tests.responses_helpers import WEATHER_TOOL, assert_response_schema, create, wait

pytestmark = pytest.mark.timeout(60)

FILE_SEARCH = {"type": "file_search", "vector_store_ids": ["vs_1"]}


def assert_events(events):
    """Each event against its own schema and against the ResponseStreamEvent union."""
    assert events
    for name, data in events:
        assert_response_schema("ResponseStreamEvent", data)
        if name.startswith("response.") and "response" in data:
            assert_response_schema("Response", data["response"])
        if "item" in data:
            assert_response_schema("OutputItem", data["item"])


def test_conversation_objects(api):
    first_items = [{"role": "user", "content": "hi"}, {"role": "developer", "content": "be kind"}]
    conversation = api.post("/conversations", {"metadata": {"a": "b"}, "items": first_items})
    assert_response_schema("ConversationResource", conversation)
    assert_response_schema("ConversationResource", api.get(f"/conversations/{conversation['id']}"))
    assert_response_schema("ConversationResource", api.post(f"/conversations/{conversation['id']}", {"metadata": {"c": "d"}}))
    added = api.post(f"/conversations/{conversation['id']}/items", {"items": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "typed"}]},
        {"role": "assistant", "content": "an answer"},
    ]})
    assert_response_schema("ConversationItemList", added)
    listing = api.get(f"/conversations/{conversation['id']}/items")
    assert len(listing["data"]) == 4
    assert_response_schema("ConversationItemList", listing)
    for item in listing["data"]:
        assert_response_schema("ConversationItem", api.get(f"/conversations/{conversation['id']}/items/{item['id']}"))
    assert_response_schema("ConversationResource", api.delete(f"/conversations/{conversation['id']}/items/{added['data'][0]['id']}"))
    assert_response_schema("DeletedConversationResource", api.delete(f"/conversations/{conversation['id']}"))


@pytest.mark.parametrize("text, status", [
    ("hello", "completed"),
    ("please [[fail]]", "failed"),
    ("please [[incomplete]] now", "incomplete"),
    ("get_weather for Oslo", "completed"),
])
def test_response_objects_in_every_state(api, text, status):
    conversation = api.post("/conversations", {})
    response = create(api, conversation=conversation["id"], input=text, background=True, tools=[WEATHER_TOOL, FILE_SEARCH], metadata={"k": "v"},
                      instructions="Be brief.", reasoning={"effort": "low"}, text={"format": {"type": "text"}}, truncation="auto",
                      prompt={"id": "pmpt_1", "version": "1", "variables": {"city": "Oslo"}})
    assert_response_schema("Response", response)
    done = wait(api, response)
    assert done["status"] == status
    assert_response_schema("Response", done)
    for item in done["output"]:
        assert_response_schema("OutputItem", item)
    assert_response_schema("ResponseItemList", api.get(f"/responses/{done['id']}/input_items"))
    for item in api.get(f"/conversations/{conversation['id']}/items")["data"]:
        assert_response_schema("ConversationItem", item)


def test_function_call_output_items(api):
    conversation = api.post("/conversations", {})
    call = create(api, conversation=conversation["id"], input="get_weather please", tools=[WEATHER_TOOL])["output"][0]
    answer = create(api, conversation=conversation["id"], tools=[WEATHER_TOOL],
                    input=[{"type": "function_call_output", "call_id": call["call_id"], "output": "sunny"}])
    assert_response_schema("Response", answer)
    listing = api.get(f"/responses/{answer['id']}/input_items")
    assert [item["type"] for item in listing["data"]] == ["function_call_output"]
    assert_response_schema("ResponseItemList", listing)
    conversation_items = api.get(f"/conversations/{conversation['id']}/items")
    assert [item["type"] for item in conversation_items["data"]] == ["message", "function_call_output", "function_call", "message"]
    assert_response_schema("ConversationItemList", conversation_items)


def test_cancelled_and_deleted(api, emulator):
    emulator.config(run_duration=30)
    response = create(api, input="stop", background=True)
    cancelled = api.post(f"/responses/{response['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert_response_schema("Response", cancelled)
    assert api.delete(f"/responses/{response['id']}")["deleted"] is True


@pytest.mark.parametrize("text", ["stream this please", "get_weather for Rome", "[[incomplete]] half of it", "[[fail]]"])
def test_stream_events(api, text):
    response = api.request("POST", "/responses", json={"model": "gpt-4o", "input": text, "tools": [WEATHER_TOOL], "stream": True, "background": True},
                           stream=True)
    with response:
        events = parse_sse(response.iter_lines(decode_unicode=True))
    assert events[-1][0] in ("response.completed", "response.incomplete", "response.failed")
    assert_events(events)


def test_errors(api, emulator):
    for response in (
        api.request("GET", "/responses/resp_x", expect=404),
        api.request("POST", "/responses", expect=400, json={"model": "gpt-4o", "bogus": True}),
        api.request("POST", "/conversations/conv_x/items", expect=404, json={"items": []}),
    ):
        assert_response_schema("ErrorResponse", response.json())
    emulator.config(apis=["assistants"])
    assert_response_schema("ErrorResponse", api.request("GET", "/responses/resp_x", expect=404).json())
