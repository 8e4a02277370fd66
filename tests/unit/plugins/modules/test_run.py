# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run module on scripted HTTP: validation before any request, identity, lost responses, results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aiops.openai.plugins.modules import run
from ansible_collections.aiops.openai.plugins.module_utils._markers import RUN_MARKER
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    connection_dropped,
    error_response,
    json_response,
    run_module,
    run_object,
    sse_event,
    sse_response,
)

BASE = {"api_key": API_KEY, "base_url": BASE_URL, "thread_id": "thread_1", "assistant_id": "asst_1"}
FUNCTION = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def args(**extra):
    result = dict(BASE)
    result.update(extra)
    return result


def page(*items, **extra):
    body = {"object": "list", "data": list(items), "first_id": None, "last_id": items[-1]["id"] if items else None, "has_more": False}
    body.update(extra)
    return json_response(body)


def user_message(message_id="msg_1", text="Hello", **extra):
    message = {"id": message_id, "object": "thread.message", "thread_id": "thread_1", "role": "user", "run_id": None,
               "created_at": 1700000000, "metadata": {}, "attachments": [],
               "content": [{"type": "text", "text": {"value": text, "annotations": []}}]}
    message.update(extra)
    return message


def reply(run_id="run_1", text="You said: Hello", message_id="msg_2"):
    return user_message(message_id, text, role="assistant", run_id=run_id, created_at=1700000002)


def step(run_id="run_1"):
    return {"id": "step_1", "object": "thread.run.step", "run_id": run_id, "type": "message_creation", "status": "completed",
            "created_at": 1700000001, "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_2"}}}


# Bad input (each case fails naming the option, before any request): test_bad_input.py, one table for every module.


def test_retrieval_is_sent_as_file_search_with_a_warning(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args(tools=[{"type": "retrieval"}], max_tokens=2048))
    body = fake_api.calls[2].json
    assert body["tools"] == [{"type": "file_search"}]
    assert body["max_completion_tokens"] == 2048
    assert "sending file_search" in json.dumps(done.value.result["warnings"])


def test_additional_messages_attachments_are_sent_as_the_api_takes_them(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    attachment = {"file_id": "file_1", "tools": [{"type": "code_interpreter"}, {"type": "file_search"}]}
    with pytest.raises(AnsibleExitJson):
        run_module(run.main, args(additional_messages=[{"content": "See the file", "attachments": [attachment]}]))
    sent = fake_api.calls[2].json["additional_messages"][0]
    assert sent["attachments"] == [attachment]
    assert sent["role"] == "user" and sent["content"] == "See the file"
    assert RUN_MARKER in sent["metadata"]


# -- identity ---------------------------------------------------------------------------------------

def test_create_marks_the_run_and_a_rerun_with_the_same_input_reuses_it(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson) as first:
        run_module(run.main, args(metadata={"purpose": "test"}))
    body = fake_api.calls[2].json
    marker = body["metadata"][RUN_MARKER]
    assert first.value.result["changed"] is True
    assert body["metadata"]["purpose"] == "test"
    assert fake_api.paths == ["GET /threads/thread_1/messages", "GET /threads/thread_1/runs", "POST /threads/thread_1/runs"]

    existing = run_object("completed", metadata={"purpose": "test", RUN_MARKER: marker})
    fake_api.add(page(reply(), user_message()), page(existing), page(step()))
    with pytest.raises(AnsibleExitJson) as second:
        run_module(run.main, args(metadata={"purpose": "test"}))
    result = second.value.result
    assert result["changed"] is False
    assert result["run"]["id"] == "run_1"
    assert result["output_text"] == "You said: Hello"
    assert len(fake_api.calls) == 6
    assert [c.method for c in fake_api.calls[3:]] == ["GET", "GET", "GET"]


def test_a_new_user_message_or_a_changed_definition_changes_the_marker(fake_api):
    markers = []
    for message_id, temperature in (("msg_1", 0.5), ("msg_9", 0.5), ("msg_1", 0.7)):
        fake_api.add(page(user_message(message_id)), page(), json_response(run_object("queued")))
        with pytest.raises(AnsibleExitJson):
            run_module(run.main, args(temperature=temperature))
        markers.append(fake_api.calls[-1].json["metadata"][RUN_MARKER])
    assert len(set(markers)) == 3


def test_a_failed_run_with_the_same_marker_is_replaced(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson):
        run_module(run.main, args())
    marker = fake_api.calls[-1].json["metadata"][RUN_MARKER]
    failed = run_object("failed", metadata={RUN_MARKER: marker}, last_error={"code": "server_error", "message": "boom"})
    fake_api.add(page(user_message()), page(failed), json_response(run_object("queued", run_id="run_2")))
    with pytest.raises(AnsibleExitJson) as again:
        run_module(run.main, args())
    assert again.value.result["changed"] is True
    assert again.value.result["run"]["id"] == "run_2"


def test_an_active_run_that_is_not_ours_is_named(fake_api):
    fake_api.add(page(user_message()), page(run_object("in_progress", run_id="run_other")))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(run.main, args())
    assert "run_other" in failure.value.result["msg"]
    assert "one active run per thread" in failure.value.result["msg"]
    assert [c.method for c in fake_api.calls] == ["GET", "GET"]


def test_check_mode_sends_no_post_and_predicts_the_change(fake_api):
    fake_api.add(page(user_message()), page())
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args(_ansible_check_mode=True, _ansible_diff=True, completion_window=10))
    result = done.value.result
    assert result["changed"] is True
    assert result["run"] == {}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["assistant_id"] == "asst_1"
    assert [c.method for c in fake_api.calls] == ["GET", "GET"]


