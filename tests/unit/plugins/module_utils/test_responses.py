# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Responses API protocol: request and result mapping, waiting with resume, the journal, lost creates, API choice."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aiops.openai.plugins.module_utils import _responses as R
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ResponseLostError, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._runs import create_run, submit_tool_outputs
from ansible_collections.aiops.openai.plugins.module_utils._markers import RUN_MARKER
from ansible_collections.aiops.openai.tests.unit.utils import (
    connection_dropped,
    cut_stream,
    read_timeout,
    error_response,
    json_response,
    sse_event,
    sse_response,
)

MARKER = "a" * 40
CONV = "conv_1"
USER = {"id": "msg_u1", "type": "message", "role": "user", "status": "completed",
        "content": [{"type": "input_text", "text": "What is the weather in Paris?"}]}
ANSWER = {"id": "msg_a1", "type": "message", "role": "assistant", "status": "completed",
          "content": [{"type": "output_text", "text": "Sunny.", "annotations": [{"type": "file_citation", "file_id": "file_9"}]}]}
CALL = {"id": "fc_1", "type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": '{"city": "Paris"}',
        "status": "completed"}


def noop(_text):
    pass


def params(**extra):
    base = dict(model="gpt-4o", instructions=None, additional_instructions=None, additional_messages=None, tools=None,
                metadata=None, temperature=None, top_p=None, max_tokens=None, max_prompt_tokens=None, truncation_strategy=None,
                tool_choice=None, parallel_tool_calls=None, response_format=None, reasoning_effort=None, assistant_id=None)
    base.update(extra)
    return base


def response(status="completed", rid="resp_1", output=(), **extra):
    data = {"id": rid, "object": "response", "created_at": 1767225600, "status": status, "background": True,
            "completed_at": 1767225603 if status == "completed" else None, "error": None, "incomplete_details": None,
            "model": "gpt-4o", "output": list(output), "conversation": {"id": CONV}, "metadata": {RUN_MARKER: MARKER},
            "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7} if status == "completed" else None}
    data.update(extra)
    return data


def conversation(entries=(), **user):
    metadata = dict(user)
    if entries:
        metadata[R.JOURNAL_KEYS[0]] = " ".join("{0}={1}".format(n, v) for n, v in entries)
    return {"id": CONV, "object": "conversation", "created_at": 1767225500, "metadata": metadata}


def page(*items):
    items = list(items)
    return {"object": "list", "data": items, "has_more": False,
            "first_id": items[0]["id"] if items else None, "last_id": items[-1]["id"] if items else None}


def run_entry(value, marker=MARKER):
    return (R.Journal.name(R.RUN_KIND, marker), value)


def event(kind, number, **fields):
    return sse_event(kind, dict(fields, type=kind, sequence_number=number))


def journal_of(call):
    """The journal entries a metadata update sent, as a dict name -> value."""
    return dict(R.Journal(call.json["metadata"]).entries)


@pytest.fixture
def api(make_client, clock):
    return R.ResponsesAPI(make_client(max_retries=2), clock=clock, sleep=clock.sleep)


# -- request mapping ---------------------------------------------------------------------------


def test_the_run_options_map_onto_a_create_response_body():
    tools = [
        {"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
                                          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
        {"type": "code_interpreter"},
        {"type": "file_search", "file_search": {"vector_store_ids": ["vs_1"], "max_num_results": 5}},
    ]
    definition = R.run_definition(params(
        instructions="Be brief.", additional_instructions="Use metric units.", tools=tools, metadata={"team": "ops", "n": 2},
        temperature=0.5, top_p=0.9, max_tokens=300, truncation_strategy={"type": "auto"}, parallel_tool_calls=False,
        tool_choice={"type": "function", "function": {"name": "get_weather"}}, reasoning_effort="low",
        response_format={"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}, "strict": True}},
        additional_messages=[{"role": "user", "content": "Hello"},
                             {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]}],
        prompt={"id": "pmpt_1", "version": 2, "variables": {"city": "Paris"}}), noop)

    assert definition == {
        "model": "gpt-4o",
        "prompt": {"id": "pmpt_1", "version": "2", "variables": {"city": "Paris"}},
        "instructions": "Be brief.\n\nUse metric units.",
        "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello"}]},
                  {"type": "message", "role": "user",
                   "content": [{"type": "input_image", "image_url": "https://x.test/a.png", "detail": "auto"}]}],
        "tools": [
            {"type": "function", "name": "get_weather", "description": "Weather of a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}, "strict": False},
            {"type": "code_interpreter", "container": {"type": "auto"}},
            {"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 5},
        ],
        "tool_choice": {"type": "function", "name": "get_weather"},
        "parallel_tool_calls": False,
        "metadata": {"team": "ops", "n": "2"},
        "temperature": 0.5,
        "top_p": 0.9,
        "max_output_tokens": 300,
        "truncation": "auto",
        "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": True}},
        "reasoning": {"effort": "low"},
    }


