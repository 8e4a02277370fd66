"""Bad input, table-driven: every case fails naming the option, and sends no request.

Each row runs a module's real code in this process (argument parsing by ``AnsibleModule``,
then the module's own checks) with ``base_url`` pointing at the emulator, so the emulator's
request log proves that validation happened before any HTTP. A smaller set goes through a
real ``ansible-playbook`` run, where YAML and templating deliver the values.
"""

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
from reliability.helpers import call_module, dump_task, play, record_figures

pytestmark = pytest.mark.timeout(60)

KEY = "sk-bad-input-0123456789abcdef"
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
    ("run-response-format-xml", "run", dict(RUN, response_format="xml"), ["response_format"]),
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
    # -- assistant
    ("assistant-no-name-no-id", "assistant", {"model": "gpt-4o"}, ["name", "assistant_id"]),
    ("assistant-name-257-unicode-chars", "assistant", {"name": "ß" * 257, "model": "gpt-4o"}, ["name", "256"]),
    ("assistant-blank-name", "assistant", {"name": "   ", "model": "gpt-4o"}, ["name", "empty"]),
    ("assistant-empty-model", "assistant", {"name": "a", "model": ""}, ["model", "empty"]),
    ("assistant-description-513-chars", "assistant", {"name": "a", "model": "m", "description": "d" * 513}, ["description", "512"]),
    ("assistant-temperature-3", "assistant", {"name": "a", "temperature": 3}, ["temperature"]),
    ("assistant-unknown-tool-type", "assistant", {"name": "a", "tools": [{"type": "browser"}]}, ["tools", "browser"]),
    ("assistant-parameters-not-object", "assistant", {"name": "a", "tools": [function_tool(parameters="3")]}, ["tools[0].function.parameters"]),
    ("assistant-metadata-17-keys", "assistant", {"name": "a", "metadata": many(17)}, ["metadata", "at most 16"]),
    ("assistant-21-code-files", "assistant", {"name": "a", "tool_resources": {"code_interpreter": {"file_ids": ["file_%d" % i for i in range(21)]}}},
     ["tool_resources.code_interpreter.file_ids", "20"]),
    ("assistant-2-vector-stores", "assistant", {"name": "a", "tool_resources": {"file_search": {"vector_store_ids": ["vs_1", "vs_2"]}}},
     ["tool_resources.file_search.vector_store_ids"]),
    ("assistant-response-format-yaml", "assistant", {"name": "a", "response_format": {"type": "yaml"}}, ["response_format"]),
    ("assistant-id-with-space", "assistant", {"assistant_id": "asst 1"}, ["assistant_id"]),
    # -- assistant_info
    ("assistant-info-id-and-name", "assistant_info", {"assistant_id": ASSISTANT, "name": "a"}, ["assistant_id", "name", "mutually exclusive"]),
    ("assistant-info-limit-10001", "assistant_info", {"limit": 10001}, ["limit"]),
    ("assistant-info-empty-name", "assistant_info", {"name": ""}, ["name"]),
    # -- thread and thread_info
    ("thread-absent-without-id", "thread", {"state": "absent"}, ["thread_id", "state=absent"]),
    ("thread-metadata-value-a-list", "thread", {"metadata": {"k": [1]}}, ["metadata.k"]),
    ("thread-message-empty-content", "thread", {"messages": [{"content": " "}]}, ["messages[0].content"]),
    ("thread-message-reserved-marker", "thread", {"messages": [{"content": "hi", "metadata": {"aiops_openai_message": "x"}}]},
     ["messages[0].metadata", "reserved"]),
    ("thread-id-with-space", "thread", {"thread_id": "thread 1", "metadata": {"k": "v"}}, ["thread_id"]),
    ("thread-info-without-id", "thread_info", {}, ["thread_id"]),
    ("thread-info-empty-id", "thread_info", {"thread_id": ""}, ["thread_id"]),
    # -- message and message_info
    ("message-without-content", "message", {"thread_id": THREAD}, ["content"]),
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
]


def _arguments(args, base_url):
    full = {"api_key": KEY, "base_url": base_url}
    full.update(args)
    return dict((name, value) for name, value in full.items() if value is not None)


