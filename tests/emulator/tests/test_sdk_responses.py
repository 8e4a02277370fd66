"""The official openai SDK's responses and conversations calls work against the emulator."""

import time

import pytest
from openai import BadRequestError, OpenAI

from emulator.tests.responses_helpers import WEATHER_TOOL

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(name="client")
def fixture_client(emulator):
    """An SDK client on the freshly reset emulator."""
    client = OpenAI(base_url=emulator.base_url, api_key="test", max_retries=0)
    yield client
    client.close()


def test_conversation_then_background_response_polled(client, emulator):
    conversation = client.conversations.create(metadata={"topic": "sdk"}, items=[{"role": "user", "content": "first words"}])
    added = client.conversations.items.create(conversation.id, items=[{"type": "message", "role": "user", "content": "Hello from the SDK"}])
    assert [item.type for item in added.data] == ["message"]
    response = client.responses.create(model="gpt-4o", conversation=conversation.id, background=True)
    assert response.status == "queued"
    deadline = time.monotonic() + 5
    while response.status in ("queued", "in_progress"):  # the SDK's documented background loop, with a short interval
        assert time.monotonic() < deadline
        time.sleep(0.02)
        response = client.responses.retrieve(response.id)
    assert response.status == "completed" and response.output_text == "You said: Hello from the SDK"
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens > 0
    listing = client.conversations.items.list(conversation.id, order="asc")
    assert [(item.type, item.role) for item in listing.data] == [("message", "user"), ("message", "user"), ("message", "assistant")]
    assert client.conversations.retrieve(conversation.id).metadata == {"topic": "sdk"}
    assert client.conversations.update(conversation.id, metadata={"topic": "done"}).metadata == {"topic": "done"}
    assert [entry["status"] for entry in emulator.requests() if entry["method"] == "GET" and entry["path"].endswith(response.id)]


def test_stream_and_function_call_round_trip(client):
    conversation = client.conversations.create()
    with client.responses.create(model="gpt-4o", conversation=conversation.id, input="get_weather for Oslo", tools=[WEATHER_TOOL], stream=True) as stream:
        events = list(stream)
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert events[-1].type == "response.completed"
    call = events[-1].response.output[0]
    assert (call.type, call.name) == ("function_call", "get_weather")
    answer = client.responses.create(model="gpt-4o", conversation=conversation.id, tools=[WEATHER_TOOL],
                                     input=[{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}])
    assert answer.output_text == "get_weather returned: sunny"
    inputs = client.responses.input_items.list(answer.id)
    assert [item.type for item in inputs.data] == ["function_call_output"]


def test_resume_cancel_and_delete(client, emulator):
    response = client.responses.create(model="gpt-4o", input="resume me", background=True)
    with client.responses.retrieve(response.id, stream=True, starting_after=1) as stream:
        events = list(stream)
    assert events[0].sequence_number == 2 and events[-1].type == "response.completed"
    assert events[-1].response.output_text == "You said: resume me"

    emulator.config(run_duration=30)
    running = client.responses.create(model="gpt-4o", input="cancel me", background=True)
    assert client.responses.cancel(running.id).status == "cancelled"
    emulator.config(run_duration=0.2)
    with pytest.raises(BadRequestError, match="Only responses created with background=true can be cancelled"):
        client.responses.cancel(client.responses.create(model="gpt-4o", input="plain").id)
    client.responses.delete(running.id)
    client.conversations.delete(client.conversations.create().id)