def test_the_body_adds_store_background_and_the_marker_without_changing_the_definition():
    definition = R.run_definition(params(metadata={"team": "ops"}), noop)
    body = R.run_body(definition, MARKER)
    assert body == {"model": "gpt-4o", "metadata": {"team": "ops", RUN_MARKER: MARKER}, "store": True, "background": True}
    assert definition["metadata"] == {"team": "ops"}


def test_retrieval_is_file_search_with_a_warning():
    warnings = []
    definition = R.run_definition(params(tools=[{"type": "retrieval", "file_search": {"vector_store_ids": ["vs_1"]}}]),
                                  warnings.append)
    assert definition["tools"] == [{"type": "file_search", "vector_store_ids": ["vs_1"]}]
    assert len(warnings) == 1 and "file_search" in warnings[0]


@pytest.mark.parametrize("value, expected", [
    ("auto", None),
    ({"type": "text"}, {"format": {"type": "text"}}),
    ({"type": "json_object"}, {"format": {"type": "json_object"}}),
])
def test_response_format_maps_onto_text_format(value, expected):
    assert R.response_text_format(value) == expected


@pytest.mark.parametrize("choice, expected", [
    ("required", "required"),
    ({"type": "file_search"}, {"type": "file_search"}),
    ({"type": "code_interpreter"}, {"type": "code_interpreter"}),
])
def test_tool_choice_maps_onto_the_responses_form(choice, expected):
    assert R.response_tool_choice(choice, None) == expected


