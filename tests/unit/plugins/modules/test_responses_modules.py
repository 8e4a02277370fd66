# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules on the Responses API, against a small stateful fake of its paths (no sockets).

``Server`` answers each request of a ``FakeSession`` from its state (conversations, their
items, responses), so a test runs tasks one after another as a play would and counts what
they sent. The choice of the API (``api`` option, IDs, hosted URL, one probe) and the
refusals before any request are tested here too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import json

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
from ansible_collections.aiops.openai.plugins.module_utils._responses import JOURNAL_KEYS
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    connection_dropped,
    error_response,
    json_response,
    run_module,
    sse_event,
    sse_response,
)

HOSTED = "https://api.openai.com/v1"
WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}}}}}
RUN = {"model": "gpt-4o", "instructions": "Answer weather questions.", "tools": [WEATHER], "completion_window": 30}
CREATES = ("POST /conversations", "POST /responses", "POST /assistants", "POST /threads")


class Server:
    """The Responses API and Conversations, in memory, as far as the modules use them.

    ``assistants=False``: ``GET /assistants`` is a 404 (a Responses-only server).
    A response created with ``stream`` completes on its stream; one created without stays
    ``in_progress`` until it is read once (or cancelled; with ``hold`` set, until cancelled). Its output is a ``get_weather``
    function call when that tool is given and the newest user text names it, else the echo
    ``You said: <text>``; a response answering function calls says ``get_weather returned: <output>``.
    """

    def __init__(self, assistants=False):
        self.assistants = assistants
        self.hold = False
        self.refuse = None  # an error reply for the next POST /responses
        self.drop = False  # carry the next POST /responses out, then drop the connection (its answer is lost)
        self.ids = itertools.count(1)
        self.conversations = {}
        self.items = {}
        self.responses = {}

    def new_id(self, prefix):
        return "{0}_{1}".format(prefix, next(self.ids))

    def __call__(self, call):
        path = call.path.split("/v1", 1)[-1] if call.url.startswith(HOSTED) else call.path
        parts = path.strip("/").split("/")
        handler = getattr(self, "_" + call.method.lower() + "_" + parts[0], None)
        if handler is None:
            return error_response(404, "Invalid URL ({0} {1})".format(call.method, path))
        return handler(call, parts[1:])

    # -- the probe ----------------------------------------------------------------------

    def _get_assistants(self, call, rest):
        if not self.assistants:
            return error_response(404, "Invalid URL (GET /v1/assistants)")
        return json_response({"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False})

    # -- conversations ------------------------------------------------------------------

    def _conversation(self, conv_id):
        return self.conversations.get(conv_id)

    def _post_conversations(self, call, rest):
        body = call.json or {}
        if not rest:
            conv = {"id": self.new_id("conv"), "object": "conversation", "created_at": 1767225600,
                    "metadata": dict(body.get("metadata") or {})}
            self.conversations[conv["id"]] = conv
            self.items[conv["id"]] = []
            self._add(conv["id"], body.get("items") or [])
            return json_response(conv)
        conv = self._conversation(rest[0])
        if conv is None:
            return error_response(404, "Conversation with id '{0}' not found.".format(rest[0]))
        if rest[1:] == ["items"]:
            added = self._add(conv["id"], body["items"])
            return json_response({"object": "list", "data": added, "first_id": added[0]["id"], "last_id": added[-1]["id"],
                                  "has_more": False})
        conv["metadata"] = dict(body.get("metadata") or {})
        return json_response(conv)

    def _get_conversations(self, call, rest):
        conv = self._conversation(rest[0])
        if conv is None:
            return error_response(404, "Conversation with id '{0}' not found.".format(rest[0]))
        if len(rest) == 1:
            return json_response(conv)
        items = self.items[conv["id"]]
        if len(rest) == 3:
            found = [i for i in items if i["id"] == rest[2]]
            return json_response(found[0]) if found else error_response(404, "Item not found.")
        params = call.params or {}
        ordered = list(reversed(items)) if params.get("order", "desc") == "desc" else list(items)
        if params.get("after"):
            ids = [i["id"] for i in ordered]
            ordered = ordered[ids.index(params["after"]) + 1:]
        limit = int(params.get("limit", 20))
        data = ordered[:limit]
        return json_response({"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                              "last_id": data[-1]["id"] if data else None, "has_more": len(ordered) > limit})

    def _delete_conversations(self, call, rest):
        if len(rest) == 3 and rest[0] in self.items:
            kept = [i for i in self.items[rest[0]] if i["id"] != rest[2]]
            if len(kept) == len(self.items[rest[0]]):
                return error_response(404, "Item not found.")
            self.items[rest[0]] = kept
            return json_response({"id": rest[0], "object": "conversation"})
        if self.conversations.pop(rest[0], None) is None:
            return error_response(404, "Conversation with id '{0}' not found.".format(rest[0]))
        return json_response({"id": rest[0], "object": "conversation.deleted", "deleted": True})

    def _add(self, conv_id, items):
        added = []
        for item in items:
            item = dict(item)
            item.setdefault("type", "message")
            item["id"] = self.new_id({"message": "msg", "function_call": "fc", "function_call_output": "fco"}[item["type"]])
            item["status"] = "completed"
            if isinstance(item.get("content"), str):
                kind = "output_text" if item.get("role") == "assistant" else "input_text"
                item["content"] = [{"type": kind, "text": item["content"]}]
            added.append(item)
        self.items[conv_id].extend(added)
        return added

    # -- responses ----------------------------------------------------------------------

    def _output(self, conv_id, body):
        inputs = body.get("input") or []
        outputs = [i for i in inputs if i.get("type") == "function_call_output"]
        if outputs:
            text = "\n".join("get_weather returned: {0}".format(o["output"]) for o in outputs)
            return [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text, "annotations": []}]}]
        users = [i for i in self.items[conv_id] + inputs if i.get("type", "message") == "message" and i.get("role") == "user"]
        last = users[-1]["content"] if users else ""
        text = last if isinstance(last, str) else " ".join(p.get("text", "") for p in last)
        names = [t["name"] for t in body.get("tools") or [] if t.get("type") == "function"]
        if "get_weather" in names and "get_weather" in text:
            return [{"type": "function_call", "call_id": self.new_id("call"), "name": "get_weather",
                     "arguments": json.dumps({"city": "Paris"})}]
        return [{"type": "message", "role": "assistant", "content": [
            {"type": "output_text", "text": "You said: " + text, "annotations": []}]}]

    def _complete(self, response):
        if response["status"] not in ("queued", "in_progress"):
            return
        conv_id = response["conversation"]["id"]
        self._add(conv_id, list(response.pop("_input")))
        response["output"] = self._add(conv_id, response.pop("_output"))
        response.update(status="completed", completed_at=1767225603,
                        usage={"input_tokens": 5, "output_tokens": 3, "total_tokens": 8})

    def _post_responses(self, call, rest):
        if rest:
            response = self.responses[rest[0]]
            if rest[1:] == ["cancel"] and response["status"] in ("queued", "in_progress"):
                response.update(status="cancelled", output=[])
            return json_response(self._public(response))
        if self.refuse is not None:
            refusal, self.refuse = self.refuse, None
            return refusal
        body = dict(call.json)
        conv_id = body["conversation"]
        if conv_id not in self.conversations:
            return error_response(404, "Conversation with id '{0}' not found.".format(conv_id))
        response = {"id": self.new_id("resp"), "object": "response", "created_at": 1767225601, "status": "in_progress",
                    "background": body.get("background"), "conversation": {"id": conv_id}, "model": body.get("model"),
                    "instructions": body.get("instructions"), "tools": body.get("tools") or [],
                    "metadata": body.get("metadata") or {}, "output": [], "error": None, "incomplete_details": None,
                    "usage": None, "completed_at": None,
                    "_input": list(body.get("input") or []), "_output": self._output(conv_id, body)}
        self.responses[response["id"]] = response
        if self.drop:
            self.drop = False
            self._complete(response)
            return connection_dropped()
        if not body.get("stream"):
            return json_response(self._public(response))
        if self.hold:
            # The stream breaks off after response.created; the response stays in progress.
            return sse_response([sse_event("response.created", {"type": "response.created", "sequence_number": 0,
                                                                "response": self._public(response)})])
        created = sse_event("response.created", {"type": "response.created", "sequence_number": 0,
                                                 "response": self._public(response)})
        self._complete(response)
        done = sse_event("response.completed", {"type": "response.completed", "sequence_number": 1,
                                                "response": self._public(response)})
        return sse_response([created, done])

    def _get_responses(self, call, rest):
        response = self.responses.get(rest[0])
        if response is None:
            return error_response(404, "Response with id '{0}' not found.".format(rest[0]))
        if not self.hold:
            self._complete(response)
        return json_response(self._public(response))

    @staticmethod
    def _public(response):
        return dict((k, v) for k, v in response.items() if not k.startswith("_"))


@pytest.fixture
def server(fake_api):
    """A Responses-only fake server answering every request of the module tests (at most 200 per test)."""
    fake = Server()
    fake_api.add(*([fake] * 200))
    return fake


def task(fake_api, main, args, api="responses", base_url=BASE_URL, fails=False):
    """Run one task; return ``(result, requests it sent)``."""
    before = len(fake_api.calls)
    full = {"api_key": API_KEY, "base_url": base_url}
    if api is not None:
        full["api"] = api
    full.update(args)
    with pytest.raises(AnsibleFailJson if fails else AnsibleExitJson) as ended:
        run_module(main, full)
    return ended.value.result, ["{0} {1}".format(c.method, c.path) for c in fake_api.calls[before:]]


def creates(paths):
    """The requests that create something (a conversation, an item, a response); metadata updates do not."""
    return [p for p in paths if p in CREATES or (p.startswith("POST ") and p.endswith("/items"))]


# -- thread = conversation ----------------------------------------------------------------------


def test_thread_creates_reads_updates_and_deletes_a_conversation(fake_api, server):
    created, sent = task(fake_api, thread.main, {"metadata": {"ticket": "INC-1"}, "messages": [{"content": "Hello"}]})
    conv = created["thread"]["id"]
    assert created["changed"] is True and created["api"] == "responses" and conv.startswith("conv_")
    assert sent == ["POST /conversations"]
    assert [i["content"] for i in server.items[conv]] == [[{"type": "input_text", "text": "Hello"}]]
    # The first message's journal entry (the message module recognises it by it): the user never sees it.
    journal = server.conversations[conv]["metadata"][JOURNAL_KEYS[0]]

    read, sent = task(fake_api, thread_info.main, {"thread_id": conv})
    assert read["exists"] is True and read["thread"]["metadata"] == {"ticket": "INC-1"} and sent == ["GET /conversations/" + conv]

    same, sent = task(fake_api, thread.main, {"thread_id": conv, "metadata": {"ticket": "INC-1"}})
    assert same["changed"] is False and sent == ["GET /conversations/" + conv]

    updated, sent = task(fake_api, thread.main, {"thread_id": conv, "metadata": {"ticket": "INC-2"}})
    assert updated["changed"] is True and server.conversations[conv]["metadata"] == {"ticket": "INC-2", JOURNAL_KEYS[0]: journal}
    assert sent == ["GET /conversations/" + conv, "POST /conversations/" + conv]

    deleted, sent = task(fake_api, thread.main, {"thread_id": conv, "state": "absent"})
    assert deleted["changed"] is True and conv not in server.conversations
    assert sent == ["GET /conversations/" + conv, "DELETE /conversations/" + conv]
    gone, sent = task(fake_api, thread.main, {"thread_id": conv, "state": "absent"})
    assert gone["changed"] is False and sent == ["GET /conversations/" + conv]


def test_thread_metadata_update_keeps_the_journal_and_hides_it(fake_api, server):
    conv = task(fake_api, thread.main, {})[0]["thread"]["id"]
    task(fake_api, message.main, {"thread_id": conv, "content": "Hi"})
    journal = server.conversations[conv]["metadata"][JOURNAL_KEYS[0]]
    result, _sent = task(fake_api, thread.main, {"thread_id": conv, "metadata": {"team": "ops"}})
    assert result["thread"]["metadata"] == {"team": "ops"}
    assert server.conversations[conv]["metadata"] == {"team": "ops", JOURNAL_KEYS[0]: journal}


# -- message = message item ----------------------------------------------------------------------


def test_a_first_message_of_the_thread_counts_as_there_for_the_message_module(fake_api, server):
    """As on the Assistants API, where a thread's first messages carry the message marker."""
    first = [{"content": "Which buckets are public?"}, {"role": "assistant", "content": "Let me check."}]
    conv = task(fake_api, thread.main, {"messages": first})[0]["thread"]["id"]
    assert [i["role"] for i in server.items[conv]] == ["user", "assistant"]
    for args in ({"content": "Which buckets are public?"}, {"role": "assistant", "content": "Let me check."}):
        found, sent = task(fake_api, message.main, dict(args, thread_id=conv))
        assert found["changed"] is False and found["message"]["role"] == args.get("role", "user")
        assert creates(sent) == []
        again, sent = task(fake_api, message.main, dict(args, thread_id=conv))
        assert again["changed"] is False and again["message"]["id"] == found["message"]["id"] and len(sent) == 2
    assert len(server.items[conv]) == 2
    other, _sent = task(fake_api, message.main, {"thread_id": conv, "content": "Which buckets are public?", "key": "2"})
    assert other["changed"] is True and len(server.items[conv]) == 3
    removed, _sent = task(fake_api, message.main, {"thread_id": conv, "content": "Let me check.", "role": "assistant",
                                                   "state": "absent"})
    assert removed["changed"] is True and [i["role"] for i in server.items[conv]] == ["user", "user"]


def test_a_message_is_added_once_however_often_the_task_runs(fake_api, server):
    conv = task(fake_api, thread.main, {})[0]["thread"]["id"]
    first, sent = task(fake_api, message.main, {"thread_id": conv, "content": "Which buckets are public?"})
    assert first["changed"] is True and first["api"] == "responses" and first["message"]["id"].startswith("msg_")
    assert ("POST /conversations/{0}/items".format(conv)) in sent
    again, sent = task(fake_api, message.main, {"thread_id": conv, "content": "Which buckets are public?"})
    assert again["changed"] is False and again["message"]["id"] == first["message"]["id"]
    assert creates(sent) == [] and len(sent) == 2
    keyed, _sent = task(fake_api, message.main, {"thread_id": conv, "content": "Which buckets are public?", "key": "2"})
    assert keyed["changed"] is True
    assert len([i for i in server.items[conv] if i["type"] == "message"]) == 2

    listed, _sent = task(fake_api, message_info.main, {"thread_id": conv})
    assert [m["content"][0]["text"]["value"] for m in listed["messages"]] == ["Which buckets are public?"] * 2


# -- run = response -----------------------------------------------------------------------------


def _conversation_with(fake_api, text):
    conv = task(fake_api, thread.main, {})[0]["thread"]["id"]
    task(fake_api, message.main, {"thread_id": conv, "content": text})
    return conv


def test_a_function_call_then_tool_outputs_then_the_answer_and_reruns_change_nothing(fake_api, server):
    conv = _conversation_with(fake_api, "Please call get_weather for Paris")
    asked, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert asked["changed"] is True and asked["api"] == "responses"
    assert asked["run"]["object"] == "response" and asked["run"]["status"] == "requires_action"
    assert asked["run"]["thread_id"] == conv and asked["run"]["steps"][0]["type"] == "function_call"
    call = asked["tool_calls"][0]
    assert call["type"] == "function" and call["function"]["name"] == "get_weather"
    assert [p for p in sent if p == "POST /responses"] == ["POST /responses"]
    assert len(sent) <= 5
    body = [c for c in fake_api.calls if c.path == "/responses"][0].json
    assert body["tools"] == [{"type": "function", "name": "get_weather", "description": None, "strict": False,
                              "parameters": WEATHER["function"]["parameters"]}]
    assert body["stream"] is True and body["background"] is True and body["store"] is True and body["conversation"] == conv

    rerun, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert rerun["changed"] is False and rerun["run"]["id"] == asked["run"]["id"] and rerun["tool_calls"] == asked["tool_calls"]
    assert len(sent) <= 3 and creates(sent) == []

    outputs = [{"tool_call_id": call["id"], "output": "Sunny"}]
    answered, sent = task(fake_api, run.main, dict(RUN, thread_id=conv, tool_outputs=outputs))
    assert answered["changed"] is True and answered["run"]["status"] == "completed"
    assert answered["output_text"] == "get_weather returned: Sunny" and answered["tool_calls"] == []
    follow_up = [c for c in fake_api.calls if c.path == "/responses"][-1].json
    assert follow_up["input"] == [{"type": "function_call_output", "call_id": call["id"], "output": "Sunny"}]
    assert [p for p in sent if p == "POST /responses"] == ["POST /responses"]

    for args in (dict(RUN, thread_id=conv, tool_outputs=outputs), dict(RUN, thread_id=conv)):
        again, sent = task(fake_api, run.main, args)
        assert again["changed"] is False and again["output_text"] == "get_weather returned: Sunny"
        assert len(sent) <= 3 and creates(sent) == []
    assert len(server.responses) == 2


def test_a_new_user_message_makes_a_new_response(fake_api, server):
    conv = _conversation_with(fake_api, "Hello")
    first, _sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert first["output_text"] == "You said: Hello"
    task(fake_api, message.main, {"thread_id": conv, "content": "And now?"})
    second, _sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert second["changed"] is True and second["run"]["id"] != first["run"]["id"] and second["output_text"] == "You said: And now?"


def test_state_absent_cancels_the_response_once(fake_api, server):
    conv = _conversation_with(fake_api, "Tell me a story")
    server.hold = True
    started, _sent = task(fake_api, run.main, {"thread_id": conv, "model": "gpt-4o"})
    assert started["run"]["status"] == "in_progress"
    cancelled, sent = task(fake_api, run.main, {"thread_id": conv, "model": "gpt-4o", "state": "absent"})
    assert cancelled["changed"] is True and cancelled["run"]["status"] == "cancelled"
    assert "POST /responses/{0}/cancel".format(started["run"]["id"]) in sent
    again, sent = task(fake_api, run.main, {"thread_id": conv, "model": "gpt-4o", "state": "absent"})
    assert again["changed"] is False and not [p for p in sent if p.startswith("POST")]


@pytest.mark.parametrize("form", ["plain", "conversation"])
def test_run_id_adopts_a_response(fake_api, server, form):
    conv = _conversation_with(fake_api, "Hello")
    response_id = task(fake_api, run.main, {"thread_id": conv, "model": "gpt-4o"})[0]["run"]["id"]
    reference = response_id if form == "plain" else "{0}:{1}".format(conv, response_id)
    adopted, sent = task(fake_api, run.main, {"run_id": reference, "completion_window": 10})
    assert adopted["changed"] is False and adopted["api"] == "responses"
    assert adopted["run"]["id"] == response_id and adopted["run"]["thread_id"] == conv
    assert adopted["output_text"] == "You said: Hello" and sent == ["GET /responses/" + response_id]
    read, sent = task(fake_api, run_info.main, {"run_id": reference})
    assert read["run"]["status"] == "completed" and read["messages"][0]["content"][0]["text"]["value"] == "You said: Hello"
    assert sent == ["GET /responses/" + response_id]


def test_run_info_without_run_id_says_responses_cannot_be_listed(fake_api, server):
    result, sent = task(fake_api, run_info.main, {"thread_id": "conv_1"}, fails=True)
    assert result["msg"].startswith("run_id: required on the Responses API") and "cannot list" in result["msg"]
    assert sent == []


# -- assistants have no place on the Responses API ---------------------------------------------------


@pytest.mark.parametrize("main, args", [(assistant.main, {"name": "helper", "model": "gpt-4o"}), (assistant_info.main, {})])
@pytest.mark.parametrize("api, base_url", [("responses", BASE_URL), (None, HOSTED), ("auto", HOSTED)])
def test_the_assistant_modules_refuse_the_responses_api_before_any_request(
        fake_api, server, monkeypatch, main, args, api, base_url):
    monkeypatch.delenv("AIOPS_OPENAI_API")
    result, sent = task(fake_api, main, args, api=api, base_url=base_url, fails=True)
    assert sent == []
    assert "Responses API has no assistants" in result["msg"] and "run task" in result["msg"] and "prompt" in result["msg"]
    assert "module_defaults" in result["msg"]


def test_the_assistant_module_on_auto_fails_right_after_the_probe_of_a_responses_server(fake_api, server):
    result, sent = task(fake_api, assistant.main, {"name": "helper", "model": "gpt-4o"}, api="auto", fails=True)
    assert sent == ["GET /assistants"] and fake_api.calls[-1].params == {"limit": 1}
    assert "Responses API has no assistants" in result["msg"] and result["api"] == "responses"


# -- choosing the API -------------------------------------------------------------------------------


def test_auto_an_id_decides_without_a_probe(fake_api, server):
    conv = task(fake_api, thread.main, {})[0]["thread"]["id"]
    result, sent = task(fake_api, thread_info.main, {"thread_id": conv}, api="auto")
    assert result["api"] == "responses" and sent == ["GET /conversations/" + conv]
    # A thread_ ID means the Assistants API (which this fake server does not offer: it answers 404).
    with pytest.raises((AnsibleExitJson, AnsibleFailJson)) as ended:
        run_module(thread_info.main, {"api_key": API_KEY, "base_url": BASE_URL, "api": "auto", "thread_id": "thread_abc"})
    assert ended.value.result["api"] == "assistants" and fake_api.paths[-1:] == ["GET /threads/thread_abc"]
    assert len(fake_api.calls) == 3


@pytest.mark.parametrize("api, main, args, start", [
    ("responses", thread_info.main, {"thread_id": "thread_abc"}, "thread_id: 'thread_abc' is an ID of the Assistants API"),
    ("responses", run.main, {"run_id": "thread_1:run_1"}, "run_id: 'thread_1:run_1' is an ID of the Assistants API"),
    ("assistants", message.main, {"thread_id": "conv_1", "content": "hi"}, "thread_id: 'conv_1' is an ID of the Responses API"),
    ("assistants", run_info.main, {"run_id": "resp_1"}, "run_id: 'resp_1' is an ID of the Responses API"),
])
def test_an_id_of_the_other_api_is_refused_before_any_request(fake_api, server, api, main, args, start):
    result, sent = task(fake_api, main, args, api=api, fails=True)
    assert sent == [] and result["msg"].startswith(start)
    assert "but api (or AIOPS_OPENAI_API) is {0}".format(api) in result["msg"] and "or auto" in result["msg"]


def test_an_assistant_id_on_the_responses_api_says_where_the_definition_goes(fake_api, server):
    result, sent = task(fake_api, run.main, {"thread_id": "conv_1", "assistant_id": "asst_1"}, fails=True)
    assert sent == [] and result["msg"].startswith("assistant_id: the Responses API has no assistants")


def test_auto_ids_of_both_apis_fail_before_any_request(fake_api, server):
    result, sent = task(fake_api, run.main, {"thread_id": "conv_1", "run_id": "run_1"}, api="auto", fails=True)
    assert sent == [] and "run_id is an Assistants API ID but thread_id is a Responses API ID" in result["msg"]


@pytest.mark.parametrize("api", [None, "auto"])
def test_auto_at_the_hosted_url_is_responses_without_a_probe(fake_api, server, monkeypatch, api):
    monkeypatch.delenv("AIOPS_OPENAI_API")
    result, sent = task(fake_api, thread.main, {}, api=api, base_url=HOSTED)
    assert result["api"] == "responses" and sent == ["POST " + HOSTED + "/conversations"]


def test_auto_elsewhere_probes_once_with_a_get_then_creates(fake_api, server):
    result, sent = task(fake_api, thread.main, {}, api="auto")
    assert result["api"] == "responses" and sent == ["GET /assistants", "POST /conversations"]
    assert fake_api.calls[-2].method == "GET" and fake_api.calls[-2].json is None


def test_auto_elsewhere_probes_an_assistants_server_and_uses_it(fake_api, server):
    server.assistants = True
    fake_api.script[0:0] = [json_response({"id": "thread_1", "object": "thread", "created_at": 1, "metadata": {},
                                           "tool_resources": {}})]
    fake_api.script[0:0] = [server]
    result, sent = task(fake_api, thread.main, {}, api="auto")
    assert result["api"] == "assistants" and sent == ["GET /assistants", "POST /threads"]


def test_the_environment_variable_chooses_the_api(fake_api, server, monkeypatch):
    monkeypatch.setenv("AIOPS_OPENAI_API", "responses")
    result, sent = task(fake_api, thread.main, {}, api=None)
    assert result["api"] == "responses" and sent == ["POST /conversations"]


# -- bad input: refused before any request, on both APIs -------------------------------------------

# (id, module, arguments, words of the message); each is bad on both APIs
BAD_ON_BOTH = [
    ("run-temperature", run.main, {"thread_id": "x1", "model": "m", "assistant_id": "a1", "temperature": 3}, ["temperature"]),
    ("run-max-tokens-10", run.main, {"thread_id": "x1", "model": "m", "assistant_id": "a1", "max_tokens": 10}, ["max_tokens"]),
    ("run-no-thread", run.main, {"model": "m", "assistant_id": "a1", "run_id": None}, ["thread_id"]),
    ("run-window-zero", run.main, {"thread_id": "x1", "model": "m", "assistant_id": "a1", "completion_window": 0},
     ["completion_window"]),
    ("thread-metadata-list", thread.main, {"metadata": {"k": [1]}}, ["metadata.k"]),
    ("thread-absent-without-id", thread.main, {"state": "absent"}, ["thread_id"]),
    ("message-empty", message.main, {"thread_id": "x1", "content": ""}, ["content"]),
    ("message-info-limit", message_info.main, {"thread_id": "x1", "limit": 0}, ["limit"]),
    ("run-info-nothing", run_info.main, {}, ["thread_id"]),
    ("thread-info-blank", thread_info.main, {"thread_id": " "}, ["thread_id"]),
]


@pytest.mark.parametrize("api", ["assistants", "responses", "auto"])
@pytest.mark.parametrize("main, args, words", [c[1:] for c in BAD_ON_BOTH], ids=[c[0] for c in BAD_ON_BOTH])
def test_input_bad_on_both_apis_is_refused_before_any_request(fake_api, server, api, main, args, words):
    result, sent = task(fake_api, main, dict((k, v) for k, v in args.items() if v is not None), api=api, fails=True)
    assert sent == []
    for word in words:
        assert word in result["msg"]
    assert API_KEY not in json.dumps(result)


# (id, module, arguments, words): refused on the Responses API only, naming the option
BAD_ON_RESPONSES = [
    ("thread-tool-resources", thread.main, {"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}},
     ["tool_resources:", "vector_store_ids"]),
    ("message-attachments", message.main, {"thread_id": "conv_1", "content": "hi", "attachments": [
        {"file_id": "file_1", "tools": [{"type": "file_search"}]}]}, ["attachments:"]),
    ("message-metadata", message.main, {"thread_id": "conv_1", "content": "hi", "metadata": {"k": "v"}}, ["metadata:"]),
    ("run-max-prompt-tokens", run.main, {"thread_id": "conv_1", "model": "m", "max_prompt_tokens": 500}, ["max_prompt_tokens:"]),
    ("run-assistant-id", run.main, {"thread_id": "conv_1", "assistant_id": "asst_1"}, ["assistant_id:"]),
    ("run-no-model", run.main, {"thread_id": "conv_1"}, ["model: required on the Responses API"]),
    ("run-file-search-without-stores", run.main, {"thread_id": "conv_1", "model": "m", "tools": [{"type": "file_search"}]},
     ["tools[0].file_search.vector_store_ids"]),
    ("run-truncation-last-messages", run.main, {"thread_id": "conv_1", "model": "m",
                                                "truncation_strategy": {"type": "last_messages", "last_messages": 2}},
     ["truncation_strategy.type"]),
]


@pytest.mark.parametrize("main, args, words", [c[1:] for c in BAD_ON_RESPONSES], ids=[c[0] for c in BAD_ON_RESPONSES])
def test_input_the_responses_api_cannot_take_is_refused_before_any_request(fake_api, server, main, args, words):
    result, sent = task(fake_api, main, args, api="responses", fails=True)
    assert sent == [] and result["api"] == "responses"
    for word in words:
        assert word in result["msg"]


# (id, module, arguments, words): refused on the Assistants API only
BAD_ON_ASSISTANTS = [
    ("run-prompt", run.main, {"thread_id": "thread_1", "assistant_id": "asst_1", "prompt": {"id": "pmpt_1"}}, ["prompt:"]),
    ("run-without-assistant", run.main, {"thread_id": "thread_1", "model": "m"}, ["assistant_id:", "run_id"]),
    ("run-vector-stores-on-a-tool", run.main, {"thread_id": "thread_1", "assistant_id": "asst_1", "tools": [
        {"type": "file_search", "file_search": {"vector_store_ids": ["vs_1"]}}]}, ["tools[0].file_search.vector_store_ids:"]),
    ("run-max-tokens-100", run.main, {"thread_id": "thread_1", "assistant_id": "asst_1", "max_tokens": 100}, ["max_tokens"]),
]


@pytest.mark.parametrize("main, args, words", [c[1:] for c in BAD_ON_ASSISTANTS], ids=[c[0] for c in BAD_ON_ASSISTANTS])
def test_input_the_assistants_api_cannot_take_is_refused_before_any_request(fake_api, server, main, args, words):
    result, sent = task(fake_api, main, args, api="assistants", fails=True)
    assert sent == []
    for word in words:
        assert word in result["msg"]


@pytest.mark.parametrize("args, start", [
    ({"attachments": [{"file_id": "file_1", "tools": [{"type": "file_search"}]}]}, "attachments: the Responses API"),
    ({"metadata": {"k": "v"}}, "metadata: conversation items carry no metadata"),
    ({"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]},
     "content: an assistant message can only hold text"),
])
def test_the_message_module_names_its_own_top_level_option(fake_api, server, args, start):
    result, sent = task(fake_api, message.main, dict({"thread_id": "conv_1", "content": "hi"}, **args), fails=True)
    assert sent == [] and result["msg"].startswith(start)


def test_max_tokens_of_100_is_fine_on_the_responses_api(fake_api, server):
    conv = _conversation_with(fake_api, "Hello")
    result, _sent = task(fake_api, run.main, {"thread_id": conv, "model": "gpt-4o", "max_tokens": 100})
    assert [c for c in fake_api.calls if c.path == "/responses"][0].json["max_output_tokens"] == 100
    assert result["changed"] is True


def test_auto_refusal_of_one_api_waits_for_the_probe_and_never_creates(fake_api, server):
    """tool_resources: fine on the Assistants API, refused on the Responses API: the probe decides, nothing is created."""
    result, sent = task(fake_api, thread.main, {"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}},
                        api="auto", fails=True)
    assert sent == ["GET /assistants"] and result["msg"].startswith("tool_resources:")


def test_a_refused_create_leaves_no_pending_entry_so_the_next_run_creates(fake_api, server):
    conv = _conversation_with(fake_api, "Hello")
    journal = server.conversations[conv]["metadata"][JOURNAL_KEYS[0]]
    server.refuse = error_response(400, "The server refused this request.")
    refused, _sent = task(fake_api, run.main, dict(RUN, thread_id=conv), fails=True)
    assert "HTTP 400" in refused["msg"] and "The server refused this request." in refused["msg"]
    assert server.conversations[conv]["metadata"][JOURNAL_KEYS[0]] == journal
    done, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert done["changed"] is True and done["output_text"] == "You said: Hello" and sent.count("POST /responses") == 1
    assert len(server.responses) == 1


def test_a_wait_that_runs_out_names_the_response_and_how_to_pick_it_up(fake_api, server):
    conv = _conversation_with(fake_api, "Hello")
    server.hold = True
    result, sent = task(fake_api, run.main, dict(RUN, thread_id=conv, completion_window=0.5), fails=True)
    response_id = list(server.responses)[0]
    assert result["msg"].startswith("Waiting for response {0} in conversation {1} timed out after".format(response_id, conv))
    assert "run_id={0}:{1}".format(conv, response_id) in result["msg"] and result["status"] == "in_progress"
    assert sent.count("POST /responses") == 1 and "GET /responses/" + response_id in sent
    server.hold = False
    picked_up, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert picked_up["changed"] is False and picked_up["run"]["id"] == response_id and picked_up["output_text"] == "You said: Hello"
    assert "POST /responses" not in sent


def test_a_message_of_a_conversation_that_does_not_exist(fake_api, server):
    failed, sent = task(fake_api, message.main, {"thread_id": "conv_gone", "content": "Hi"}, fails=True)
    assert failed["msg"].startswith("thread_id: no thread has the ID 'conv_gone'") and sent == ["GET /conversations/conv_gone"]
    absent, sent = task(fake_api, message.main, {"thread_id": "conv_gone", "content": "Hi", "state": "absent"})
    assert absent["changed"] is False and absent["message"] == {} and sent == ["GET /conversations/conv_gone"]


def test_message_absent_deletes_the_item_it_added(fake_api, server):
    conv = _conversation_with(fake_api, "Hi")
    removed, sent = task(fake_api, message.main, {"thread_id": conv, "content": "Hi", "state": "absent"})
    assert removed["changed"] is True and [i for i in server.items[conv] if i["type"] == "message"] == []
    assert sent[-1].startswith("DELETE /conversations/{0}/items/msg_".format(conv))


def test_check_mode_predicts_the_response_and_sends_no_post(fake_api, server):
    conv = _conversation_with(fake_api, "Hello")
    predicted, sent = task(fake_api, run.main, dict(RUN, thread_id=conv, _ansible_check_mode=True, _ansible_diff=True))
    assert predicted["changed"] is True and predicted["run"] == {} and server.responses == {}
    assert not [p for p in sent if not p.startswith("GET")]
    assert predicted["diff"]["after"]["model"] == "gpt-4o" and predicted["diff"]["after"]["thread_id"] == conv
    task(fake_api, run.main, dict(RUN, thread_id=conv))
    unchanged, sent = task(fake_api, run.main, dict(RUN, thread_id=conv, _ansible_check_mode=True))
    assert unchanged["changed"] is False and len(sent) <= 3 and not [p for p in sent if not p.startswith("GET")]


def test_tool_outputs_answer_a_function_call_whose_create_answer_was_lost(fake_api, server):
    conv = _conversation_with(fake_api, "Please call get_weather for Paris")
    server.drop = True
    asked, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert asked["run"]["id"] is None and asked["run"]["status"] == "requires_action" and sent.count("POST /responses") == 1
    call = asked["tool_calls"][0]
    answered, sent = task(fake_api, run.main, dict(RUN, thread_id=conv, tool_outputs=[{"tool_call_id": call["id"], "output": "Sunny"}]))
    assert answered["changed"] is True and answered["output_text"] == "get_weather returned: Sunny"
    follow_up = [c for c in fake_api.calls if c.path == "/responses"][-1].json
    assert follow_up["model"] == "gpt-4o" and follow_up["instructions"] == RUN["instructions"]
    assert [t["name"] for t in follow_up["tools"]] == ["get_weather"] and "aiops_openai_run" in follow_up["metadata"]
    again, sent = task(fake_api, run.main, dict(RUN, thread_id=conv))
    assert again["changed"] is False and again["output_text"] == "get_weather returned: Sunny" and "POST /responses" not in sent
    assert len(server.responses) == 2
