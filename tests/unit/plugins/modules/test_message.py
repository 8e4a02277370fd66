# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The message and message_info modules on scripted HTTP: identity by marker, keys, active runs, deletes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._markers import RUN_MARKER
from ansible_collections.aiops.openai.plugins.modules import message, message_info
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

BASE = {"api_key": API_KEY, "base_url": BASE_URL, "thread_id": "thread_1"}
ACTIVE = error_response(400, "Can't add messages to thread_1 while a run run_7 is active.")
DELETED = json_response({"id": "msg_1", "object": "thread.message.deleted", "deleted": True})


def page(*items, **extra):
    body = {"object": "list", "data": list(items), "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None, "has_more": False}
    body.update(extra)
    return json_response(body)


def msg(message_id="msg_1", text="Hello", metadata=None, **extra):
    obj = {"id": message_id, "object": "thread.message", "created_at": 1700000000, "thread_id": "thread_1", "status": "completed",
           "role": "user", "content": [{"type": "text", "text": {"value": text, "annotations": []}}], "assistant_id": None,
           "run_id": None, "attachments": [], "metadata": metadata or {}}
    obj.update(extra)
    return obj


def run(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(message.main, dict(BASE, **options))
    return done.value.result


def fail(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(message.main, dict(BASE, **options))
    return failure.value.result


def created_marker(fake_api, **options):
    """The marker the module puts on a new message with these options."""
    run(fake_api, page(), lambda call: json_response(msg(metadata=call.json["metadata"])), **options)
    return fake_api.calls[-1].json["metadata"][MESSAGE_MARKER]


# Bad input (each case fails naming the option, before any request): test_bad_input.py, one table for every module.


# -- identity ------------------------------------------------------------------------------------

def test_a_new_message_is_added_with_the_marker(fake_api):
    result = run(fake_api, page(msg("msg_0", "Hello")), json_response(msg("msg_1")), content="Hello", metadata={"source": "ci"}, _ansible_diff=True)
    assert fake_api.paths == ["GET /threads/thread_1/messages", "POST /threads/thread_1/messages"]
    body = fake_api.calls[1].json
    assert body["role"] == "user" and body["content"] == "Hello"
    assert body["metadata"]["source"] == "ci"
    assert len(body["metadata"][MESSAGE_MARKER]) == 40
    assert result["changed"] is True
    assert result["message"]["id"] == "msg_1"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["content"] == "Hello"


def test_the_same_message_again_is_unchanged_and_sends_no_post(fake_api):
    marker = created_marker(fake_api, content="Hello")
    fake_api.calls[:] = []
    existing = msg("msg_1", metadata={MESSAGE_MARKER: marker})
    later = msg("msg_2", "You said: Hello", role="assistant", run_id="run_1")
    result = run(fake_api, page(later, existing), content="Hello", _ansible_diff=True)
    assert result["changed"] is False
    assert result["message"]["id"] == "msg_1"
    assert fake_api.paths == ["GET /threads/thread_1/messages"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_the_match_is_found_on_a_later_page(fake_api):
    marker = created_marker(fake_api, content="Hello")
    fake_api.calls[:] = []
    result = run(fake_api, page(msg("msg_9", "other"), has_more=True), page(msg("msg_1", metadata={MESSAGE_MARKER: marker})), content="Hello")
    assert result["changed"] is False
    assert fake_api.calls[1].params["after"] == "msg_9"


def test_an_unmarked_message_with_the_same_text_does_not_count(fake_api):
    result = run(fake_api, page(msg("msg_0", "Hello", metadata={RUN_MARKER: "abc"})), json_response(msg("msg_1")), content="Hello")
    assert result["changed"] is True


def test_key_role_content_and_attachments_make_the_identity(fake_api):
    markers = [
        created_marker(fake_api, content="Hello"),
        created_marker(fake_api, content="Hello", key="2026-01-02"),
        created_marker(fake_api, content="Hello", role="assistant"),
        created_marker(fake_api, content="Hello!"),
        created_marker(fake_api, content="Hello", attachments=[{"file_id": "file-1", "tools": [{"type": "file_search"}]}]),
    ]
    assert len(set(markers)) == len(markers)


def test_metadata_is_not_part_of_the_identity_and_a_text_part_equals_a_string(fake_api):
    plain = created_marker(fake_api, content="Hello")
    assert created_marker(fake_api, content="Hello", metadata={"a": "b"}) == plain
    assert created_marker(fake_api, content=[{"type": "text", "text": "Hello"}]) == plain


def test_changed_metadata_of_the_existing_message_is_updated(fake_api):
    marker = created_marker(fake_api, content="Hello", metadata={"a": "1"})
    fake_api.calls[:] = []
    existing = msg("msg_1", metadata={"a": "1", MESSAGE_MARKER: marker})
    updated = msg("msg_1", metadata={"a": "2", MESSAGE_MARKER: marker})
    result = run(fake_api, page(existing), json_response(updated), content="Hello", metadata={"a": "2"}, _ansible_diff=True)
    assert fake_api.paths == ["GET /threads/thread_1/messages", "POST /threads/thread_1/messages/msg_1"]
    assert fake_api.calls[1].json == {"metadata": {"a": "2", MESSAGE_MARKER: marker}}
    assert result["changed"] is True
    assert result["diff"]["before"]["metadata"]["a"] == "1"
    assert result["diff"]["after"]["metadata"]["a"] == "2"


# -- failures and lost responses -----------------------------------------------------------------

def test_an_active_run_is_explained_and_named(fake_api):
    runs = page({"id": "run_7", "object": "thread.run", "thread_id": "thread_1", "status": "in_progress"},
                {"id": "run_6", "object": "thread.run", "thread_id": "thread_1", "status": "completed"})
    result = fail(fake_api, page(), ACTIVE, runs, content="Hello")
    assert "has an active run run_7 (in_progress)" in result["msg"]
    assert "run_info with run_id=thread_1:run_7" in result["msg"]
    assert result["error"]["status"] == 400
    assert fake_api.paths[-1] == "GET /threads/thread_1/runs"
    assert [c.method for c in fake_api.calls].count("POST") == 1


def test_other_400s_are_not_mistaken_for_an_active_run(fake_api):
    result = fail(fake_api, page(), error_response(400, "Invalid 'content'.", param="content"), content="Hello")
    assert "active run" not in result["msg"]
    assert result["error"]["param"] == "content"


def test_a_missing_thread_fails_naming_thread_id(fake_api):
    result = fail(fake_api, error_response(404, "No thread found with id 'thread_1'."), content="Hello")
    assert result["msg"].startswith("thread_id:")


def test_a_lost_create_response_is_resolved_by_looking_for_the_marker(fake_api):
    def found_after_loss(call):
        return page(msg("msg_1", metadata=fake_api.calls[1].json["metadata"]))
    result = run(fake_api, page(), connection_dropped(), found_after_loss, content="Hello")
    assert fake_api.paths == ["GET /threads/thread_1/messages", "POST /threads/thread_1/messages", "GET /threads/thread_1/messages"]
    assert result["changed"] is True
    assert result["message"]["id"] == "msg_1"


def test_a_lost_create_that_created_nothing_is_sent_again(fake_api):
    result = run(fake_api, page(), connection_dropped(), page(), json_response(msg("msg_2")), content="Hello")
    assert [c.method for c in fake_api.calls] == ["GET", "POST", "GET", "POST"]
    assert result["message"]["id"] == "msg_2"


def test_check_mode_sends_no_post(fake_api):
    result = run(fake_api, page(), content="Hello", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["message"] == {}
    assert fake_api.paths == ["GET /threads/thread_1/messages"]


# -- absent --------------------------------------------------------------------------------------

def test_absent_by_id_deletes(fake_api):
    result = run(fake_api, json_response(msg()), DELETED, state="absent", message_id="msg_1")
    assert fake_api.paths == ["GET /threads/thread_1/messages/msg_1", "DELETE /threads/thread_1/messages/msg_1"]
    assert result["changed"] is True
    assert result["message"]["id"] == "msg_1"


def test_absent_by_id_when_gone_is_unchanged(fake_api):
    result = run(fake_api, error_response(404, "No message found with id 'msg_1'."), state="absent", message_id="msg_1")
    assert result["changed"] is False
    assert result["message"] == {}


def test_absent_by_id_in_check_mode_sends_no_delete(fake_api):
    result = run(fake_api, json_response(msg()), state="absent", message_id="msg_1", _ansible_check_mode=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /threads/thread_1/messages/msg_1"]


def test_absent_by_content_deletes_the_marked_messages(fake_api):
    marker = created_marker(fake_api, content="Hello")
    fake_api.calls[:] = []
    ours = msg("msg_1", metadata={MESSAGE_MARKER: marker})
    other = msg("msg_0", "Hello")
    result = run(fake_api, page(ours, other), DELETED, state="absent", content="Hello")
    assert fake_api.paths == ["GET /threads/thread_1/messages", "DELETE /threads/thread_1/messages/msg_1"]
    assert result["changed"] is True


def test_absent_by_content_on_a_missing_thread_is_unchanged(fake_api):
    result = run(fake_api, error_response(404, "No thread found with id 'thread_1'."), state="absent", content="Hello")
    assert result["changed"] is False


# -- message_info --------------------------------------------------------------------------------

def info(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(message_info.main, dict(BASE, **options))
    return done.value.result


def test_info_reads_one_message(fake_api):
    result = info(fake_api, json_response(msg()), message_id="msg_1")
    assert result["message"]["id"] == "msg_1"
    assert "messages" not in result


def test_info_of_a_missing_message_is_empty(fake_api):
    result = info(fake_api, error_response(404, "No message found with id 'msg_1'."), message_id="msg_1")
    assert result["message"] == {}


def test_info_lists_with_limit_order_and_run_filter(fake_api):
    result = info(fake_api, page(msg("msg_1"), msg("msg_2"), has_more=True), page(msg("msg_3")),
                  run_id="run_1", limit=3, order="asc")
    assert [m["id"] for m in result["messages"]] == ["msg_1", "msg_2", "msg_3"]
    assert fake_api.calls[0].params == {"run_id": "run_1", "order": "asc", "limit": 3}
    assert fake_api.calls[1].params["after"] == "msg_2"


def test_info_stops_at_the_limit(fake_api):
    result = info(fake_api, page(msg("msg_1"), msg("msg_2"), has_more=True), limit=1)
    assert len(result["messages"]) == 1
    assert len(fake_api.calls) == 1