@pytest.mark.parametrize("options, words", [
    ({"assistant_id": "asst_1"}, ["assistant_id:", "model, instructions and tools", "prompt"]),
    ({"max_prompt_tokens": 500}, ["max_prompt_tokens:", "truncation_strategy"]),
    ({"model": None}, ["model: required on the Responses API"]),
    ({"truncation_strategy": {"type": "last_messages", "last_messages": 3}}, ["truncation_strategy.type:", "'last_messages'"]),
    ({"tools": [{"type": "file_search"}]}, ["tools[0].file_search.vector_store_ids: required"]),
    ({"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}, ["response_format.json_schema.name: required"]),
    ({"additional_messages": [{"role": "user", "content": "x", "attachments": [{"file_id": "file_1", "tools": []}]}]},
     ["additional_messages[0].attachments:", "vector_store_ids"]),
    ({"additional_messages": [{"role": "user", "content": "x", "metadata": {"k": "v"}}]}, ["additional_messages[0].metadata:"]),
    ({"tool_choice": {"type": "function", "function": {"name": "nope"}},
      "tools": [{"type": "function", "function": {"name": "get_weather"}}]}, ["tool_choice.function.name:", "'nope'"]),
    ({"prompt": {"id": "pmpt_1", "variables": {"x": 3}}}, ["prompt.variables.x:"]),
    ({"prompt": {"id": "pmpt_1", "name": "p"}}, ["prompt: unknown key(s) name"]),
    ({"metadata": {RUN_MARKER: "x"}}, ["metadata:", RUN_MARKER]),
])
def test_bad_input_is_refused_naming_the_option_before_any_request(api, session, options, words):
    with pytest.raises(ValidationError) as failure:
        api.run_definition(params(**options), noop)
    for word in words:
        assert word in str(failure.value)
    assert session.calls == []


def test_tool_outputs_become_function_call_output_items():
    assert R.tool_output_items([{"tool_call_id": "call_1", "output": "21 C"}]) == [
        {"type": "function_call_output", "call_id": "call_1", "output": "21 C"}]


# -- result mapping ----------------------------------------------------------------------------


def test_a_completed_response_is_a_run_with_the_seed_attributes():
    run = R.run_of(response(output=[ANSWER]))
    assert (run["id"], run["object"], run["status"], run["thread_id"]) == ("resp_1", "response", "completed", CONV)
    assert (run["created_at"], run["started_at"], run["completed_at"]) == (1767225600, None, 1767225603)
    assert run["steps"] == [ANSWER]
    assert run["file_ids"] == ["file_9"]
    assert run["usage"]["total_tokens"] == 7
    assert run["required_action"] is None
    result = R.outputs(run)
    assert result["output_text"] == "Sunny."
    assert result["tool_calls"] == []
    assert result["messages"][0]["content"] == [{"type": "text", "text": {"value": "Sunny.", "annotations": ANSWER["content"][0]["annotations"]}}]
    assert (result["messages"][0]["run_id"], result["messages"][0]["thread_id"], result["messages"][0]["role"]) == ("resp_1", CONV, "assistant")


def test_unanswered_function_calls_are_requires_action_with_assistants_tool_calls():
    run = R.run_of(response(output=[{"id": "rs_1", "type": "reasoning", "summary": []}, CALL]))
    assert run["status"] == "requires_action"
    calls = [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]
    assert run["required_action"] == {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
    assert R.outputs(run)["tool_calls"] == calls


def test_answered_calls_and_unfinished_responses_do_not_require_action():
    answered = {"id": "fco_1", "type": "function_call_output", "call_id": "call_1", "output": "x"}
    assert R.run_of(response(output=[CALL, answered]))["status"] == "completed"
    assert R.run_of(response(status="in_progress", output=[CALL]))["status"] == "in_progress"


# -- waiting -----------------------------------------------------------------------------------


def script_view(session, entries=(), items=(USER,)):
    session.add(json_response(conversation(entries)), json_response(page(*items)))


def metadata_echo(call):
    return json_response(dict(conversation(), metadata=call.json["metadata"]))


def test_create_and_wait_streams_once_and_journals_pending_then_the_id(api, session):
    script_view(session)
    session.add(metadata_echo, sse_response([
        event("response.created", 0, response=response("queued")),
        event("response.in_progress", 1, response=response("in_progress")),
        event("response.output_item.done", 2, output_index=0, item=ANSWER),
        event("response.completed", 3, response=response(output=[ANSWER])),
    ]), metadata_echo)
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True)

    assert progress.status == "completed" and progress.response_id == "resp_1"
    assert session.paths == ["GET /conversations/conv_1", "GET /conversations/conv_1/items", "POST /conversations/conv_1",
                             "POST /responses", "POST /conversations/conv_1"]
    name = R.Journal.name(R.RUN_KIND, MARKER)
    assert journal_of(session.calls[2]) == {name: "?msg_u1"}
    assert journal_of(session.calls[4]) == {name: "resp_1"}
    body = session.calls[3].json
    assert (body["conversation"], body["stream"], body["background"], body["store"]) == (CONV, True, True, True)
    assert body["metadata"] == {RUN_MARKER: MARKER}
    assert R.outputs(progress.run)["output_text"] == "Sunny."


def test_a_broken_stream_resumes_after_the_last_sequence_number(api, session):
    script_view(session)
    session.add(metadata_echo, sse_response([
        event("response.created", 0, response=response("queued")),
        event("response.in_progress", 1, response=response("in_progress")),
    ], error=cut_stream()), metadata_echo, sse_response([
        event("response.output_item.done", 2, output_index=0, item=ANSWER),
        event("response.completed", 3, response=response(output=[ANSWER])),
    ]))
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True)

    assert progress.status == "completed"
    assert session.paths[-1] == "GET /responses/resp_1"
    assert session.calls[-1].params == {"stream": "true", "starting_after": 1}
    assert session.paths.count("POST /responses") == 1


def test_a_server_that_cannot_resume_is_polled(api, session, clock):
    script_view(session)
    session.add(metadata_echo, sse_response([event("response.created", 0, response=response("queued"))], error=cut_stream()),
                metadata_echo, error_response(400, "starting_after is not supported"),
                json_response(response("in_progress")), json_response(response(output=[ANSWER])))
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 30)

    assert progress.status == "completed"
    assert session.paths[-3:] == ["GET /responses/resp_1"] * 3
    assert session.calls[-1].params is None
    assert session.paths.count("POST /responses") == 1


def test_without_stream_the_background_response_is_polled(api, session, clock):
    script_view(session)
    session.add(metadata_echo, json_response(response("queued")), metadata_echo, json_response(response(output=[CALL])))
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=False, deadline=clock() + 30)

    assert progress.status == "requires_action"
    assert "stream" not in session.calls[3].json
    assert session.paths[-1] == "GET /responses/resp_1"


def test_without_wait_the_queued_response_is_returned(api, session):
    script_view(session)
    session.add(metadata_echo, json_response(response("queued")), metadata_echo)
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=False, stream=False)
    assert progress.status == "queued"
    assert len(session.calls) == 5


# -- identity: rerun, new input, own inputs ------------------------------------------------------


def test_a_rerun_finds_the_journaled_response_in_three_requests(api, session):
    script_view(session, entries=[run_entry("resp_1")], items=(ANSWER, USER))
    session.add(json_response(response(output=[ANSWER])))
    view = api.thread_view(CONV, definition=R.run_definition(params(), noop))
    ours, active = api.run_find(CONV, MARKER)

    assert (view.anchor, view.watermark) == ("msg_u1", "msg_a1")
    assert ours["id"] == "resp_1" and ours["status"] == "completed" and active is None
    assert session.paths == ["GET /conversations/conv_1", "GET /conversations/conv_1/items", "GET /responses/resp_1"]
    assert session.calls[1].params["order"] == "desc"


