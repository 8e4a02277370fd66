# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run_info module on scripted HTTP: one run with what it produced, a thread's runs, waiting.

The tests look only at what the module sends and returns (request paths, counts, results), so
they hold whatever shape the module's helpers take.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import time

import pytest

from ansible_collections.aiops.openai.plugins.modules import run_info
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    error_response,
    json_response,
    run_module,
    run_object,
)

CONNECTION = {"api_key": API_KEY, "base_url": BASE_URL}
RUN_PATH = "GET /threads/thread_1/runs/run_1"
STEPS_PATH = "GET /threads/thread_1/runs/run_1/steps"
MESSAGES_PATH = "GET /threads/thread_1/messages"
# The server's polling hint: a wait test polls every 5 ms of real time instead of the 100 ms backoff.
POLL_HINT = {"openai-poll-after-ms": "5"}


def page(*items, **extra):
    body = {"object": "list", "data": list(items), "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None, "has_more": False}
    body.update(extra)
    return json_response(body)


def message(message_id, text, role="assistant", run_id="run_1", created_at=1700000002, **extra):
    found = {"id": message_id, "object": "thread.message", "thread_id": "thread_1", "role": role, "run_id": run_id,
             "created_at": created_at, "metadata": {}, "attachments": [],
             "content": [{"type": "text", "text": {"value": text, "annotations": []}}]}
    found.update(extra)
    return found


def step(step_id="step_1", created_at=1700000001, message_id="msg_2"):
    return {"id": step_id, "object": "thread.run.step", "run_id": "run_1", "thread_id": "thread_1", "type": "message_creation",
            "status": "completed", "created_at": created_at,
            "step_details": {"type": "message_creation", "message_creation": {"message_id": message_id}}}


def finish(outcome, fake_api, *replies, **options):
    """Run the module on ``replies``; expect ``outcome`` (exit or fail) and return its result without ``invocation``."""
    fake_api.add(*replies)
    with pytest.raises(outcome) as ended:
        run_module(run_info.main, dict(CONNECTION, **options))
    result = dict(ended.value.result)
    # ansible-core 2.21 adds invocation only when the controller asks for it.
    result.pop("invocation", None)
    # Every module reports the API it used; these tests are the Assistants API's.
    assert result.pop("api") == "assistants"
    return result


info = functools.partial(finish, AnsibleExitJson)
failure = functools.partial(finish, AnsibleFailJson)


def shaped(run, steps=(), file_ids=()):
    """The ``run`` result: the API object plus ``steps`` and ``file_ids``."""
    return dict(run, steps=list(steps), file_ids=list(file_ids))


# -- one run ----------------------------------------------------------------------------------


def test_one_run_with_its_steps_messages_and_text(fake_api):
    done = run_object("completed", usage={"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3})
    first = message("msg_2", "The answer is 42.")
    # Two assistant messages and a file citation: the text joins them, file_ids collects the file.
    cited = message("msg_3", "See the report.", created_at=1700000003, content=[
        {"type": "text", "text": {"value": "See the report.", "annotations": [
            {"type": "file_citation", "text": "[1]", "file_citation": {"file_id": "file_9"}}]}}])
    later, earlier = step("step_2", 1700000003, "msg_3"), step("step_1", 1700000001)
    result = info(fake_api, json_response(done), page(later, earlier), page(first, cited), thread_id="thread_1", run_id="run_1")
    assert result == {
        "changed": False,
        "run": shaped(done, steps=[earlier, later], file_ids=["file_9"]),
        "messages": [first, cited],
        "output_text": "The answer is 42.\n\nSee the report.",
        "tool_calls": [],
    }
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]
    assert fake_api.calls[1].params == {"order": "asc", "limit": 100}
    # Only the messages of this run, oldest first.
    assert fake_api.calls[2].params == {"run_id": "run_1", "order": "asc", "limit": 100}


def test_run_id_in_the_thread_id_colon_run_id_form(fake_api):
    done = run_object("completed")
    result = info(fake_api, json_response(done), page(), page(), run_id="thread_1:run_1")
    assert result["run"] == shaped(done)
    assert result["output_text"] == ""
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def test_the_thread_id_colon_run_id_form_agrees_with_a_matching_thread_id(fake_api):
    result = info(fake_api, json_response(run_object("completed")), page(), page(), thread_id="thread_1", run_id="thread_1:run_1")
    assert result["run"]["id"] == "run_1"
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def test_a_run_waiting_for_tool_outputs_returns_its_tool_calls(fake_api):
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
    waiting = run_object("requires_action", required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}})
    result = info(fake_api, json_response(waiting), page(), page(), run_id="thread_1:run_1", completion_window=30)
    # requires_action stops a wait: no poll follows the first read.
    assert result == {"changed": False, "run": shaped(waiting), "messages": [], "output_text": "", "tool_calls": [call]}
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def test_without_completion_window_an_active_run_is_returned_as_it_is(fake_api):
    active = run_object("in_progress")
    result = info(fake_api, json_response(active), page(), page(), run_id="thread_1:run_1")
    assert result["run"] == shaped(active)
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def test_a_missing_run_fails_with_the_servers_404(fake_api):
    result = failure(fake_api, error_response(404, "No run found with id 'run_1'."), run_id="thread_1:run_1")
    assert result["failed"] is True
    assert "No run found with id 'run_1'." in result["msg"]
    assert result["error"]["status"] == 404
    assert result["error"]["type"] == "invalid_request_error"
    assert "run" not in result
    assert fake_api.paths == [RUN_PATH]
    assert API_KEY not in json.dumps(result)