# -- waiting, streams and lost responses ----------------------------------------------------------------

def streamed_run(run_id="run_1", text="You said: Hello"):
    done = run_object("completed", run_id=run_id, usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3})
    return sse_response([
        sse_event("thread.run.created", run_object("queued", run_id=run_id)),
        sse_event("thread.run.in_progress", run_object("in_progress", run_id=run_id)),
        sse_event("thread.run.step.completed", step(run_id)),
        sse_event("thread.message.completed", reply(run_id, text)),
        sse_event("thread.run.completed", done),
        b"event: done\ndata: [DONE]\n\n",
    ])


def test_create_and_wait_takes_three_requests_with_a_stream(fake_api):
    fake_api.add(page(user_message()), page(), streamed_run())
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args(completion_window=30))
    result = done.value.result
    assert len(fake_api.calls) == 3
    assert fake_api.calls[2].json["stream"] is True
    assert result["run"]["status"] == "completed"
    assert result["run"]["steps"][0]["id"] == "step_1"
    assert result["run"]["usage"]["total_tokens"] == 3
    assert result["output_text"] == "You said: Hello"
    assert [m["id"] for m in result["messages"]] == ["msg_2"]


def test_a_lost_create_response_is_resolved_by_lookup_not_by_a_second_create(fake_api):
    def found(call):
        return page(run_object("completed", metadata={RUN_MARKER: fake_api.calls[2].json["metadata"][RUN_MARKER]}))
    fake_api.add(page(user_message()), page(), connection_dropped(), found, page(step()), page(reply()))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args(completion_window=30))
    assert [c.method for c in fake_api.calls].count("POST") == 1
    assert done.value.result["changed"] is True
    assert done.value.result["output_text"] == "You said: Hello"


def test_a_lost_create_that_created_nothing_is_sent_again(fake_api):
    fake_api.add(page(user_message()), page(), connection_dropped(), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args())
    assert [c.method for c in fake_api.calls].count("POST") == 2
    assert done.value.result["run"]["status"] == "queued"


def test_a_failed_run_fails_the_task_with_its_error(fake_api):
    failed = run_object("failed", last_error={"code": "server_error", "message": "the model broke"})
    stream = sse_response([sse_event("thread.run.created", run_object("queued")), sse_event("thread.run.failed", failed),
                           b"event: done\ndata: [DONE]\n\n"])
    fake_api.add(page(user_message()), page(), stream)
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(run.main, args(completion_window=30))
    result = failure.value.result
    assert "ended failed: the model broke" in result["msg"]
    assert result["last_error"]["code"] == "server_error"
    assert result["run"]["status"] == "failed"