def test_a_new_user_message_moves_the_anchor(api, session):
    newer = dict(USER, id="msg_u2", content=[{"type": "input_text", "text": "And in Rome?"}])
    script_view(session, items=(newer, ANSWER, USER))
    assert api.thread_view(CONV).anchor == "msg_u2"


def test_the_runs_own_additional_messages_are_not_new_input(api, session):
    own = dict(USER, id="msg_own", content=[{"type": "input_text", "text": "Answer in French."}])
    script_view(session, items=(ANSWER, own, USER))
    definition = R.run_definition(params(additional_messages=[{"role": "user", "content": "Answer in French."}]), noop)
    assert api.thread_view(CONV, definition=definition).anchor == "msg_u1"


# -- lost creates: never two responses ---------------------------------------------------------


def test_a_lost_create_is_never_sent_again_and_is_read_from_the_items_once_they_show(api, session, clock):
    script_view(session)
    session.add(metadata_echo, connection_dropped(),
                json_response(page(USER)),                     # still in flight: nothing newer than the watermark
                json_response(page(ANSWER, USER)))             # completed: its output shows
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 30)

    assert session.paths.count("POST /responses") == 1
    assert progress.run["id"] is None and progress.run["id_lost"] is True
    assert progress.status == "completed"
    assert R.outputs(progress.run)["output_text"] == "Sunny."
    assert journal_of(session.calls[2]) == {R.Journal.name(R.RUN_KIND, MARKER): "?msg_u1"}


def test_a_stream_cut_before_the_response_is_named_is_a_lost_create(api, session, clock):
    script_view(session)
    session.add(metadata_echo, sse_response([], error=cut_stream()), json_response(page(CALL, USER)))
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 30)

    assert session.paths.count("POST /responses") == 1
    assert progress.status == "requires_action"
    assert R.outputs(progress.run)["tool_calls"][0]["id"] == "call_1"


def test_a_lost_create_that_never_shows_fails_naming_what_to_do(api, session, clock):
    script_view(session)
    session.add(metadata_echo, error_response(502, "Bad gateway"))
    session.add(*[lambda call: json_response(page(USER))] * 20)
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    with pytest.raises(APIError) as failure:
        api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 5)

    # Not ResponseLostError: create_once must not look and send again.
    assert not isinstance(failure.value, ResponseLostError)
    message = str(failure.value)
    assert "never sends it twice" in message and "state=absent" in message and "conv_1" in message
    assert session.paths.count("POST /responses") == 1
    assert clock() <= 1000 + 5 + 0.01


def test_a_rerun_with_a_pending_entry_does_not_create_and_waits_for_the_items(api, session):
    script_view(session, entries=[run_entry("?msg_u1")], items=(USER,))
    api.thread_view(CONV, definition=R.run_definition(params(), noop))
    ours, _active = api.run_find(CONV, MARKER)
    assert (ours["id"], ours["status"], ours["watermark"]) == (None, "in_progress", "msg_u1")
    assert len(session.calls) == 2


def test_a_rerun_with_a_pending_entry_reads_the_run_from_newer_items(api, session):
    script_view(session, entries=[run_entry("?msg_u1")], items=(ANSWER, USER))
    api.thread_view(CONV, definition=R.run_definition(params(), noop))
    ours, _active = api.run_find(CONV, MARKER)
    assert ours["status"] == "completed" and ours["steps"] == [ANSWER]


def test_absent_forgets_a_pending_entry_whose_response_never_showed(api, session):
    script_view(session, entries=[run_entry("?msg_u1"), run_entry("resp_7", marker="b" * 40)], items=(USER,))
    session.add(metadata_echo)
    api.thread_view(CONV, definition=R.run_definition(params(), noop))
    ours, _active = api.run_find(CONV, MARKER)
    cancelled = api.run_cancel(ours)
    assert cancelled["status"] == "cancelled"
    assert journal_of(session.calls[-1]) == {R.Journal.name(R.RUN_KIND, "b" * 40): "resp_7"}


# -- tool outputs, cancel, adopt -----------------------------------------------------------------


def test_tool_outputs_go_in_a_new_response_of_the_same_conversation(api, session):
    tools = [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "strict": False}]
    script_view(session, entries=[run_entry("resp_1")], items=(CALL, USER))
    session.add(json_response(response(output=[CALL], tools=tools, instructions="Be brief.")), metadata_echo, sse_response([
        event("response.created", 0, response=response("queued", rid="resp_2")),
        event("response.completed", 1, response=response(rid="resp_2", output=[ANSWER])),
    ]), metadata_echo)
    api.thread_view(CONV)
    ours, _active = api.run_find(CONV, MARKER)
    assert ours["status"] == "requires_action"
    progress = api.run_submit_tool_outputs(ours, [{"tool_call_id": "call_1", "output": "21 C"}], wait=True, stream=True)

    body = session.calls[4].json
    assert session.paths[4] == "POST /responses"
    assert body["input"] == [{"type": "function_call_output", "call_id": "call_1", "output": "21 C"}]
    assert (body["conversation"], body["model"], body["tools"], body["instructions"]) == (CONV, "gpt-4o", tools, "Be brief.")
    assert (body["store"], body["background"], body["stream"], body["metadata"]) == (True, True, True, {RUN_MARKER: MARKER})
    assert progress.run["id"] == "resp_2" and progress.status == "completed"
    assert journal_of(session.calls[3]) == {R.Journal.name(R.RUN_KIND, MARKER): "?fc_1"}
    assert journal_of(session.calls[5]) == {R.Journal.name(R.RUN_KIND, MARKER): "resp_2"}


