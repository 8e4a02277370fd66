"""Pure parts of the emulator, without a server: schema translation, request checks, run helpers."""

import json

import pytest

from emulator import schemas
from emulator.errors import ApiError
from emulator.pagination import ListParams, page
from emulator.runs import MAX_DELTAS, reply_chunks, tool_arguments


def _run_object(**changes):
    run = {
        "id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1", "assistant_id": "asst_1", "status": "queued",
        "required_action": None, "last_error": None, "expires_at": None, "started_at": None, "cancelled_at": None, "failed_at": None,
        "completed_at": None, "incomplete_details": None, "model": "gpt-4o", "instructions": "", "tools": [], "metadata": {}, "usage": None,
        "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": None, "max_completion_tokens": None, "truncation_strategy": None,
        "tool_choice": None, "parallel_tool_calls": True, "response_format": None,
    }
    run.update(changes)
    return run


def test_nullable_fields_accept_null_and_nothing_else_loosens():
    validator = schemas.validator("RunObject")
    assert validator.is_valid(_run_object())
    assert not validator.is_valid(_run_object(expires_at="soon"))
    assert not validator.is_valid(_run_object(truncation_strategy={"type": "sometimes"}))
    assert not validator.is_valid(_run_object(status="sleeping"))
    assert not validator.is_valid({key: value for key, value in _run_object().items() if key != "usage"})
    assert not validator.is_valid(_run_object(max_completion_tokens=10))


def test_unknown_schema_name():
    with pytest.raises(KeyError):
        schemas.validator("NoSuchObject")


@pytest.mark.parametrize("body, param, code", [
    ({}, "assistant_id", "missing_required_parameter"),
    ({"assistant_id": "a", "extra": 1}, "extra", "unknown_parameter"),
    ({"assistant_id": "a", "top_p": "1"}, "top_p", "invalid_type"),
    ({"assistant_id": "a", "additional_messages": [{"role": "user", "content": []}]}, "additional_messages[0].content", "invalid_value"),
    ([], None, "invalid_type"),
])
def test_check_request_names_the_param(body, param, code):
    with pytest.raises(ApiError) as raised:
        schemas.check_request("CreateRunRequest", body)
    assert (raised.value.status, raised.value.param, raised.value.code) == (400, param, code)


def test_check_request_accepts_documented_nulls():
    schemas.check_request("CreateRunRequest", {"assistant_id": "a", "instructions": None, "truncation_strategy": None, "tool_choice": None,
                                               "response_format": None, "model": None, "stream": None, "tools": None})
    schemas.check_request("CreateRunRequest", {"assistant_id": "a", "tool_choice": {"type": "function", "function": {"name": "f"}}})


def test_tool_arguments_fill_required_parameters_by_type():
    function = {"name": "f", "parameters": {"type": "object", "required": ["s", "i", "n", "b", "a", "o", "nullable", "untyped"],
                                            "properties": {"s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"},
                                                           "b": {"type": "boolean"}, "a": {"type": "array"}, "o": {"type": "object"},
                                                           "nullable": {"type": ["null", "integer"]}, "optional": {"type": "string"}}}}
    assert json.loads(tool_arguments(function, "text")) == {"s": "text", "i": 0, "n": 0, "b": True, "a": [], "o": {}, "nullable": 0, "untyped": "text"}
    assert tool_arguments({"name": "g"}, "text") == "{}"


@pytest.mark.parametrize("text", ["", "one", "You said: hello", "  spaced   out  ", "line one\nline two", " ".join(str(n) for n in range(50))])
def test_reply_chunks_rebuild_the_text(text):
    chunks = reply_chunks(text)
    assert "".join(chunks) == text
    assert len(chunks) <= MAX_DELTAS and all(chunks)


def test_page_windows():
    items = [{"id": str(n)} for n in range(6)]
    assert [item["id"] for item in page(items, ListParams(limit=2, order="asc", after="1", before="5"))["data"]] == ["2", "3"]
    assert page(items, ListParams(limit=3, order="desc", before="2")) == {"object": "list", "data": [{"id": "5"}, {"id": "4"}, {"id": "3"}],
                                                                          "first_id": "5", "last_id": "3", "has_more": False}
