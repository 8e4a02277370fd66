"""Helpers for the tests of the Responses and Conversations paths."""

from emulator import responses_schemas

SETTLED = frozenset({"completed", "failed", "incomplete", "cancelled"})
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city", "days"]},
    "strict": None,
}


def assert_response_schema(name, instance):
    """Fail with every validation error if ``instance`` does not match ``components.schemas.<name>`` of the Responses document."""
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in responses_schemas.validator(name).iter_errors(instance)]
    assert not errors, f"{name}: " + "; ".join(errors)


def create(api, expect=200, **body):
    """POST /responses (model gpt-4o unless given; a field given as None is left out)."""
    fields = {key: value for key, value in dict({"model": "gpt-4o"}, **body).items() if value is not None}
    return api.post("/responses", fields, expect=expect)


def wait(api, response, until=SETTLED, timeout=5.0):
    """Poll ``GET /responses/{id}`` until the status is in ``until``; the last Response."""
    return api.poll(f"/responses/{response['id']}", until, timeout)


def output_text(response):
    """The text of the response's output messages (what the SDK's ``output_text`` computes)."""
    return "".join(part["text"] for item in response["output"] if item["type"] == "message" for part in item["content"] if part["type"] == "output_text")


def items(api, conversation_id):
    """The conversation's items, oldest first."""
    return api.get(f"/conversations/{conversation_id}/items", order="asc", limit=100)["data"]
