# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The thread and thread_info modules on scripted HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._specs import message_marker
from ansible_collections.aiops.openai.plugins.modules import thread, thread_info
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    connection_dropped,
    error_response,
    json_response,
    run_module,
)

BASE = {"api_key": API_KEY, "base_url": BASE_URL}
GONE = error_response(404, "No thread found with id 'thread_1'.")


def thread_object(thread_id="thread_1", **extra):
    obj = {"id": thread_id, "object": "thread", "created_at": 1700000000, "tool_resources": {}, "metadata": {}}
    obj.update(extra)
    return obj


def run(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(thread.main, dict(BASE, **options))
    return done.value.result


def fail(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(thread.main, dict(BASE, **options))
    return failure.value.result


# Bad input (each case fails naming the option, before any request): test_bad_input.py, one table for every module.


# -- present -------------------------------------------------------------------------------------

def test_without_thread_id_present_creates_a_thread_every_time(fake_api):
    for number in (1, 2):
        result = run(fake_api, json_response(thread_object("thread_%d" % number, metadata={"ticket": "1"})), metadata={"ticket": "1"})
        assert result["changed"] is True
        assert result["thread"]["id"] == "thread_%d" % number
    assert fake_api.paths == ["POST /threads", "POST /threads"]
    assert fake_api.calls[0].json == {"metadata": {"ticket": "1"}}


def test_initial_messages_carry_the_message_marker(fake_api):
    run(fake_api, json_response(thread_object()), messages=[{"content": "Hello"}, {"role": "assistant", "content": "Hi"}])
    sent = fake_api.calls[0].json["messages"]
    assert sent[0] == {"role": "user", "content": "Hello", "metadata": {MESSAGE_MARKER: message_marker("user", [{"type": "text", "text": "Hello"}])}}
    assert sent[1]["role"] == "assistant"
    assert sent[0]["metadata"][MESSAGE_MARKER] != sent[1]["metadata"][MESSAGE_MARKER]


def test_check_mode_create_sends_nothing(fake_api):
    result = run(fake_api, metadata={"a": "b"}, _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True
    assert result["thread"] == {}
    assert result["diff"] == {"before": {}, "after": {"metadata": {"a": "b"}}}
    assert fake_api.calls == []


def test_with_thread_id_the_same_options_are_unchanged(fake_api):
    current = thread_object(metadata={"a": "b"}, tool_resources={"code_interpreter": {"file_ids": ["file-1"]}})
    result = run(fake_api, json_response(current), thread_id="thread_1", metadata={"a": "b"},
                 tool_resources={"code_interpreter": {"file_ids": ["file-1"]}}, messages=[{"content": "ignored"}])
    assert result["changed"] is False
    assert result["thread"]["id"] == "thread_1"
    assert fake_api.paths == ["GET /threads/thread_1"]


def test_with_thread_id_changed_metadata_is_updated(fake_api):
    result = run(fake_api, json_response(thread_object(metadata={"a": "b"})), json_response(thread_object(metadata={"a": "c"})),
                 thread_id="thread_1", metadata={"a": "c"}, _ansible_diff=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /threads/thread_1", "POST /threads/thread_1"]
    assert fake_api.calls[1].json == {"metadata": {"a": "c"}}
    assert result["diff"] == {"before": {"id": "thread_1", "metadata": {"a": "b"}}, "after": {"id": "thread_1", "metadata": {"a": "c"}}}
    assert result["thread"]["metadata"] == {"a": "c"}


def test_with_thread_id_unset_options_are_left_alone(fake_api):
    result = run(fake_api, json_response(thread_object(metadata={"a": "b"})), thread_id="thread_1")
    assert result["changed"] is False


def test_with_thread_id_check_mode_sends_no_post(fake_api):
    result = run(fake_api, json_response(thread_object()), thread_id="thread_1", tool_resources={"file_search": {"vector_store_ids": ["vs_1"]}},
                 _ansible_check_mode=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /threads/thread_1"]


def test_a_missing_thread_fails_with_present(fake_api):
    result = fail(fake_api, GONE, thread_id="thread_1")
    assert result["msg"].startswith("thread_id:")
    assert "leave thread_id out" in result["msg"]


def test_a_lost_create_response_is_not_sent_again(fake_api):
    result = fail(fake_api, connection_dropped())
    assert fake_api.paths == ["POST /threads"]
    assert "cannot list threads" in result["msg"]


# -- absent --------------------------------------------------------------------------------------

def test_absent_deletes(fake_api):
    result = run(fake_api, json_response(thread_object()), json_response({"id": "thread_1", "object": "thread.deleted", "deleted": True}),
                 thread_id="thread_1", state="absent", _ansible_diff=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /threads/thread_1", "DELETE /threads/thread_1"]
    assert result["diff"]["after"] == {}


def test_absent_when_already_gone_is_unchanged(fake_api):
    result = run(fake_api, GONE, thread_id="thread_1", state="absent")
    assert result["changed"] is False
    assert result["thread"] == {}
    assert fake_api.paths == ["GET /threads/thread_1"]


def test_absent_when_deleted_meanwhile_is_unchanged(fake_api):
    result = run(fake_api, json_response(thread_object()), GONE, thread_id="thread_1", state="absent")
    assert result["changed"] is False


def test_absent_in_check_mode_sends_no_delete(fake_api):
    result = run(fake_api, json_response(thread_object()), thread_id="thread_1", state="absent", _ansible_check_mode=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /threads/thread_1"]


# -- thread_info ---------------------------------------------------------------------------------

def test_info_reads_a_thread(fake_api):
    fake_api.add(json_response(thread_object()))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    assert done.value.result["exists"] is True
    assert done.value.result["thread"]["id"] == "thread_1"


def test_info_of_a_missing_thread_says_it_does_not_exist(fake_api):
    fake_api.add(GONE)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    assert done.value.result["exists"] is False
    assert done.value.result["thread"] == {}


def test_info_fails_on_other_errors(fake_api):
    fake_api.add(error_response(401, "Incorrect API key provided.", error_type="invalid_request_error", code="invalid_api_key"))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    assert failure.value.result["error"]["status"] == 401


def test_info_checks_the_id_before_any_request(fake_api):
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(thread_info.main, dict(BASE, thread_id=" "))
    assert failure.value.result["msg"].startswith("thread_id:")
    assert fake_api.calls == []