@pytest.mark.parametrize("module, args, fragments", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_fails_before_any_request(module, args, fragments, emulator):
    failed, result = call_module(MAINS[module], _arguments(args, emulator.base_url))
    assert failed, result
    message = result["msg"]
    for fragment in fragments:
        assert fragment in message, "{0!r} not in {1!r}".format(fragment, message)
    assert KEY not in str(result)
    assert emulator.requests() == [], "validation must come before HTTP"


# Keys that cannot go into an HTTP header: the module must say so (without showing the key), not crash
# in the HTTP library or send a mangled header.
BAD_KEYS = [
    ("non-latin-1", "sk-ключ-0123456789abcdefXYZ"),
    ("line-break-at-end", "sk-linebreak-0123456789abcdefXYZ\n"),
    ("header-injection", "sk-inject-0123456789\r\nX-Injected: hidden-part-of-the-key"),
]


@pytest.mark.parametrize("key", [case[1] for case in BAD_KEYS], ids=[case[0] for case in BAD_KEYS])
def test_an_api_key_that_cannot_be_sent_is_refused_before_any_request(key, emulator):
    try:
        failed, result = call_module(thread_info.main, {"api_key": key, "base_url": emulator.base_url, "thread_id": THREAD})
    except Exception as exc:  # pylint: disable=broad-exception-caught
        pytest.fail("the module crashed instead of failing the task: {0}".format(type(exc).__name__))
    assert failed, "a key with {0!r} was accepted".format(sorted(set(c for c in key if not 32 < ord(c) < 127)))
    assert "api_key" in result["msg"], result["msg"]
    for part in (key.strip(), "hidden-part-of-the-key", "0123456789abcdefXYZ"):
        assert part not in str(result)
    assert emulator.requests() == []


def test_tool_outputs_with_no_run_waiting_fails_without_creating_anything(emulator, api):
    """``tool_outputs`` for a thread where no run of this definition waits: a clear failure, no POST."""
    assistant_id, thread_id = api.assistant(), api.thread("Hello")
    emulator.clear_requests()
    failed, result = call_module(run.main, {"api_key": KEY, "base_url": emulator.base_url, "thread_id": thread_id, "assistant_id": assistant_id,
                                            "tool_outputs": [{"tool_call_id": "call_1", "output": "x"}]})
    assert failed
    assert "tool_outputs" in result["msg"] and "run the task without tool_outputs first" in result["msg"]
    assert [entry["method"] for entry in emulator.requests()] == ["GET", "GET"]
    assert emulator.runs() == []


def test_the_table_covers_every_module_and_enough_cases():
    modules = set(case[1] for case in CASES)
    assert modules == set(MAINS)
    assert len(CASES) >= 40
    assert len(set(case[0] for case in CASES)) == len(CASES)
    record_figures("bad-input", {"table_cases": len(CASES), "modules": len(modules), "bad_keys": len(BAD_KEYS),
                                 "playbook_cases": len(PLAYBOOK_CASES)})


# Through ansible-playbook: values come from YAML (here JSON) and templates, as users write them.
PLAYBOOK_CASES = [
    ("aiops.openai.run", dict(RUN, temperature="{{ 'very' ~ ' hot' }}"), "temperature"),
    ("aiops.openai.run", dict(RUN, tools=[{"type": "function", "function": {"name": "f", "parameters": "{{ '{not json' }}"}}]),
     "tools[0].function.parameters"),
    ("aiops.openai.run", {"run_id": "{{ 'thread_a:run_b:c' }}"}, "run_id"),
    ("aiops.openai.run", dict(RUN, completion_window=0), "completion_window"),
    ("aiops.openai.run_info", {"thread_id": THREAD, "limit": -3}, "limit"),
    ("aiops.openai.assistant", {"name": "{{ 'x' * 300 }}", "model": "gpt-4o"}, "name"),
    ("aiops.openai.assistant_info", {"limit": 0}, "limit"),
    ("aiops.openai.thread", {"metadata": "{{ dict(range(17) | map('string') | zip(range(17) | map('string'))) }}"}, "metadata"),
    ("aiops.openai.thread_info", {"thread_id": "   "}, "thread_id"),
    ("aiops.openai.message", {"thread_id": THREAD, "content": "hi", "metadata": {"aiops_openai_message": "x"}}, "metadata"),
    ("aiops.openai.message_info", {"thread_id": THREAD, "order": "up"}, "order"),
]


def test_bad_input_through_ansible_playbook(emulator, ansible):
    tasks = []
    for index, (module, args, _option) in enumerate(PLAYBOOK_CASES):
        tasks.append({"name": "Bad input {0}".format(index), module: args, "register": "case{0}".format(index), "ignore_errors": True})
    tasks.append(dump_task(["case{0}".format(i) for i in range(len(PLAYBOOK_CASES))], "@RESULTS@"))
    done = ansible.playbook([play(tasks, defaults={"api_key": KEY, "base_url": emulator.base_url})])
    assert done.returncode == 0, done
    for index, (module, _args, option) in enumerate(PLAYBOOK_CASES):
        result = done.results["case{0}".format(index)]
        assert result.get("failed"), (module, result)
        assert option in result["msg"], (module, result["msg"])
    assert KEY not in done.everything()
    assert emulator.requests() == []