def test_a_lost_tool_output_response_is_not_sent_again_by_the_submit_flow(api, session, clock):
    script_view(session, entries=[run_entry("resp_1")], items=(CALL, USER))
    session.add(json_response(response(output=[CALL])), metadata_echo, connection_dropped())
    session.add(*[lambda call: json_response(page(CALL, USER))] * 20)
    api.thread_view(CONV)
    ours, _active = api.run_find(CONV, MARKER)
    with pytest.raises(APIError, match="never sends it twice"):
        submit_tool_outputs(api, ours, [{"tool_call_id": "call_1", "output": "21 C"}], True, True, clock() + 5)
    assert session.paths.count("POST /responses") == 1


def test_an_answer_lost_after_the_response_was_named_follows_that_response_and_never_sends_again(api, session, clock):
    """The stream named the tool-output response, then its answer was lost: that response is polled, the outputs not resent."""
    script_view(session, entries=[run_entry("resp_1")], items=(CALL, USER))
    session.add(json_response(response(output=[CALL])), metadata_echo, metadata_echo,
                json_response(response("in_progress", rid="resp_2")), json_response(response(rid="resp_2", output=[ANSWER])))
    opened = []

    def stream(path, body=None, deadline=None, method="POST", params=None):
        opened.append((method, path))
        yield "response.created", {"type": "response.created", "sequence_number": 0, "response": response("queued", rid="resp_2")}
        raise ResponseLostError("POST /responses failed: the connection dropped", method="POST", path="/responses")

    api.client.stream = stream
    api.thread_view(CONV)
    ours, _active = api.run_find(CONV, MARKER)
    progress = submit_tool_outputs(api, ours, [{"tool_call_id": "call_1", "output": "21 C"}], True, True, clock() + 30)

    assert opened == [("POST", "/responses")]
    assert progress.run["id"] == "resp_2" and progress.status == "completed"
    assert session.paths[-2:] == ["GET /responses/resp_2"] * 2
    assert journal_of(session.calls[4]) == {R.Journal.name(R.RUN_KIND, MARKER): "resp_2"}


class LostFollowUpAPI:
    """An API whose answer to tool outputs is always lost, recording what the submit flow reads and sends."""

    run_noun = "response"

    def __init__(self, pause):
        self.client = type("Client", (), {"pause": staticmethod(pause)})()
        self.sent = 0
        self.read = []

    def tool_calls(self, run):
        return R.required_tool_calls(run)

    def run_submit_tool_outputs(self, run, outputs, wait, stream, deadline=None):
        self.sent += 1
        raise ResponseLostError("the connection dropped (the server may have created the object)")

    def run_get(self, thread_id, run_id, deadline=None):
        self.read.append(run_id)
        raise APIError("Response with id '{0}' not found.".format(run_id), status=404)


def test_a_lost_answer_to_tool_outputs_of_a_run_without_an_id_never_reads_a_null_id(clock):
    """A function-call response read from the items (its create answer was lost) has no id: nothing to GET, nothing sent twice."""
    run = R.run_from_items(CONV, [CALL], status="completed")
    assert run["id"] is None and run["status"] == "requires_action"
    api = LostFollowUpAPI(lambda attempt: attempt < 3)
    with pytest.raises(APIError) as failure:
        submit_tool_outputs(api, run, [{"tool_call_id": "call_1", "output": "21 C"}], True, True, clock() + 30)
    assert api.read == [] and api.sent == 1
    assert not isinstance(failure.value, ResponseLostError)
    assert str(failure.value).startswith("the answer to the tool outputs for the response in conv_1 was lost")
    assert "did not send them again" in str(failure.value) and "None" not in str(failure.value)


def test_the_create_flow_of_the_run_module_sends_once_after_a_loss(api, session, clock):
    output = dict(CALL, id="fc_2", call_id="call_2")
    script_view(session)
    session.add(metadata_echo, read_timeout(), json_response(page(output, USER)))
    definition = api.run_definition(params(), noop)
    api.thread_view(CONV)
    progress = create_run(api, CONV, R.run_body(definition, MARKER), MARKER, None, True, True, clock() + 30)
    assert progress.status == "requires_action" and progress.run["id"] is None
    assert R.outputs(progress.run)["tool_calls"][0]["id"] == "call_2"
    assert session.paths.count("POST /responses") == 1


