# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Assistants API layer: its readers turn a wrong-shaped answer into ``UnexpectedResponse``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._assistants import (
    AssistantsAPI,
    failure_reason,
    message_file_ids,
    message_text,
    required_tool_calls,
)
from ansible_collections.aiops.openai.plugins.module_utils import _runs
from ansible_collections.aiops.openai.plugins.module_utils._errors import UnexpectedResponse, ValidationError
from ansible_collections.aiops.openai.tests.unit.utils import API_KEY, json_response, run_object


def page(*items):
    return json_response({"object": "list", "data": list(items), "has_more": False})


def test_a_message_without_an_id_names_the_request_and_the_field(make_client, session):
    session.add(page({"id": "msg_1", "role": "user"}, {"role": "user", "note": "key " + API_KEY}))
    api = AssistantsAPI(make_client())

    with pytest.raises(UnexpectedResponse) as error:
        list(api.messages("thread_1"))
    text = str(error.value)
    assert text.startswith("GET /threads/thread_1/messages returned an answer the module cannot read: data[1].id should be")
    assert "got null" in text
    assert API_KEY not in text
    assert error.value.to_dict()["request"] == "GET /threads/thread_1/messages"


def test_a_page_that_is_not_a_list_object_is_unexpected(make_client, session):
    session.add(json_response(["not", "a", "page"]))
    with pytest.raises(UnexpectedResponse) as error:
        list(AssistantsAPI(make_client()).runs("thread_1"))
    assert "GET /threads/thread_1/runs returned an answer the module cannot read: the body should be a list object" in str(error.value)


def test_a_run_without_a_status_is_unexpected(make_client, session):
    run = run_object("queued")
    del run["status"]
    session.add(json_response(run))
    with pytest.raises(UnexpectedResponse) as error:
        AssistantsAPI(make_client()).run_get("thread_1", "run_1")
    assert "GET /threads/thread_1/runs/run_1 returned an answer the module cannot read: status should be a non-empty string" in str(error.value)


def test_a_long_excerpt_is_cut():
    error = UnexpectedResponse("GET /x", "data", "a list", "y" * 1000)
    assert len(str(error)) < 400
    assert str(error).endswith("...)")


@pytest.mark.parametrize("value", [None, "text", 3, [1], {"content": "text"}, {"content": [None, {"type": "text", "text": 5}]}])
def test_message_readers_take_any_shape(value):
    assert message_text(value) == "" or isinstance(message_text(value), str)
    assert message_file_ids(value) == []


@pytest.mark.parametrize("value", [None, {"required_action": "x"}, {"required_action": {"submit_tool_outputs": {"tool_calls": [None]}}}])
def test_run_readers_take_any_shape(value):
    assert required_tool_calls(value) == []
    assert failure_reason(value) == "no reason given"


# -- the pure parts the modules call on either API -------------------------------------------------


def run_params(**extra):
    base = dict(assistant_id="asst_1", model=None, instructions="Be brief.", additional_instructions=None,
                additional_messages=[{"role": "user", "content": "Hello", "attachments": None, "metadata": None}],
                tools=None, metadata={"team": "ops"}, temperature=None, top_p=None, max_tokens=300, max_prompt_tokens=None,
                truncation_strategy=None, tool_choice=None, parallel_tool_calls=None, response_format=None,
                reasoning_effort=None, prompt=None, thread_id="thread_1", run_id=None)
    base.update(extra)
    return base


def test_the_pure_parts_are_those_of_the_assistants_api_unchanged(make_client):
    api = AssistantsAPI(make_client())
    definition = api.run_definition(run_params(), None)
    assert definition == _runs.run_definition(run_params(), None)
    assert api.run_body(definition, "m" * 40) == _runs.run_body(definition, "m" * 40)
    assert api.parse_run_reference("thread_1:run_1") == ("thread_1", "run_1")
    assert api.runs_reference(run_params()) == ("thread_1", None)
    message = {"role": "user", "content": "Hi", "metadata": {"aiops_openai_message": "x"}}
    assert api.message_body(message) is message
    assert api.thread_body({"metadata": {"a": "b"}}, [message]) == {"metadata": {"a": "b"}, "messages": [message]}
    assert api.thread_body({}, []) == {}
    assert api.describe({"id": "run_1", "thread_id": "thread_1"}) == "run run_1 on thread thread_1"


@pytest.mark.parametrize("extra, words", [
    ({"assistant_id": None}, "assistant_id: required to find or create the run on the Assistants API"),
    ({"prompt": {"id": "pmpt_1"}}, "prompt: a stored prompt is used on the Responses API only"),
    ({"tools": [{"type": "file_search", "file_search": {"vector_store_ids": ["vs_1"]}}]}, "tools[0].file_search.vector_store_ids:"),
    ({"max_tokens": 100}, "max_tokens: must be at least 256"),
    ({"max_prompt_tokens": 100}, "max_prompt_tokens: must be at least 256"),
])
def test_what_the_assistants_api_cannot_take_is_refused_by_its_class(make_client, extra, words):
    with pytest.raises(ValidationError) as failure:
        AssistantsAPI(make_client()).run_definition(run_params(**extra), None)
    assert str(failure.value).startswith(words)
