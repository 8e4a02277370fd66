"""The official openai SDK works against the emulator."""

import pytest
from openai import OpenAI

# The SDK marks every Assistants call deprecated, with one of these two messages.
pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.filterwarnings("ignore:The Assistants API is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:deprecated$:DeprecationWarning"),
]


def test_create_and_poll_then_read_the_reply(emulator):
    client = OpenAI(base_url=emulator.base_url, api_key="test", max_retries=0)
    try:
        assistant = client.beta.assistants.create(model="gpt-4o", name="sdk", instructions="Answer.")
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="Hello from the SDK")
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        assert run.status == "completed" and run.usage.total_tokens > 0
        messages = client.beta.threads.messages.list(thread_id=thread.id, run_id=run.id)
        assert [message.content[0].text.value for message in messages.data] == ["You said: Hello from the SDK"]
    finally:
        client.close()
    gets = [entry for entry in emulator.requests() if entry["method"] == "GET" and entry["path"].endswith(run.id)]
    assert gets and all(entry["status"] == 200 for entry in gets)


def test_sdk_tool_call_round_trip(emulator):
    client = OpenAI(base_url=emulator.base_url, api_key="test", max_retries=0)
    try:
        parameters = {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}
        tool = {"type": "function", "function": {"name": "get_time", "parameters": parameters}}
        assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "get_time for UTC"}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=20)
        assert run.status == "requires_action"
        call = run.required_action.submit_tool_outputs.tool_calls[0]
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(thread_id=thread.id, run_id=run.id, poll_interval_ms=20,
                                                                    tool_outputs=[{"tool_call_id": call.id, "output": "12:00"}])
        assert run.status == "completed"
        messages = client.beta.threads.messages.list(thread_id=thread.id, order="asc")
        assert messages.data[-1].content[0].text.value == "get_time returned: 12:00"
    finally:
        client.close()
