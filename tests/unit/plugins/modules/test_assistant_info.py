# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The assistant_info module on scripted HTTP: by ID, by name, listing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.modules import assistant_info
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    error_response,
    json_response,
    run_module,
)


def info(fake_api, *replies, **options):
    fake_api.add(*replies)
    with pytest.raises(AnsibleExitJson) as done:
        run_module(assistant_info.main, dict({"api_key": API_KEY, "base_url": BASE_URL}, **options))
    return done.value.result


def page(*items, **extra):
    body = {"object": "list", "data": list(items), "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None, "has_more": False}
    body.update(extra)
    return json_response(body)


def asst(assistant_id, name="helper"):
    return {"id": assistant_id, "object": "assistant", "name": name, "model": "gpt-4o", "tools": [], "metadata": {}}


def test_by_id(fake_api):
    result = info(fake_api, json_response(asst("asst_1")), assistant_id="asst_1")
    assert result["changed"] is False
    assert result["assistant"]["id"] == "asst_1"
    assert result["assistants"] == [result["assistant"]]
    assert fake_api.paths == ["GET /assistants/asst_1"]


def test_an_unknown_id_gives_empty_results(fake_api):
    result = info(fake_api, error_response(404, "No assistant found with id 'asst_x'."), assistant_id="asst_x")
    assert result["assistant"] == {}
    assert result["assistants"] == []


def test_by_name_reads_all_pages(fake_api):
    result = info(fake_api, page(asst("asst_3", "other"), has_more=True), page(asst("asst_1")), name="helper")
    assert result["assistant"]["id"] == "asst_1"
    assert [a["id"] for a in result["assistants"]] == ["asst_1"]
    assert len(fake_api.calls) == 2


def test_by_name_with_several_matches_lists_them_but_picks_none(fake_api):
    result = info(fake_api, page(asst("asst_2"), asst("asst_1")), name="helper")
    assert result["assistant"] == {}
    assert [a["id"] for a in result["assistants"]] == ["asst_2", "asst_1"]


def test_by_name_with_several_matches_picks_none_even_under_the_limit(fake_api):
    result = info(fake_api, page(asst("asst_2"), asst("asst_1")), name="helper", limit=1)
    assert result["assistant"] == {}
    assert len(result["assistants"]) == 1


def test_listing_honours_limit_and_order(fake_api):
    result = info(fake_api, page(asst("asst_1"), asst("asst_2"), asst("asst_3"), has_more=True), limit=2, order="asc")
    assert [a["id"] for a in result["assistants"]] == ["asst_1", "asst_2"]
    assert result["assistant"] == {}
    assert fake_api.calls[0].params == {"order": "asc", "limit": 2}
    assert len(fake_api.calls) == 1