def test_tool_outputs_must_answer_exactly_the_calls_the_run_waits_for(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson):
        run_module(run.main, args())
    marker = fake_api.calls[-1].json["metadata"][RUN_MARKER]
    waiting = run_object("requires_action", metadata={RUN_MARKER: marker}, required_action={
        "type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}})
    fake_api.add(page(user_message()), page(waiting))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(run.main, args(tool_outputs=[{"tool_call_id": "call_9", "output": "x"}]))
    assert "call_1" in failure.value.result["msg"] and "call_9" in failure.value.result["msg"]
    assert "POST" not in [c.method for c in fake_api.calls[3:]]


def test_errors_are_structured_and_redacted(fake_api):
    fake_api.add(error_response(401, "Incorrect API key provided: {0}".format(API_KEY), code="invalid_api_key",
                                headers={"x-request-id": "req_123"}))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(run.main, args())
    result = failure.value.result
    assert result["error"]["status"] == 401
    assert result["error"]["code"] == "invalid_api_key"
    assert result["error"]["request_id"] == "req_123"
    assert API_KEY not in json.dumps(result)


def test_a_late_commit_after_a_lost_response_is_adopted_not_reported_as_a_conflict(fake_api):
    # First create: response lost, nothing visible yet. Second create: the first one has landed meanwhile.
    def landed(call):
        return page(run_object("queued", metadata={RUN_MARKER: fake_api.calls[2].json["metadata"][RUN_MARKER]}))
    fake_api.add(page(user_message()), page(), connection_dropped(), page(),
                 error_response(400, "Thread thread_1 already has an active run run_1."), landed)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args())
    assert [c.method for c in fake_api.calls].count("POST") == 2
    assert done.value.result["run"]["id"] == "run_1"
    assert done.value.result["changed"] is True


def test_a_conflict_without_a_lost_response_is_not_hidden(fake_api):
    fake_api.add(page(user_message()), page(), error_response(400, "Thread thread_1 already has an active run run_9."))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(run.main, args())
    assert "run_9" in failure.value.result["msg"]
    assert failure.value.result["error"]["status"] == 400


def test_absent_on_a_run_that_ended_before_the_cancel_reports_no_change(fake_api):
    fake_api.add(json_response(run_object("in_progress")),
                 error_response(400, "Cannot cancel run with status 'completed'."),
                 json_response(run_object("completed")), page(step()), page(reply()))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, {"api_key": API_KEY, "base_url": BASE_URL, "run_id": "thread_1:run_1", "state": "absent"})
    assert done.value.result["changed"] is False
    assert done.value.result["run"]["status"] == "completed"


def test_tool_outputs_survive_lost_responses_and_are_never_sent_twice_once_taken(fake_api):
    fake_api.add(page(user_message()), page(), json_response(run_object("queued")))
    with pytest.raises(AnsibleExitJson):
        run_module(run.main, args())
    marker = fake_api.calls[-1].json["metadata"][RUN_MARKER]
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}}
    waiting = run_object("requires_action", metadata={RUN_MARKER: marker}, required_action=action)
    outputs = [{"tool_call_id": "call_1", "output": "sunny"}]
    # Lost twice while the run still asks (so submit again), then lost once more after the server took them.
    fake_api.add(page(user_message()), page(waiting),
                 connection_dropped(), json_response(waiting),
                 connection_dropped(), json_response(waiting),
                 connection_dropped(), json_response(run_object("in_progress", metadata={RUN_MARKER: marker})),
                 page(step()), page(reply(text="get_weather returned: sunny")))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(run.main, args(tool_outputs=outputs))
    posts = [c for c in fake_api.calls[3:] if c.method == "POST"]
    assert len(posts) == 3
    assert all(c.path.endswith("/submit_tool_outputs") for c in posts)
    assert done.value.result["changed"] is True
    assert done.value.result["output_text"] == "get_weather returned: sunny"
