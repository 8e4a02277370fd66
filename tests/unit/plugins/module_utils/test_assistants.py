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
from ansible_collections.aiops.openai.plugins.module_utils._errors import UnexpectedResponse
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