def test_cancel_posts_to_the_response(api, session):
    session.add(json_response(response("cancelled")))
    run = api.run_cancel({"id": "resp_1", "thread_id": CONV, "status": "in_progress"})
    assert run["status"] == "cancelled"
    assert session.paths == ["POST /responses/resp_1/cancel"]


def test_cancel_of_a_response_that_ended_meanwhile_returns_it(api, session):
    session.add(error_response(400, "Cannot cancel a completed response"), json_response(response(output=[ANSWER])))
    run = api.run_cancel({"id": "resp_1", "thread_id": CONV, "status": "in_progress"})
    assert run["status"] == "completed"
    assert session.paths == ["POST /responses/resp_1/cancel", "GET /responses/resp_1"]


@pytest.mark.parametrize("value, thread_id, expected", [
    ("resp_1", None, (None, "resp_1")),
    ("conv_1:resp_1", None, ("conv_1", "resp_1")),
    ("resp_1", "conv_1", ("conv_1", "resp_1")),
])
def test_run_id_adopts_a_response(value, thread_id, expected):
    assert R.parse_response_reference(value, thread_id) == expected


def test_run_id_of_another_conversation_is_refused(api, session):
    with pytest.raises(ValidationError, match="names thread 'conv_2' but thread_id is 'conv_1'"):
        R.parse_response_reference("conv_2:resp_1", "conv_1")
    session.add(json_response(response(conversation={"id": "conv_2"})))
    with pytest.raises(ValidationError, match="belongs to conversation conv_2, not conv_1"):
        api.run_get("conv_1", "resp_1")


# -- conversations and message items -------------------------------------------------------------


