# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input, one table for every module: each case fails naming the option, and sends no request.

Each row runs a module's real code (argument parsing by ``AnsibleModule``, then the module's own
checks) on a ``FakeSession`` that records every request, so an empty record proves that validation
came before any HTTP. tests/reliability/test_bad_input.py sends a few cases through a real
``ansible-playbook``, where YAML and templating deliver the values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
from ansible_collections.aiops.openai.tests.unit.utils import API_KEY, BASE_URL, AnsibleExitJson, AnsibleFailJson, run_module

THREAD = "thread_abc123"
ASSISTANT = "asst_abc123"
RUN = {"thread_id": THREAD, "assistant_id": ASSISTANT}
FUNCTION = {"type": "function", "function": {"name": "get_weather"}}
MAINS = {
    "run": run.main, "run_info": run_info.main, "assistant": assistant.main, "assistant_info": assistant_info.main,
    "thread": thread.main, "thread_info": thread_info.main, "message": message.main, "message_info": message_info.main,
}


def function_tool(**function):
    return {"type": "function", "function": dict({"name": "get_weather"}, **function)}


def many(count, length=3, value="v"):
    return dict(("k{0:0{1}d}".format(i, length), value) for i in range(count))


# (id, module, task arguments, fragments the failure message must contain: the option's name first)
CASES = [
    # -- run: types and ranges
    ("run-temperature-not-a-number", "run", dict(RUN, temperature="hot"), ["temperature", "float"]),
    ("run-temperature-above-2", "run", dict(RUN, temperature=2.5), ["temperature", "between 0 and 2"]),
    ("run-top-p-negative", "run", dict(RUN, top_p=-0.1), ["top_p", "between 0 and 1"]),
    ("run-max-tokens-too-small", "run", dict(RUN, max_tokens=10), ["max_tokens", "at least 256"]),
    ("run-max-prompt-tokens-not-int", "run", dict(RUN, max_prompt_tokens="many"), ["max_prompt_tokens", "int"]),
    ("run-max-prompt-tokens-zero", "run", dict(RUN, max_prompt_tokens=0), ["max_prompt_tokens"]),
    ("run-parallel-tool-calls-not-bool", "run", dict(RUN, parallel_tool_calls="perhaps"), ["parallel_tool_calls", "bool"]),
    ("run-metadata-not-a-dict", "run", dict(RUN, metadata=["k", "v"]), ["metadata", "dict"]),
    # -- run: tools
    ("run-unknown-tool-type", "run", dict(RUN, tools=[{"type": "web_browser"}]), ["tools", "type", "web_browser"]),
    ("run-function-tool-without-function", "run", dict(RUN, tools=[{"type": "function"}]), ["tools[0].function", "required"]),
    ("run-function-without-name", "run", dict(RUN, tools=[{"type": "function", "function": {"description": "d"}}]), ["name", "function"]),
    ("run-function-name-with-space", "run", dict(RUN, tools=[function_tool(name="get weather")]), ["tools[0].function.name"]),
    ("run-function-name-65-chars", "run", dict(RUN, tools=[function_tool(name="f" * 65)]), ["tools[0].function.name"]),
    ("run-function-name-unicode", "run", dict(RUN, tools=[function_tool(name="météo")]), ["tools[0].function.name"]),
    ("run-function-defined-twice", "run", dict(RUN, tools=[FUNCTION, FUNCTION]), ["tools[1].function.name", "twice"]),
    ("run-parameters-json-array", "run", dict(RUN, tools=[function_tool(parameters="[1, 2]")]), ["tools[0].function.parameters"]),
    ("run-parameters-invalid-json", "run", dict(RUN, tools=[function_tool(parameters="{type: object")]), ["tools[0].function.parameters", "JSON"]),
    ("run-parameters-a-list", "run", dict(RUN, tools=[function_tool(parameters=["a"])]), ["tools[0].function.parameters"]),
    ("run-parameters-not-object-schema", "run", dict(RUN, tools=[function_tool(parameters={"type": "array"})]), ["tools[0].function.parameters"]),
    ("run-function-on-code-interpreter", "run", dict(RUN, tools=[{"type": "code_interpreter", "function": {"name": "f"}}]),
     ["tools[0].function"]),
    ("run-file-search-51-results", "run", dict(RUN, tools=[{"type": "file_search", "file_search": {"max_num_results": 51}}]),
     ["tools[0].file_search.max_num_results"]),
    ("run-129-tools", "run", dict(RUN, tools=[{"type": "code_interpreter"}] * 129), ["tools", "at most 128"]),
    ("run-tool-choice-unknown", "run", dict(RUN, tool_choice="sometimes"), ["tool_choice"]),
    ("run-tool-choice-function-not-in-tools", "run", dict(RUN, tools=[FUNCTION], tool_choice={"type": "function", "function": {"name": "other"}}),
     ["tool_choice.function.name"]),
    ("run-tool-choice-function-without-name", "run", dict(RUN, tool_choice={"type": "function"}), ["tool_choice.function.name"]),
    ("run-response-format-xml", "run", dict(RUN, response_format="xml"), ["response_format"]),
    ("run-response-format-json-schema-without-schema", "run", dict(RUN, response_format={"type": "json_schema"}), ["response_format.json_schema"]),
    # -- run: metadata
    ("run-metadata-16-keys", "run", dict(RUN, metadata=many(16)), ["metadata", "at most 15"]),
    ("run-metadata-key-65-chars", "run", dict(RUN, metadata={"k" * 65: "v"}), ["metadata", "1 to 64"]),
    ("run-metadata-unicode-key-65-chars", "run", dict(RUN, metadata={"é" * 65: "v"}), ["metadata", "1 to 64"]),
    ("run-metadata-value-513-chars", "run", dict(RUN, metadata={"k": "v" * 513}), ["metadata.k", "512"]),
    ("run-metadata-reserved-marker", "run", dict(RUN, metadata={"aiops_openai_run": "mine"}), ["metadata", "reserved"]),
    ("run-metadata-value-a-dict", "run", dict(RUN, metadata={"k": {"nested": 1}}), ["metadata.k", "strings"]),
    ("run-additional-message-reserved-marker", "run",
     dict(RUN, additional_messages=[{"content": "hi", "metadata": {"aiops_openai_run": "x"}}]), ["additional_messages[0].metadata", "reserved"]),
    ("run-additional-message-empty", "run", dict(RUN, additional_messages=[{"content": ""}]), ["additional_messages[0].content"]),
    ("run-additional-message-unknown-part", "run", dict(RUN, additional_messages=[{"content": [{"type": "video"}]}]),
     ["additional_messages[0].content[0]"]),
    ("run-additional-message-attachment-file-id-with-space", "run",
     dict(RUN, additional_messages=[{"content": "hi", "attachments": [{"file_id": "file 1", "tools": [{"type": "file_search"}]}]}]),
     ["additional_messages[0].attachments[0].file_id"]),
    ("run-additional-message-attachment-no-tools", "run",
     dict(RUN, additional_messages=[{"content": "hi", "attachments": [{"file_id": "file_1", "tools": []}]}]),
     ["additional_messages[0].attachments[0].tools"]),
    ("run-additional-message-attachment-tools-missing", "run", dict(RUN, additional_messages=[{"content": "hi", "attachments": [{"file_id": "file_1"}]}]),
     ["tools"]),
    ("run-additional-message-attachment-unknown-tool", "run",
     dict(RUN, additional_messages=[{"content": "hi", "attachments": [{"file_id": "file_1", "tools": [{"type": "browser"}]}]}]), ["type"]),
    ("run-additional-message-attachment-id-not-file-id", "run",
     dict(RUN, additional_messages=[{"content": "hi", "attachments": [{"id": "file_1", "tools": [{"type": "file_search"}]}]}]), ["id"]),
    # -- run: windows and timeouts
    ("run-completion-window-zero", "run", dict(RUN, completion_window=0), ["completion_window", "positive"]),
    ("run-completion-window-negative", "run", dict(RUN, completion_window=-5), ["completion_window", "positive"]),
    ("run-timeouts-create-zero", "run", dict(RUN, timeouts={"create": 0}), ["timeouts.create", "positive"]),
    ("run-timeouts-read-negative", "run", dict(RUN, timeouts={"read": -1}), ["timeouts.read", "positive"]),
    ("run-timeouts-unknown-key", "run", dict(RUN, timeouts={"forever": 1}), ["forever", "timeouts"]),
    ("run-truncation-last-messages-missing", "run", dict(RUN, truncation_strategy={"type": "last_messages"}),
     ["truncation_strategy.last_messages"]),
    ("run-truncation-last-messages-with-auto", "run", dict(RUN, truncation_strategy={"type": "auto", "last_messages": 3}),
     ["truncation_strategy.last_messages"]),
    # -- run: tool outputs, ids, run_id and conflicts
    ("run-tool-outputs-without-a-run", "run", dict(thread_id=THREAD, tool_outputs=[{"tool_call_id": "call_1", "output": "x"}]),
     ["assistant_id", "run_id"]),
    ("run-tool-outputs-with-absent", "run", dict(RUN, state="absent", tool_outputs=[{"tool_call_id": "call_1", "output": "x"}]),
     ["tool_outputs", "state=present"]),
    ("run-tool-outputs-empty-list", "run", dict(RUN, tool_outputs=[]), ["tool_outputs", "at least one"]),
    ("run-tool-outputs-duplicate-call", "run", dict(RUN, tool_outputs=[{"tool_call_id": "call_1", "output": "a"},
                                                                       {"tool_call_id": "call_1", "output": "b"}]), ["tool_outputs", "call_1"]),
    ("run-tool-output-without-output", "run", dict(RUN, tool_outputs=[{"tool_call_id": "call_1"}]), ["output", "tool_outputs"]),
    ("run-run-id-three-parts", "run", {"run_id": "thread_a:run_b:extra"}, ["run_id"]),
    ("run-run-id-empty-thread-part", "run", {"run_id": ":run_b"}, ["run_id"]),
    ("run-run-id-empty-run-part", "run", {"run_id": "thread_a:"}, ["run_id"]),
    ("run-plain-run-id-without-thread", "run", {"run_id": "run_b"}, ["run_id", "thread_id"]),
    ("run-run-id-names-another-thread", "run", {"run_id": "thread_a:run_b", "thread_id": "thread_c"}, ["run_id", "thread_c"]),
    ("run-run-id-with-defining-options", "run", {"run_id": "thread_a:run_b", "assistant_id": ASSISTANT, "model": "gpt-4o"},
     ["run_id", "assistant_id", "model"]),
    ("run-empty-thread-id", "run", dict(RUN, thread_id=""), ["thread_id"]),
    ("run-without-thread-id", "run", dict(RUN, thread_id=None), ["thread_id"]),
    ("run-without-assistant-id", "run", dict(RUN, assistant_id=None), ["assistant_id"]),
    ("run-assistant-id-with-slash", "run", dict(RUN, assistant_id="asst/1"), ["assistant_id"]),
    ("run-blank-assistant-id", "run", dict(RUN, assistant_id="   "), ["assistant_id"]),
    ("run-thread-id-with-slash", "run", dict(RUN, thread_id="thread_a/../assistants"), ["thread_id"]),
    ("run-thread-id-unicode-space", "run", dict(RUN, thread_id="thread_ü\u00a0ñ"), ["thread_id"]),
    ("run-thread-id-300-chars", "run", dict(RUN, thread_id="thread_" + "x" * 300), ["thread_id"]),
    ("run-idempotency-key-blank", "run", dict(RUN, idempotency_key="  "), ["idempotency_key"]),
    ("run-wait-strategy-unknown", "run", dict(RUN, wait_strategy="push"), ["wait_strategy", "push"]),
    ("run-reasoning-effort-unknown", "run", dict(RUN, reasoning_effort="extreme"), ["reasoning_effort", "extreme"]),
    ("run-state-unknown", "run", dict(RUN, state="gone"), ["state", "gone"]),
    ("run-unknown-option", "run", dict(RUN, colour="blue"), ["colour"]),
    # -- connection options (every module shares them)
    ("run-missing-key-no-env", "run", dict(RUN, api_key=None), ["api_key"]),
    ("run-empty-key", "run", dict(RUN, api_key=""), ["api_key"]),
    ("run-base-url-not-http", "run", dict(RUN, base_url="ftp://127.0.0.1/v1"), ["base_url"]),
    ("run-request-timeout-zero", "run", dict(RUN, request_timeout=0), ["request_timeout"]),
    ("run-max-retries-11", "run", dict(RUN, max_retries=11), ["max_retries", "between 0 and 10"]),
    ("run-max-retries-not-int", "run", dict(RUN, max_retries="three"), ["max_retries", "int"]),
    ("thread-info-missing-key-no-env", "thread_info", {"thread_id": THREAD, "api_key": None}, ["api_key"]),
    ("message-info-max-retries-negative", "message_info", {"thread_id": THREAD, "max_retries": -1}, ["max_retries"]),
    # -- run_info
    ("run-info-nothing-to-read", "run_info", {}, ["thread_id"]),
    ("run-info-window-without-run", "run_info", {"thread_id": THREAD, "completion_window": 10}, ["completion_window", "run_id"]),
    ("run-info-window-zero", "run_info", {"run_id": "thread_a:run_b", "completion_window": 0}, ["completion_window"]),
    ("run-info-limit-zero", "run_info", {"thread_id": THREAD, "limit": 0}, ["limit"]),
    ("run-info-malformed-run-id", "run_info", {"run_id": "a:b:c"}, ["run_id"]),
    ("run-info-timeouts-read-zero", "run_info", {"run_id": "thread_a:run_b", "timeouts": {"read": 0}}, ["timeouts.read"]),
    ("run-info-window-not-a-number", "run_info", {"thread_id": THREAD, "completion_window": "soon"}, ["completion_window"]),
    ("run-info-plain-run-id-without-thread", "run_info", {"run_id": "run_b"}, ["run_id", "thread_id"]),
    ("run-info-run-id-names-another-thread", "run_info", {"run_id": "thread_a:run_b", "thread_id": "thread_c"}, ["run_id", "thread_c"]),
    ("run-info-run-part-with-space", "run_info", {"run_id": "thread_a:run b"}, ["run_id"]),
    ("run-info-order-sideways", "run_info", {"thread_id": THREAD, "order": "sideways"}, ["order", "sideways"]),
    # -- assistant
    ("assistant-no-name-no-id", "assistant", {"model": "gpt-4o"}, ["name", "assistant_id"]),
    ("assistant-name-257-unicode-chars", "assistant", {"name": "ß" * 257, "model": "gpt-4o"}, ["name", "256"]),
    ("assistant-blank-name", "assistant", {"name": "   ", "model": "gpt-4o"}, ["name", "empty"]),
    ("assistant-empty-model", "assistant", {"name": "a", "model": ""}, ["model", "empty"]),
    ("assistant-description-513-chars", "assistant", {"name": "a", "model": "m", "description": "d" * 513}, ["description", "512"]),
    ("assistant-instructions-256001-chars", "assistant", {"name": "a", "instructions": "i" * 256001}, ["instructions"]),
    ("assistant-temperature-3", "assistant", {"name": "a", "temperature": 3}, ["temperature"]),
    ("assistant-top-p-above-1", "assistant", {"name": "a", "top_p": 1.01}, ["top_p"]),
    ("assistant-unknown-tool-type", "assistant", {"name": "a", "tools": [{"type": "browser"}]}, ["tools", "browser"]),
    ("assistant-parameters-not-object", "assistant", {"name": "a", "tools": [function_tool(parameters="3")]}, ["tools[0].function.parameters"]),
    ("assistant-metadata-17-keys", "assistant", {"name": "a", "metadata": many(17)}, ["metadata", "at most 16"]),
    ("assistant-21-code-files", "assistant", {"name": "a", "tool_resources": {"code_interpreter": {"file_ids": ["file_%d" % i for i in range(21)]}}},
     ["tool_resources.code_interpreter.file_ids", "20"]),
    ("assistant-2-vector-stores", "assistant", {"name": "a", "tool_resources": {"file_search": {"vector_store_ids": ["vs_1", "vs_2"]}}},
     ["tool_resources.file_search.vector_store_ids"]),
    ("assistant-empty-vector-store-id", "assistant", {"name": "a", "tool_resources": {"file_search": {"vector_store_ids": [""]}}},
     ["tool_resources.file_search.vector_store_ids"]),
    ("assistant-response-format-yaml", "assistant", {"name": "a", "response_format": {"type": "yaml"}}, ["response_format"]),
    ("assistant-id-with-space", "assistant", {"assistant_id": "asst 1"}, ["assistant_id"]),
    # -- assistant_info
    ("assistant-info-id-and-name", "assistant_info", {"assistant_id": ASSISTANT, "name": "a"}, ["assistant_id", "name", "mutually exclusive"]),
    ("assistant-info-limit-10001", "assistant_info", {"limit": 10001}, ["limit"]),
    ("assistant-info-empty-name", "assistant_info", {"name": ""}, ["name"]),
    ("assistant-info-id-with-space", "assistant_info", {"assistant_id": "a b"}, ["assistant_id"]),
    # -- thread and thread_info
    ("thread-absent-without-id", "thread", {"state": "absent"}, ["thread_id", "state=absent"]),
    ("thread-metadata-value-a-list", "thread", {"metadata": {"k": [1]}}, ["metadata.k"]),
    ("thread-message-empty-content", "thread", {"messages": [{"content": " "}]}, ["messages[0].content"]),
    ("thread-second-message-empty-list", "thread", {"messages": [{"content": "ok"}, {"content": []}]}, ["messages[1].content"]),
    ("thread-message-blank-text-part", "thread", {"messages": [{"content": [{"type": "text", "text": " "}]}]}, ["messages[0].content[0].text"]),
    ("thread-message-unknown-part", "thread", {"messages": [{"content": [{"type": "video"}]}]}, ["messages[0].content[0]"]),
    ("thread-message-attachment-without-tools", "thread", {"messages": [{"content": "hi", "attachments": [{"file_id": "file-1", "tools": []}]}]},
     ["messages[0].attachments[0].tools"]),
    ("thread-message-reserved-marker", "thread", {"messages": [{"content": "hi", "metadata": {"aiops_openai_message": "x"}}]},
     ["messages[0].metadata", "reserved"]),
    ("thread-id-with-space", "thread", {"thread_id": "thread 1", "metadata": {"k": "v"}}, ["thread_id"]),
    ("thread-info-without-id", "thread_info", {}, ["thread_id"]),
    ("thread-info-empty-id", "thread_info", {"thread_id": ""}, ["thread_id"]),
    # -- message and message_info
    ("message-without-content", "message", {"thread_id": THREAD}, ["content"]),
    ("message-empty-content", "message", {"thread_id": THREAD, "content": ""}, ["content:"]),
    ("message-content-a-number", "message", {"thread_id": THREAD, "content": 42}, ["content:"]),
    ("message-empty-text-part", "message", {"thread_id": THREAD, "content": [{"type": "text", "text": ""}]}, ["content[0].text:"]),
    ("message-image-file-without-file-id", "message", {"thread_id": THREAD, "content": [{"type": "image_file", "image_file": {}}]},
     ["content[0].image_file.file_id:"]),
    ("message-image-url-without-url", "message", {"thread_id": THREAD, "content": [{"type": "image_url"}]}, ["content[0].image_url.url:"]),
    ("message-content-list-of-strings", "message", {"thread_id": THREAD, "content": ["text"]}, ["content[0]:"]),
    ("message-absent-without-id", "message", {"thread_id": THREAD, "state": "absent"}, ["content:"]),
    ("message-absent-id-with-space", "message", {"thread_id": THREAD, "state": "absent", "message_id": "msg 1"}, ["message_id:"]),
    ("message-reserved-message-marker", "message", {"thread_id": THREAD, "content": "hi", "metadata": {"aiops_openai_message": "x"}},
     ["metadata:", "reserved"]),
    ("message-attachment-file-id-with-space", "message",
     {"thread_id": THREAD, "content": "hi", "attachments": [{"file_id": "file 1", "tools": [{"type": "file_search"}]}]}, ["attachments[0].file_id:"]),
    ("message-id-with-present", "message", {"thread_id": THREAD, "content": "hi", "message_id": "msg_1"}, ["message_id", "state=absent"]),
    ("message-empty-content-list", "message", {"thread_id": THREAD, "content": []}, ["content"]),
    ("message-unknown-content-part", "message", {"thread_id": THREAD, "content": [{"type": "video", "video": "x"}]}, ["content[0]"]),
    ("message-blank-key", "message", {"thread_id": THREAD, "content": "hi", "key": " "}, ["key"]),
    ("message-reserved-run-marker", "message", {"thread_id": THREAD, "content": "hi", "metadata": {"aiops_openai_run": "x"}}, ["metadata", "reserved"]),
    ("message-attachment-without-tools", "message", {"thread_id": THREAD, "content": "hi", "attachments": [{"file_id": "file_1", "tools": []}]},
     ["attachments[0].tools"]),
    ("message-role-system", "message", {"thread_id": THREAD, "content": "hi", "role": "system"}, ["role", "system"]),
    ("message-very-long-unicode-thread-id", "message", {"thread_id": "thread_" + "ü" * 300, "content": "hi"}, ["thread_id"]),
    ("message-info-id-and-run", "message_info", {"thread_id": THREAD, "message_id": "msg_1", "run_id": "run_1"}, ["run_id", "message_id"]),
    ("message-info-limit-zero", "message_info", {"thread_id": THREAD, "limit": 0}, ["limit"]),
    ("message-info-order-sideways", "message_info", {"thread_id": THREAD, "order": "sideways"}, ["order", "sideways"]),
    ("message-info-thread-id-with-slash", "message_info", {"thread_id": "t/1"}, ["thread_id:"]),
]


