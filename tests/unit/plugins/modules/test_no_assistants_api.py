# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A server without the Assistants API (issue 13): every module says so in words, and a missing object stays a missing object.

https://api.openai.com/v1 answers 404 ``Invalid URL (GET /v1/assistants)`` on every Assistants path
since OpenAI shut its hosted Assistants API down on 2026-08-26. Each module's first request gets that
answer here, and the task must fail saying that the server does not offer the Assistants API and what
to use instead, not only the bare 404. A 404 about an object ("No thread found with id ...") is not
that: the modules that treat a missing object as absent still do, and a bare "Not Found" (FastAPI's
default) is told apart with one look at the assistants list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.modules import (
    assistant,
    assistant_info,
    message,
    message_info,
    run,
    run_info,
    thread,
    thread_info,
)
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    error_response,
    json_response,
    run_module,
)

BASE = {"api_key": API_KEY, "base_url": BASE_URL, "api": "assistants"}
SAYS = ("This server does not offer the Assistants API", "OpenAI's hosted Assistants API was shut down on 2026-08-26",
        "api: responses")
# Each module with task arguments, and the request it sends first.
MODULES = {
    "assistant": (assistant, {"name": "helper", "model": "gpt-4o-mini"}, "GET /assistants"),
    "assistant_info": (assistant_info, {}, "GET /assistants"),
    "thread": (thread, {"thread_id": "thread_1"}, "GET /threads/thread_1"),
    "thread_info": (thread_info, {"thread_id": "thread_1"}, "GET /threads/thread_1"),
    "message": (message, {"thread_id": "thread_1", "content": "Hello"}, "GET /threads/thread_1/messages"),
    "message_info": (message_info, {"thread_id": "thread_1"}, "GET /threads/thread_1/messages"),
    "run": (run, {"thread_id": "thread_1", "assistant_id": "asst_1"}, "GET /threads/thread_1/messages"),
    "run_info": (run_info, {"thread_id": "thread_1", "run_id": "run_1"}, "GET /threads/thread_1/runs/run_1"),
}


def invalid_url(request):
    """What https://api.openai.com/v1 answers on an Assistants path since 2026-08-26."""
    method, path = request.split(" ", 1)
    return error_response(404, "Invalid URL ({0} /v1{1})".format(method, path))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_server_without_the_assistants_api_is_named_as_such(fake_api, name):
    module, args, first = MODULES[name]
    fake_api.add(invalid_url(first))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(module.main, dict(BASE, **args))
    result = failure.value.result
    assert fake_api.paths == [first]
    assert result["msg"].startswith("{0} failed with HTTP 404: Invalid URL ({1} /v1{2})".format(first, *first.split(" ", 1)))
    assert all(words in result["msg"] for words in SAYS), result["msg"]
    assert result["error"]["status"] == 404 and result["error"]["request"] == first


def test_a_missing_thread_is_still_absent(fake_api):
    fake_api.add(error_response(404, "No thread found with id 'thread_1'."))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    assert done.value.result["exists"] is False
    assert fake_api.paths == ["GET /threads/thread_1"]


def test_a_bare_not_found_is_a_missing_object_when_the_assistants_list_answers(fake_api):
    fake_api.add(json_response({"detail": "Not Found"}, status=404),
                 json_response({"object": "list", "data": [], "has_more": False}))
    with pytest.raises(AnsibleExitJson) as done:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    assert done.value.result["exists"] is False
    assert fake_api.paths == ["GET /threads/thread_1", "GET /assistants"]


def test_a_bare_not_found_is_a_missing_api_when_the_assistants_list_is_missing_too(fake_api):
    fake_api.add(json_response({"detail": "Not Found"}, status=404), json_response({"detail": "Not Found"}, status=404))
    with pytest.raises(AnsibleFailJson) as failure:
        run_module(thread_info.main, dict(BASE, thread_id="thread_1"))
    msg = failure.value.result["msg"]
    assert msg.startswith("GET /threads/thread_1 failed with HTTP 404: Not Found") and SAYS[0] in msg
    assert fake_api.paths == ["GET /threads/thread_1", "GET /assistants"]