# -- waiting ----------------------------------------------------------------------------------


def test_completion_window_polls_the_run_until_it_ends(fake_api):
    done = run_object("completed")
    answer = message("msg_2", "Done.")
    result = info(fake_api,
                  json_response(run_object("queued")),
                  json_response(run_object("in_progress"), headers=POLL_HINT),
                  json_response(done, headers=POLL_HINT),
                  page(step()), page(answer),
                  thread_id="thread_1", run_id="run_1", completion_window=30)
    assert result == {"changed": False, "run": shaped(done, steps=[step()]), "messages": [answer], "output_text": "Done.",
                      "tool_calls": []}
    assert fake_api.paths == [RUN_PATH, RUN_PATH, RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def test_a_run_that_has_ended_is_not_polled(fake_api):
    failed = run_object("failed", last_error={"code": "server_error", "message": "the model broke"})
    result = info(fake_api, json_response(failed), page(), page(), run_id="thread_1:run_1", completion_window=30)
    # run_info reports the run; a failed run is not a failed task.
    assert result["run"] == shaped(failed)
    assert fake_api.paths == [RUN_PATH, STEPS_PATH, MESSAGES_PATH]


def still_running(_call):
    return json_response(run_object("in_progress"), headers=POLL_HINT)


@pytest.mark.parametrize("window, read", [(0.2, 300), (300, 0.2)], ids=["completion_window", "timeouts.read"])
def test_a_wait_that_runs_out_fails_with_the_runs_last_status(fake_api, window, read):
    began = time.monotonic()
    result = failure(fake_api, json_response(run_object("queued")), *[still_running] * 1000,
                     run_id="thread_1:run_1", completion_window=window, timeouts={"read": read})
    waited = time.monotonic() - began
    assert result["failed"] is True
    assert result["msg"].startswith("run run_1 on thread thread_1 was still in_progress after waiting 0.")
    assert result["run"] == run_object("in_progress")
    # Polled (more than once) until the shorter limit, then stopped: no steps or messages read.
    assert len(fake_api.calls) > 2
    assert set(fake_api.paths) == {RUN_PATH}
    assert 0.2 <= waited < 5
    assert API_KEY not in json.dumps(result)


# -- listing ----------------------------------------------------------------------------------


def test_thread_id_alone_lists_the_newest_runs(fake_api):
    runs = [run_object("completed", run_id="run_2"), run_object("failed", run_id="run_1")]
    result = info(fake_api, page(*runs), thread_id="thread_1")
    assert result == {"changed": False, "runs": runs}
    assert fake_api.paths == ["GET /threads/thread_1/runs"]
    assert fake_api.calls[0].params == {"order": "desc", "limit": 20}


def test_listing_honours_limit_and_order_across_pages(fake_api):
    first = [run_object("completed", run_id="run_{0}".format(i)) for i in (1, 2)]
    second = [run_object("completed", run_id="run_{0}".format(i)) for i in (3, 4)]
    result = info(fake_api, page(*first, has_more=True), page(*second, has_more=True), thread_id="thread_1", limit=3, order="asc")
    assert result == {"changed": False, "runs": first + second[:1]}
    assert fake_api.paths == ["GET /threads/thread_1/runs"] * 2
    assert fake_api.calls[0].params == {"order": "asc", "limit": 3}
    assert fake_api.calls[1].params == {"order": "asc", "limit": 3, "after": "run_2"}


def test_an_empty_thread_lists_no_runs(fake_api):
    assert info(fake_api, page(), thread_id="thread_1") == {"changed": False, "runs": []}
    assert len(fake_api.calls) == 1


# Bad input (each case fails naming the option, before any request): test_bad_input.py, one table for every module.