def _arguments(args):
    full = {"api_key": API_KEY, "base_url": BASE_URL}
    full.update(args)
    return dict((name, value) for name, value in full.items() if value is not None)


@pytest.mark.parametrize("module, args, fragments", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_fails_before_any_request(fake_api, module, args, fragments):
    _fails_before_any_request(fake_api, module, args, fragments)


def _fails_before_any_request(fake_api, module, args, fragments):
    with pytest.raises((AnsibleExitJson, AnsibleFailJson)) as ended:
        run_module(MAINS[module], _arguments(args))
    assert ended.type is AnsibleFailJson, ended.value.result
    message_text = ended.value.result["msg"]
    for fragment in fragments:
        assert fragment in message_text, "{0!r} not in {1!r}".format(fragment, message_text)
    assert API_KEY not in json.dumps(ended.value.result)
    assert fake_api.calls == [], "validation must come before HTTP"


def test_the_table_covers_every_module_and_enough_cases():
    assert set(case[1] for case in CASES) == set(MAINS)
    assert len(CASES) >= 100
    assert len(set(case[0] for case in CASES)) == len(CASES)


# -- the Responses API (api: responses) ----------------------------------------------------------
# The rows of CASES again, moved to the Responses API (conversation and response IDs, model instead
# of assistant_id), and rows of its own: bad input is refused before any request on both APIs.

CONVERSATION = "conv_abc123"
# Rows of CASES that are not bad input on the Responses API.
NOT_BAD_ON_RESPONSES = {
    "run-tool-outputs-without-a-run": "no assistant is needed there: tool_outputs answer the conversation's function calls",
    "run-plain-run-id-without-thread": "a resp_ ID alone names a response",
    "run-info-plain-run-id-without-thread": "a resp_ ID alone names a response",
    "run-without-assistant-id": "the move replaces assistant_id by model",
    "run-assistant-id-with-slash": "the move replaces assistant_id by model",
    "run-blank-assistant-id": "the move replaces assistant_id by model",
}
# The same bad input in the Responses API's words (the option still named).
ATTACHMENTS = ["additional_messages[0].attachments", "no message attachments"]
RESPONSES_FRAGMENTS = {
    "run-max-tokens-too-small": ["max_tokens", "at least 16"],
    "run-additional-message-attachment-file-id-with-space": ATTACHMENTS,
    "run-additional-message-attachment-no-tools": ATTACHMENTS,
    "run-truncation-last-messages-missing": ["truncation_strategy"],
    "run-truncation-last-messages-with-auto": ["truncation_strategy"],
    "run-run-id-names-another-thread": ["run_id", "conv_c"],
    "run-info-run-id-names-another-thread": ["run_id", "conv_c"],
    "run-run-id-with-defining-options": ["run_id", "model"],
}


def _on_responses(value):
    if not isinstance(value, str):
        return value
    return value.replace(THREAD, CONVERSATION).replace("thread_", "conv_").replace("run_b", "resp_b").replace("run_1", "resp_1")


def _moved(module, args):
    """A row's arguments on the Responses API: conversation and response IDs; model where the row gave assistant_id."""
    moved = dict((name, _on_responses(value) if name in ("thread_id", "run_id") else value)
                 for name, value in args.items() if not (module == "run" and name == "assistant_id"))
    if module == "run" and "run_id" not in args:
        moved.setdefault("model", "gpt-4o")
    moved["api"] = "responses"
    return moved


def _responses_rows():
    rows = []
    for case_id, module, args, fragments in CASES:
        if module in ("assistant", "assistant_info") or case_id in NOT_BAD_ON_RESPONSES:
            continue
        rows.append(pytest.param(module, _moved(module, args), RESPONSES_FRAGMENTS.get(case_id, fragments), id=case_id))
    return rows


ON_RESPONSES = dict(thread_id=CONVERSATION, model="gpt-4o", api="responses")
NO_ASSISTANTS = ["api", "the Responses API has no assistants", "aiops.openai.run"]
RESPONSES_ONLY = [
    ("responses-assistant", "assistant", {"name": "a", "model": "gpt-4o", "api": "responses"}, NO_ASSISTANTS),
    ("responses-assistant-info", "assistant_info", {"name": "a", "api": "responses"}, NO_ASSISTANTS),
    ("responses-api-unknown", "run", dict(ON_RESPONSES, api="chat"), ["api", "chat"]),
    ("responses-run-without-model", "run", {"thread_id": CONVERSATION, "api": "responses"}, ["model", "prompt"]),
    ("responses-run-empty-model", "run", dict(ON_RESPONSES, model=""), ["model"]),
    ("responses-run-prompt-empty-id", "run", dict(ON_RESPONSES, prompt={"id": ""}), ["prompt.id"]),
    ("responses-run-prompt-variables-a-list", "run", dict(ON_RESPONSES, prompt={"id": "pmpt_1", "variables": ["x"]}), ["variables", "prompt"]),
    ("responses-run-max-prompt-tokens", "run", dict(ON_RESPONSES, max_prompt_tokens=300), ["max_prompt_tokens", "truncation_strategy"]),
    ("responses-run-additional-message-metadata", "run", dict(ON_RESPONSES, additional_messages=[{"content": "hi", "metadata": {"k": "v"}}]),
     ["additional_messages[0].metadata", "no metadata"]),
    ("responses-run-info-without-run-id", "run_info", {"thread_id": CONVERSATION, "api": "responses"}, ["run_id", "cannot list"]),
    ("responses-message-metadata", "message", {"thread_id": CONVERSATION, "content": "hi", "metadata": {"k": "v"}, "api": "responses"},
     ["metadata", "no metadata"]),
    ("responses-message-attachments", "message", {"thread_id": CONVERSATION, "content": "hi", "api": "responses",
                                                  "attachments": [{"file_id": "file_1", "tools": [{"type": "file_search"}]}]},
     ["attachments", "vector store"]),
    ("responses-thread-message-metadata", "thread", {"messages": [{"content": "hi", "metadata": {"k": "v"}}], "api": "responses"},
     ["messages[0].metadata"]),
    ("responses-thread-journal-key", "thread", {"metadata": {"aiops_openai_journal": "x"}, "api": "responses"}, ["metadata", "reserved"]),
]


@pytest.mark.parametrize("module, args, fragments", _responses_rows() + [pytest.param(*case[1:], id=case[0]) for case in RESPONSES_ONLY])
def test_bad_input_fails_before_any_request_on_the_responses_api(fake_api, module, args, fragments):
    _fails_before_any_request(fake_api, module, args, fragments)


def test_the_responses_table_covers_every_module():
    assert set(case[1] for case in RESPONSES_ONLY) | set(case[1] for case in CASES if case[0] not in NOT_BAD_ON_RESPONSES) == set(MAINS)
    assert len(_responses_rows()) + len(RESPONSES_ONLY) >= 100
    assert set(NOT_BAD_ON_RESPONSES) | set(RESPONSES_FRAGMENTS) <= set(case[0] for case in CASES)