def test_a_thread_is_a_conversation_with_metadata_and_first_items(api, session):
    body = api.thread_body({"metadata": {"team": "ops"}}, [{"role": "user", "content": "Hello", "metadata": {}}])
    assert body == {"metadata": {"team": "ops"},
                    "items": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello"}]}]}
    session.add(json_response(conversation(team="ops")))
    created = api.thread_create(body)
    assert created["id"] == CONV and session.paths == ["POST /conversations"]


@pytest.mark.parametrize("wanted, words", [
    ({"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}}, "tool_resources:"),
    ({"metadata": dict(("k{0}".format(i), "v") for i in range(15))}, "at most 14 keys"),
    ({"metadata": {R.JOURNAL_KEYS[0]: "x"}}, "reserved"),
])
def test_what_a_conversation_cannot_hold_is_refused(api, session, wanted, words):
    with pytest.raises(ValidationError, match=words):
        api.thread_body(wanted)
    assert session.calls == []


def test_the_thread_module_sees_and_updates_only_the_users_metadata(api, session):
    session.add(json_response(conversation([run_entry("resp_1")], team="ops")), metadata_echo)
    assert api.thread_get(CONV)["metadata"] == {"team": "ops"}
    updated = api.thread_update(CONV, {"metadata": {"team": "dev"}})
    sent = session.calls[1].json["metadata"]
    assert sent["team"] == "dev" and R.JOURNAL_KEYS[0] in sent
    assert updated["metadata"] == {"team": "dev"}
    assert len(session.calls) == 2


def test_deleting_a_conversation_and_an_item(api, session):
    session.add(json_response({"id": CONV, "object": "conversation.deleted", "deleted": True}),
                error_response(404, "No item found"))
    api.thread_delete(CONV)
    with pytest.raises(APIError) as failure:
        api.message_delete(CONV, "msg_9")
    assert failure.value.status == 404
    assert session.paths == ["DELETE /conversations/conv_1", "DELETE /conversations/conv_1/items/msg_9"]


MESSAGE_BODY = {"role": "user", "content": "What is the weather in Paris?", "metadata": {"aiops_openai_message": MARKER}}


def test_a_message_is_added_once_and_found_through_the_journal(api, session):
    session.add(json_response(conversation()), json_response(page(ANSWER)), metadata_echo,
                json_response(page(USER)), metadata_echo)
    assert api.marked_messages(CONV, MARKER, MESSAGE_BODY) == []
    added = api.message_create(CONV, MESSAGE_BODY, MARKER)
    assert added["id"] == "msg_u1" and added["content"][0]["text"]["value"] == "What is the weather in Paris?"
    name = R.Journal.name(R.MESSAGE_KIND, MARKER)
    assert journal_of(session.calls[2]) == {name: "?msg_a1"}
    assert session.calls[3].json == {"items": [{"type": "message", "role": "user",
                                                "content": [{"type": "input_text", "text": "What is the weather in Paris?"}]}]}
    assert journal_of(session.calls[4]) == {name: "msg_u1"}

    session.add(json_response(conversation([(name, "msg_u1")])), json_response(USER))
    found = api.marked_messages(CONV, MARKER, MESSAGE_BODY)
    assert [m["id"] for m in found] == ["msg_u1"]
    assert session.paths[-2:] == ["GET /conversations/conv_1", "GET /conversations/conv_1/items/msg_u1"]


def test_a_lost_message_add_is_found_by_its_content_and_not_sent_again(api, session):
    session.add(json_response(conversation()), json_response(page(ANSWER)), metadata_echo, connection_dropped(),
                json_response(page(USER, ANSWER)), metadata_echo)
    api.marked_messages(CONV, MARKER, MESSAGE_BODY)
    added = api.message_create(CONV, MESSAGE_BODY, MARKER)
    assert added["id"] == "msg_u1"
    assert session.paths.count("POST /conversations/conv_1/items") == 1


def test_a_lost_message_add_that_did_not_happen_is_sent_again(api, session):
    someone = dict(USER, id="msg_u9", content=[{"type": "input_text", "text": "Something else"}])
    session.add(json_response(conversation()), json_response(page(ANSWER)), metadata_echo, connection_dropped(),
                json_response(page(someone, ANSWER)), json_response(page(USER)), metadata_echo)
    api.marked_messages(CONV, MARKER, MESSAGE_BODY)
    added = api.message_create(CONV, MESSAGE_BODY, MARKER)
    assert added["id"] == "msg_u1"
    assert session.paths.count("POST /conversations/conv_1/items") == 2


def test_a_pending_message_entry_is_settled_by_content(api, session):
    name = R.Journal.name(R.MESSAGE_KIND, MARKER)
    session.add(json_response(conversation([(name, "?msg_a1")])), json_response(page(USER, ANSWER)), metadata_echo)
    found = api.marked_messages(CONV, MARKER, MESSAGE_BODY)
    assert [m["id"] for m in found] == ["msg_u1"]
    assert journal_of(session.calls[-1]) == {name: "msg_u1"}


def test_message_items_refuse_attachments_and_metadata(api, session):
    with pytest.raises(ValidationError, match=r"message.attachments:"):
        api.message_body({"role": "user", "content": "x", "attachments": [{"file_id": "file_1", "tools": []}]})
    with pytest.raises(ValidationError, match=r"message.metadata: .*\(got k\)"):
        api.message_body({"role": "user", "content": "x", "metadata": {"k": "v", "aiops_openai_message": MARKER}})
    assert session.calls == []


# -- the journal ---------------------------------------------------------------------------------


def test_the_journal_keeps_entries_in_its_keys_and_drops_the_oldest_settled_ones():
    journal = R.Journal({"team": "ops"})
    journal.set(R.RUN_KIND, "0" * 40, "?msg_" + "x" * 50)
    for index in range(1, 30):
        journal.set(R.RUN_KIND, "{0:02d}".format(index) + "f" * 38, "resp_" + "y" * 50)
    metadata = journal.metadata()
    assert metadata["team"] == "ops"
    assert all(len(metadata[k]) <= 512 for k in R.JOURNAL_KEYS)
    again = R.Journal(metadata)
    assert again.get(R.RUN_KIND, "0" * 40) == "?msg_" + "x" * 50
    assert again.get(R.RUN_KIND, "29" + "f" * 38) == "resp_" + "y" * 50
    assert again.get(R.RUN_KIND, "01" + "f" * 38) is None


def test_a_journal_full_of_pending_creates_is_refused():
    journal = R.Journal({})
    with pytest.raises(ValidationError, match="full of pending creates"):
        for index in range(30):
            journal.set(R.RUN_KIND, "{0:02d}".format(index) + "f" * 38, "?msg_" + "x" * 50)


# -- choosing the API ----------------------------------------------------------------------------


def no_probe():
    raise AssertionError("the server was asked")


@pytest.mark.parametrize("option, url, ids, expected", [
    ("assistants", "https://api.openai.com/v1", {}, "assistants"),
    ("responses", "http://127.0.0.1:9/v1", {}, "responses"),
    ("auto", "http://127.0.0.1:9/v1", {"thread_id": "conv_1"}, "responses"),
    ("auto", "https://api.openai.com/v1", {"run_id": "thread_1:run_1"}, "assistants"),
    ("auto", "http://127.0.0.1:9/v1", {"run_id": "resp_1", "thread_id": None}, "responses"),
    ("auto", "https://API.openai.com/v1", {}, "responses"),
])
def test_an_id_or_the_hosted_url_decides_without_asking(option, url, ids, expected):
    assert R.choose_api(option, url, ids, no_probe) == expected


def test_other_servers_are_asked_once(make_client, session):
    session.add(json_response({"object": "list", "data": [], "has_more": False}))
    client = make_client()
    assert R.choose_api("auto", "http://127.0.0.1:9/v1", {}, lambda: R.probe_api(client)) == "assistants"
    assert session.paths == ["GET /assistants"] and session.calls[0].params == {"limit": 1}


@pytest.mark.parametrize("status", [404, 405])
def test_a_server_without_assistants_speaks_responses(make_client, session, status):
    session.add(error_response(status, "Not Found"))
    assert R.probe_api(make_client(max_retries=0)) == "responses"
    assert len(session.calls) == 1


def test_a_failing_probe_is_reported(make_client, session):
    session.add(error_response(401, "Incorrect API key provided"))
    with pytest.raises(APIError) as failure:
        R.probe_api(make_client(max_retries=0))
    assert failure.value.status == 401


def test_ids_of_both_apis_are_refused():
    with pytest.raises(ValidationError, match="thread_id is an Assistants API ID but run_id is a Responses API ID"):
        R.choose_api("auto", "http://127.0.0.1:9/v1", {"thread_id": "thread_1", "run_id": "resp_1"}, no_probe)


def test_the_journal_values_are_json_safe():
    journal = R.Journal({})
    journal.set(R.MESSAGE_KIND, MARKER, "msg_1")
    assert json.loads(json.dumps(journal.metadata())) == journal.metadata()


def test_a_user_message_added_meanwhile_is_no_proof_of_a_lost_response(api, session, clock):
    someone = dict(USER, id="msg_u9", content=[{"type": "input_text", "text": "Hurry up"}])
    script_view(session)
    session.add(metadata_echo, connection_dropped())
    session.add(*[lambda call: json_response(page(someone, USER))] * 20)
    definition = R.run_definition(params(), noop)
    api.thread_view(CONV, definition=definition)
    with pytest.raises(APIError, match="never sends it twice"):
        api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 5)
    assert session.paths.count("POST /responses") == 1


def test_a_pending_message_entry_is_settled_by_the_add_when_the_lookup_had_no_body(api, session):
    name = R.Journal.name(R.MESSAGE_KIND, MARKER)
    session.add(json_response(conversation([(name, "?msg_a1")])), json_response(page(USER, ANSWER)), metadata_echo)
    assert api.marked_messages(CONV, MARKER) == []
    added = api.message_create(CONV, MESSAGE_BODY, MARKER)
    assert added["id"] == "msg_u1"
    assert "POST /conversations/conv_1/items" not in session.paths


def test_an_adopted_response_is_polled_until_it_stops(api, session, clock):
    session.add(json_response(response("in_progress")), json_response(response("in_progress"), headers={"openai-poll-after-ms": "50"}),
                json_response(response(output=[ANSWER])))
    run = api.run_get(CONV, "resp_1")
    progress = api.run_wait(run, clock() + 30)
    assert progress.status == "completed" and progress.run["steps"] == [ANSWER]
    assert session.paths == ["GET /responses/resp_1"] * 3
    assert api.run_outputs(progress.run)["output_text"] == "Sunny."


def test_an_answer_that_is_not_a_response_is_named(api, session):
    session.add(json_response({"object": "response", "status": "completed"}))
    with pytest.raises(APIError, match=r"GET /responses/resp_1 returned an answer the module cannot read: id should be"):
        api.run_get(CONV, "resp_1")


def test_what_the_responses_api_cannot_do_is_refused(api, session):
    with pytest.raises(ValidationError, match="cannot list the responses"):
        api.runs(CONV)
    with pytest.raises(ValidationError, match="metadata: conversation items carry no metadata"):
        api.message_update(CONV, "msg_1", {"metadata": {"k": "v"}})
    assert api.active_run(CONV) is None
    assert session.calls == []


def test_a_responses_messages_are_its_output_messages(api, session):
    session.add(json_response(response(output=[CALL, ANSWER])))
    messages = list(api.messages(CONV, run_id="resp_1"))
    assert [m["id"] for m in messages] == ["msg_a1"]


def test_a_server_that_does_not_stream_is_polled_with_a_warning(make_client, session, clock):
    warnings = []
    api = R.ResponsesAPI(make_client(max_retries=0), warn=warnings.append, clock=clock, sleep=clock.sleep)
    script_view(session)
    session.add(metadata_echo, error_response(400, "stream is not supported", param="stream"),
                json_response(response("queued")), metadata_echo, json_response(response(output=[ANSWER])))
    definition = api.run_definition(params(), noop)
    api.thread_view(CONV)
    progress = api.run_create(CONV, R.run_body(definition, MARKER), wait=True, stream=True, deadline=clock() + 30)
    assert progress.status == "completed"
    assert warnings == ["the server does not stream responses; polling instead"]
    assert [c.json.get("stream") for c in session.calls if c.path == "/responses" and c.method == "POST"] == [True, None]
