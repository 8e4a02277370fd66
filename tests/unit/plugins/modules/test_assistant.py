# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The assistant module on scripted HTTP: validation, finding by name, idempotent updates, lost responses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.modules import assistant
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

BASE = {"api_key": API_KEY, "base_url": BASE_URL, "name": "helper"}
FUNCTION = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def args(**extra):
    result = dict(BASE)
    result.update(extra)
    return result


def page(*items, **extra):
    body = {"object": "list", "data": list(items), "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None, "has_more": False}
    body.update(extra)
    return json_response(body)


def asst(assistant_id="asst_1", name="helper", **extra):
    """An AssistantObject with the defaults a server fills in."""
    obj = {"id": assistant_id, "object": "assistant", "created_at": 1700000000, "name": name, "description": None,
           "model": "gpt-4o", "instructions": None, "tools": [], "tool_resources": {}, "metadata": {},
           "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
    obj.update(extra)
    return obj


def run(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(assistant.main, args(**options))
    return done.value.result


def fail(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(assistant.main, args(**options))
    return failure.value.result


# Bad input (each case fails naming the option, before any request): test_bad_input.py, one table for every module.


def test_limits_are_the_api_limits(fake_api):
    result = run(fake_api, page(), json_response(asst(name="n" * 256)),
                 name="n" * 256, model="gpt-4o", description="d" * 512, temperature=2, top_p=0)
    assert result["changed"] is True


# -- create, find by name, compare ---------------------------------------------------------------

def test_create_sends_only_the_options_set(fake_api):
    result = run(fake_api, page(), json_response(asst(temperature=0.5)),
                 model="gpt-4o", temperature=0.5, tools=[{"type": "code_interpreter"}], _ansible_diff=True)
    assert fake_api.paths == ["GET /assistants", "POST /assistants"]
    assert fake_api.calls[1].json == {"name": "helper", "model": "gpt-4o", "temperature": 0.5, "tools": [{"type": "code_interpreter"}]}
    assert result["changed"] is True
    assert result["assistant"]["id"] == "asst_1"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["temperature"] == 0.5


def test_same_spec_again_is_unchanged_and_sends_no_post(fake_api):
    # The server adds defaults (a function's strict, file search's ranking options) that were not asked for.
    current = asst(temperature=0.5, metadata={"team": "ops"}, instructions="Be brief.", tools=[
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}, "strict": False, "description": None}},
        {"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0.0}}},
    ])
    result = run(fake_api, page(asst("asst_0", name="other"), current),
                 model="gpt-4o", temperature=0.5, metadata={"team": "ops"}, instructions="Be brief.",
                 tools=[FUNCTION, {"type": "file_search"}], _ansible_diff=True)
    assert result["changed"] is False
    assert fake_api.paths == ["GET /assistants"]
    assert result["assistant"]["id"] == "asst_1"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_only_the_options_set_are_compared(fake_api):
    current = asst(instructions="Old instructions", metadata={"a": "1"}, tools=[{"type": "code_interpreter"}])
    result = run(fake_api, page(current), temperature=1.0)
    assert result["changed"] is False
    assert fake_api.paths == ["GET /assistants"]


def test_a_changed_option_updates_in_place_sending_only_what_differs(fake_api):
    current = asst(instructions="Old", temperature=0.5)
    updated = asst(instructions="New", temperature=0.5)
    result = run(fake_api, page(current), json_response(updated),
                 instructions="New", temperature=0.5, model="gpt-4o", _ansible_diff=True)
    assert fake_api.paths == ["GET /assistants", "POST /assistants/asst_1"]
    assert fake_api.calls[1].json == {"instructions": "New"}
    assert result["changed"] is True
    assert result["assistant"]["instructions"] == "New"
    assert result["diff"]["before"]["instructions"] == "Old"
    assert result["diff"]["after"]["instructions"] == "New"
    assert result["diff"]["before"]["id"] == "asst_1"


def test_metadata_is_compared_as_a_whole(fake_api):
    current = asst(metadata={"team": "ops", "old": "x"})
    run(fake_api, page(current), json_response(asst(metadata={"team": "ops"})), metadata={"team": "ops"})
    assert fake_api.calls[-1].json == {"metadata": {"team": "ops"}}


def test_tools_are_compared_as_a_list(fake_api):
    current = asst(tools=[{"type": "code_interpreter"}, {"type": "file_search"}])
    run(fake_api, page(current), json_response(asst(tools=[{"type": "code_interpreter"}])), tools=[{"type": "code_interpreter"}])
    assert fake_api.calls[-1].json == {"tools": [{"type": "code_interpreter"}]}


def test_reasoning_effort_is_not_returned_so_it_is_only_sent_along_with_another_change(fake_api):
    result = run(fake_api, page(asst()), reasoning_effort="low", _ansible_diff=True)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    run(fake_api, page(asst()), json_response(asst(temperature=0.3)), reasoning_effort="low", temperature=0.3)
    assert fake_api.calls[-1].json == {"reasoning_effort": "low", "temperature": 0.3}


def test_finding_by_name_reads_every_page(fake_api):
    first = page(asst("asst_9", name="a"), has_more=True)
    second = page(asst("asst_1"))
    result = run(fake_api, first, second)
    assert result["assistant"]["id"] == "asst_1"
    assert fake_api.calls[1].params["after"] == "asst_9"
    assert fake_api.calls[0].params["limit"] == 100


def test_several_assistants_with_the_name_fail_listing_their_ids(fake_api):
    result = fail(fake_api, page(asst("asst_1"), asst("asst_2")), temperature=0.1)
    assert "asst_1" in result["msg"] and "asst_2" in result["msg"]
    assert "assistant_id" in result["msg"]
    assert fake_api.paths == ["GET /assistants"]


def test_assistant_id_picks_one_and_can_rename_it(fake_api):
    result = run(fake_api, json_response(asst("asst_2")), json_response(asst("asst_2", name="renamed")),
                 assistant_id="asst_2", name="renamed")
    assert fake_api.paths == ["GET /assistants/asst_2", "POST /assistants/asst_2"]
    assert fake_api.calls[1].json == {"name": "renamed"}
    assert result["assistant"]["name"] == "renamed"


def test_an_unknown_assistant_id_fails_with_present(fake_api):
    result = fail(fake_api, error_response(404, "No assistant found with id 'asst_x'."), assistant_id="asst_x", name=None)
    assert result["msg"].startswith("assistant_id:")
    assert fake_api.paths == ["GET /assistants/asst_x"]


def test_creating_needs_a_model(fake_api):
    result = fail(fake_api, page())
    assert result["msg"].startswith("model:")
    assert fake_api.paths == ["GET /assistants"]


# -- check mode ----------------------------------------------------------------------------------

def test_check_mode_predicts_a_create_without_posting(fake_api):
    result = run(fake_api, page(), model="gpt-4o", _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True
    assert result["assistant"] == {}
    assert result["diff"]["after"] == {"name": "helper", "model": "gpt-4o"}
    assert fake_api.paths == ["GET /assistants"]


def test_check_mode_predicts_an_update_without_posting(fake_api):
    result = run(fake_api, page(asst()), temperature=0.2, _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["assistant"]["temperature"] == 1.0
    assert fake_api.paths == ["GET /assistants"]


# -- absent --------------------------------------------------------------------------------------

def test_absent_deletes_the_assistant_found_by_name(fake_api):
    result = run(fake_api, page(asst()), json_response({"id": "asst_1", "object": "assistant.deleted", "deleted": True}),
                 state="absent", _ansible_diff=True)
    assert fake_api.paths == ["GET /assistants", "DELETE /assistants/asst_1"]
    assert result["changed"] is True
    assert result["assistant"]["id"] == "asst_1"
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["model"] == "gpt-4o"


def test_absent_when_there_is_none_is_unchanged(fake_api):
    result = run(fake_api, page(asst("asst_0", name="other")), state="absent")
    assert result["changed"] is False
    assert result["assistant"] == {}
    assert fake_api.paths == ["GET /assistants"]


def test_absent_by_unknown_id_is_unchanged(fake_api):
    result = run(fake_api, error_response(404, "No assistant found with id 'asst_x'."), state="absent", assistant_id="asst_x")
    assert result["changed"] is False


def test_absent_in_check_mode_sends_no_delete(fake_api):
    result = run(fake_api, page(asst()), state="absent", _ansible_check_mode=True)
    assert result["changed"] is True
    assert fake_api.paths == ["GET /assistants"]


def test_absent_with_duplicates_deletes_nothing(fake_api):
    result = fail(fake_api, page(asst("asst_1"), asst("asst_2")), state="absent")
    assert "asst_1, asst_2" in result["msg"]
    assert fake_api.paths == ["GET /assistants"]


# -- lost responses ------------------------------------------------------------------------------

def test_a_lost_create_response_is_resolved_by_looking_up_the_name(fake_api):
    result = run(fake_api, page(), connection_dropped(), page(asst("asst_new")), model="gpt-4o")
    assert fake_api.paths == ["GET /assistants", "POST /assistants", "GET /assistants"]
    assert result["changed"] is True
    assert result["assistant"]["id"] == "asst_new"


def test_a_lost_create_that_created_nothing_is_sent_again(fake_api):
    result = run(fake_api, page(), connection_dropped(), page(), json_response(asst("asst_new")), model="gpt-4o")
    assert fake_api.paths == ["GET /assistants", "POST /assistants", "GET /assistants", "POST /assistants"]
    assert result["assistant"]["id"] == "asst_new"


def test_lost_responses_are_retried_at_most_max_retries_times(fake_api):
    result = fail(fake_api, page(), connection_dropped(), page(), connection_dropped(), page(), model="gpt-4o", max_retries=1)
    assert "may have created" in result["msg"]
    assert [c.method for c in fake_api.calls].count("POST") == 2


def test_api_errors_fail_with_the_structured_error(fake_api):
    result = fail(fake_api, page(), error_response(400, "Invalid model 'nope'.", param="model"), model="nope")
    assert result["error"]["status"] == 400
    assert result["error"]["param"] == "model"
    assert "Invalid model" in result["msg"]
