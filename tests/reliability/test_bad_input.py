"""Bad input beyond a module's own checks: through ``ansible-playbook``, unsendable keys, a thread on the emulator, on both APIs.

The table of bad input for every module, each case failing naming the option before any request,
is tests/unit/plugins/modules/test_bad_input.py (`make units`). Here: a set of cases through
``ansible-playbook``, where YAML and templating deliver the values; API keys that cannot go into an
HTTP header; ``tool_outputs`` for a thread where no run waits.
"""

import pytest

from ansible_collections.aiops.openai.plugins.modules import run, thread_info
from reliability.helpers import call_module, play, record_figures
from tools.ansible_cli import dump_task

pytestmark = pytest.mark.timeout(60)

KEY = "sk-bad-input-0123456789abcdef"
THREAD = "thread_abc123"
ASSISTANT = "asst_abc123"
RUN = {"thread_id": THREAD, "assistant_id": ASSISTANT}
# The Responses API (api: auto picks it from the conv_ ID, or set explicitly).
CONVERSATION = "conv_abc123"
RESPONSE_RUN = {"thread_id": CONVERSATION, "model": "gpt-4o"}


# Keys that cannot go into an HTTP header: the module must say so (without showing the key), not crash
# in the HTTP library or send a mangled header.
BAD_KEYS = [
    ("non-latin-1", "sk-ключ-0123456789abcdefXYZ"),
    ("line-break-at-end", "sk-linebreak-0123456789abcdefXYZ\n"),
    ("header-injection", "sk-inject-0123456789\r\nX-Injected: hidden-part-of-the-key"),
]


@pytest.mark.parametrize("thread_id", [THREAD, CONVERSATION], ids=["assistants", "responses"])
@pytest.mark.parametrize("key", [case[1] for case in BAD_KEYS], ids=[case[0] for case in BAD_KEYS])
def test_an_api_key_that_cannot_be_sent_is_refused_before_any_request(key, thread_id, emulator):
    try:
        failed, result = call_module(thread_info.main, {"api_key": key, "base_url": emulator.base_url, "thread_id": thread_id})
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
    # The Responses API, chosen by the conv_ ID (api: auto) or by the api option.
    ("aiops.openai.run", dict(RESPONSE_RUN, temperature="{{ 'very' ~ ' hot' }}"), "temperature"),
    ("aiops.openai.run", {"thread_id": CONVERSATION}, "model"),
    ("aiops.openai.run", dict(RESPONSE_RUN, max_prompt_tokens=500), "max_prompt_tokens"),
    ("aiops.openai.run_info", {"thread_id": CONVERSATION}, "run_id"),
    ("aiops.openai.assistant", {"name": "a", "model": "gpt-4o", "api": "responses"}, "api"),
    ("aiops.openai.message", {"thread_id": CONVERSATION, "content": "hi", "metadata": {"k": "v"}}, "metadata"),
    ("aiops.openai.thread", {"metadata": {"aiops_openai_journal": "x"}, "api": "responses"}, "metadata"),
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
    record_figures("bad-input", {"bad_keys": len(BAD_KEYS), "playbook_cases": len(PLAYBOOK_CASES)})
