"""The API key (and a password in ``base_url``) appear nowhere a user or a log could keep them.

Every module runs through real ``ansible-playbook`` / ``ansible`` processes at ``-vvvv`` with
``ANSIBLE_LOG_PATH``: a full job with ``--diff``, the same objects in check mode, failures
(a server that echoes the key in its error body and in a header, and a 500 whose message holds
the key), ad-hoc commands, and a ``base_url`` with ``user:password@``; the job, check mode and the
failures on the Responses API too (conversations, items, responses). Standard output, standard
error, the log file and the registered results are searched for the key, for its distinctive
tail, and for the password.

The emulator here accepts only this key, so every task that succeeds proves the key was sent.
"""

import json

import pytest

from emulator.harness import Emulator
from reliability.helpers import Api, ResponsesApi, play, record_figures
from tools.ansible_cli import dump_task

pytestmark = pytest.mark.timeout(240)

KEY = "sk-proj-REL1ABILITYsecretKEYzq8vK3nR7tW2xY5bM4cL9pD6"
KEY_TAIL = KEY[-20:]
PASSWORD = "secretpw"
VERBOSE = ["-vvvv"]
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
                                                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
SEARCHED = []


@pytest.fixture(name="keyed_emulator", scope="module")
def fixture_keyed_emulator():
    """An emulator that accepts only ``KEY``."""
    with Emulator(run_duration=0.2, api_key=KEY) as server:
        yield server


@pytest.fixture(autouse=True, scope="module")
def searched_figures():
    """Report how much text the tests of this file searched, once they are all done."""
    yield
    record_figures("secrets", {"ansible_runs_searched": len(SEARCHED), "characters_searched": sum(SEARCHED), "leaks_found": 0})


@pytest.fixture(name="semu")
def fixture_semu(keyed_emulator):
    keyed_emulator.reset()
    return keyed_emulator


@pytest.fixture(name="sapi")
def fixture_sapi(semu):
    with Api(semu.base_url, key=KEY) as client:
        yield client


def assert_no_secret(done, what):
    """Neither the key, nor its tail, nor the password shows anywhere the run left text."""
    text = done.everything()
    assert done.log, "{0}: ANSIBLE_LOG_PATH was not written".format(what)
    for secret in (KEY, KEY_TAIL, PASSWORD):
        assert secret not in text, "{0}: {1!r} leaked".format(what, secret[:8] + "...")
    SEARCHED.append(len(text))


def task(name, module, args, register=None, **extra):
    item = {"name": name, "aiops.openai." + module: args, "ignore_errors": True}
    item["register"] = register or name.lower().replace(" ", "_")
    item.update(extra)
    return item


def registered(tasks):
    return [t["register"] for t in tasks if "register" in t]


def test_full_job_with_diff_at_vvvv(semu, ansible):
    defaults = {"api_key": KEY, "base_url": semu.base_url}
    tasks = [
        task("Assistant create", "assistant", {"name": "secrets", "model": "gpt-4o", "instructions": "Be brief.", "tools": [WEATHER_TOOL],
                                               "metadata": {"team": "reliability"}}),
        task("Assistant update", "assistant", {"name": "secrets", "temperature": 0.5}),
        task("Assistant info", "assistant_info", {"name": "secrets"}),
        task("Thread create", "thread", {"messages": [{"content": "Hello"}], "metadata": {"purpose": "secrets"}}),
        task("Thread update", "thread", {"thread_id": "{{ thread_create.thread.id }}", "metadata": {"purpose": "secrets-2"}}),
        task("Thread info", "thread_info", {"thread_id": "{{ thread_create.thread.id }}"}),
        task("Message add", "message", {"thread_id": "{{ thread_create.thread.id }}", "content": "Call get_weather for Paris"}),
        task("Message info", "message_info", {"thread_id": "{{ thread_create.thread.id }}"}),
        task("Run ask", "run", {"thread_id": "{{ thread_create.thread.id }}", "assistant_id": "{{ assistant_create.assistant.id }}",
                                "completion_window": 20}),
        task("Run tool outputs", "run", {"thread_id": "{{ thread_create.thread.id }}", "assistant_id": "{{ assistant_create.assistant.id }}",
                                         "completion_window": 20,
                                         "tool_outputs": [{"tool_call_id": "{{ run_ask.tool_calls[0].id }}", "output": "sunny"}]}),
        task("Run again", "run", {"thread_id": "{{ thread_create.thread.id }}", "assistant_id": "{{ assistant_create.assistant.id }}",
                                  "completion_window": 20}),
        task("Run info", "run_info", {"run_id": "{{ thread_create.thread.id }}:{{ run_ask.run.id }}"}),
        task("Run list", "run_info", {"thread_id": "{{ thread_create.thread.id }}"}),
        task("Run absent", "run", {"run_id": "{{ thread_create.thread.id }}:{{ run_ask.run.id }}", "state": "absent"}),
        task("Message absent", "message", {"thread_id": "{{ thread_create.thread.id }}", "content": "Call get_weather for Paris", "state": "absent"}),
        task("Bad option", "run", {"thread_id": "{{ thread_create.thread.id }}", "assistant_id": "{{ assistant_create.assistant.id }}",
                                   "temperature": 5}),
    ]
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults=defaults)], args=VERBOSE + ["--diff"])
    assert done.returncode == 0, done
    results = done.results
    failed = [name for name in registered(tasks) if results[name].get("failed")]
    assert failed == ["bad_option"], [(name, results[name].get("msg")) for name in failed]
    assert results["run_ask"]["run"]["status"] == "requires_action"
    assert results["run_tool_outputs"]["output_text"] == "get_weather returned: sunny"
    assert "temperature" in results["bad_option"]["msg"]
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in done.stdout, "-vvvv shows the invocation, with the key masked"
    assert "ESTABLISH LOCAL CONNECTION" in done.stdout and "--- before" in done.stdout, "not verbose, or no diff shown"
    assert_no_secret(done, "full job")


def test_check_mode_with_diff_at_vvvv(semu, sapi, ansible):
    assistant_id = sapi.assistant(name="secrets-check", tools=[WEATHER_TOOL])
    thread_id = sapi.thread("Hello")
    run = sapi.run(thread_id, assistant_id)
    sapi.wait_run(thread_id, run["id"])
    sapi.message(thread_id, "Another question")
    semu.clear_requests()
    tasks = [
        task("Assistant change", "assistant", {"name": "secrets-check", "temperature": 0.9}),
        task("Assistant new", "assistant", {"name": "secrets-new", "model": "gpt-4o"}),
        task("Thread change", "thread", {"thread_id": thread_id, "metadata": {"k": "v"}}),
        task("Thread new", "thread", {"messages": [{"content": "hi"}]}),
        task("Message new", "message", {"thread_id": thread_id, "content": "third question"}),
        task("Run new", "run", {"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 20}),
        task("Run cancel", "run", {"run_id": "{0}:{1}".format(thread_id, run["id"]), "state": "absent"}),
        task("Run info", "run_info", {"run_id": "{0}:{1}".format(thread_id, run["id"])}),
        task("Message info", "message_info", {"thread_id": thread_id}),
        task("Thread info", "thread_info", {"thread_id": thread_id}),
        task("Assistant info", "assistant_info", {"name": "secrets-check"}),
        task("Thread delete", "thread", {"thread_id": thread_id, "state": "absent"}),
        task("Assistant delete", "assistant", {"name": "secrets-check", "state": "absent"}),
    ]
    check_mode_job(semu, ansible, tasks, {"api_key": KEY, "base_url": semu.base_url}, "check mode")


def check_mode_job(semu, ansible, tasks, defaults, what):
    """Run ``tasks`` in ``--check --diff`` at ``-vvvv``: none fails, run_new and thread_delete would change, only GETs are sent."""
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults=defaults)], args=VERBOSE + ["--check", "--diff"])
    assert done.returncode == 0, done
    assert [name for name in registered(tasks) if done.results[name].get("failed")] == []
    assert done.results["run_new"]["changed"] and done.results["thread_delete"]["changed"]
    assert [entry for entry in semu.requests() if entry["method"] != "GET"] == [], "check mode sent a change"
    assert_no_secret(done, what)


def test_failures_with_the_key_echoed_by_the_server(semu, sapi, ansible):
    assistant_id = sapi.assistant(name="secrets-fail")
    thread_id = sapi.thread("Hello")
    # The assistants paths answer 500 with the key in the message; everything else echoes it (body and x-echo header).
    semu.add_fault(kind="status", status=500, path="/assistants", times=None,
                   message="upstream rejected Authorization: Bearer {0} (key={0})".format(KEY))
    semu.add_fault(kind="echo_key", times=None)
    tasks = [
        task("Assistant", "assistant", {"name": "secrets-fail", "model": "gpt-4o"}),
        task("Assistant info", "assistant_info", {"name": "secrets-fail"}),
        task("Thread", "thread", {"thread_id": thread_id, "metadata": {"k": "v"}}),
        task("Thread info", "thread_info", {"thread_id": thread_id}),
        task("Message", "message", {"thread_id": thread_id, "content": "hi"}),
        task("Message info", "message_info", {"thread_id": thread_id}),
        task("Run", "run", {"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 20}),
        task("Run info", "run_info", {"thread_id": thread_id}),
    ]
    failing_job(semu, ansible, tasks, {"api_key": KEY, "base_url": semu.base_url},
                lambda name: "HTTP 500" if name.startswith("assistant") else "HTTP 401", "failures")


def failing_job(semu, ansible, tasks, defaults, status_of, what):
    """Run ``tasks`` (``max_retries: 0``) at ``-vvvv --diff``: every one fails with ``status_of(name)`` and the key redacted."""
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults=dict(defaults, max_retries=0))],
                            args=VERBOSE + ["--diff"])
    assert done.returncode == 0, done
    for name in registered(tasks):
        result = done.results[name]
        assert result.get("failed"), name
        # The server really put the key into the message, and the module took it out.
        assert "<redacted>" in result["msg"], (name, result["msg"])
        assert status_of(name) in result["msg"], (name, result["msg"])
    assert sum(rule["applied"] for rule in semu.faults()) >= len(tasks)
    assert_no_secret(done, what)


def test_adhoc_commands(semu, sapi, ansible):
    """``ansible localhost -m ...``: the key in the environment (the documented way) or in ``-a``.

    Not covered: a key written into ``-a`` of an ad-hoc command that fails. ansible-core 2.19 then
    prints the task's arguments (first 120 characters) as the error's origin, for any module
    (``ansible.builtin.uri`` with ``url_password`` too), before the module's ``no_log`` can act;
    docs/reliability.md says to give the key through ``OPENAI_API_KEY`` instead.
    """
    assistant_id = sapi.assistant(name="secrets-adhoc")
    thread_id = sapi.thread("Hello from ad-hoc")
    env_key = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": semu.base_url}
    done = []
    run = ansible.adhoc("aiops.openai.run", "thread_id={0} assistant_id={1} completion_window=20".format(thread_id, assistant_id),
                        args=VERBOSE, env=env_key)
    assert run.returncode == 0 and "You said: Hello from ad-hoc" in run.stdout, run
    done.append(run)
    run = ansible.adhoc("aiops.openai.thread_info", "api_key={0} base_url={1} thread_id={2}".format(KEY, semu.base_url, thread_id),
                        args=VERBOSE)
    assert run.returncode == 0 and '"exists": true' in run.stdout, run
    done.append(run)
    run = ansible.adhoc("aiops.openai.run_info", json.dumps({"api_key": KEY, "base_url": semu.base_url, "thread_id": thread_id}),
                        args=VERBOSE)
    assert run.returncode == 0 and '"runs": [' in run.stdout, run
    done.append(run)
    run = ansible.adhoc("aiops.openai.run", "run_id={0}:run_missing0000 completion_window=5".format(thread_id), args=VERBOSE, env=env_key)
    assert run.returncode != 0 and "No run found" in run.stdout, run
    done.append(run)
    run = ansible.adhoc("aiops.openai.run", "thread_id={0} assistant_id={1} instructions=other".format(thread_id, assistant_id),
                        args=VERBOSE + ["--check", "--diff"], env=env_key)
    assert run.returncode == 0 and "CHANGED" in run.stdout, run
    done.append(run)
    semu.add_fault(kind="echo_key", times=None)
    run = ansible.adhoc("aiops.openai.run_info", "thread_id={0} max_retries=0".format(thread_id), args=VERBOSE, env=env_key)
    assert run.returncode != 0 and "Incorrect API key provided: Bearer <redacted>" in run.stdout, run
    done.append(run)
    for index, each in enumerate(done):
        assert_no_secret(each, "ad-hoc command {0}".format(index))


def test_base_url_with_credentials_is_redacted(semu, sapi, ansible):
    assistant_id = sapi.assistant(name="secrets-url")
    thread_id = sapi.thread("Hello")
    url = semu.base_url.replace("http://", "http://user:{0}@".format(PASSWORD))
    tasks = [
        task("Thread info", "thread_info", {"thread_id": thread_id}),
        task("Run", "run", {"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 20}),
        task("Bad option", "run", {"thread_id": thread_id, "assistant_id": assistant_id, "top_p": 7}),
        task("Bad base url", "thread_info", {"thread_id": thread_id, "base_url": "ftp://user:{0}@127.0.0.1/v1".format(PASSWORD)}),
    ]
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults={"api_key": KEY, "base_url": url})],
                            args=VERBOSE + ["--diff"])
    assert done.returncode == 0, done
    assert done.results["bad_base_url"].get("failed") and "base_url" in done.results["bad_base_url"]["msg"]
    assert done.results["bad_option"].get("failed")
    assert_no_secret(done, "base_url with credentials")


def test_base_url_with_credentials_still_sends_the_api_key(semu, sapi, ansible):
    """A ``user:password@`` in ``base_url`` must not replace the API key (requests turns it into Basic auth)."""
    assistant_id = sapi.assistant(name="secrets-url-auth")
    thread_id = sapi.thread("Hello")
    url = semu.base_url.replace("http://", "http://user:{0}@".format(PASSWORD))
    tasks = [task("Run", "run", {"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 20})]
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults={"api_key": KEY, "base_url": url})])
    assert done.returncode == 0, done
    assert not done.results["run"].get("failed"), done.results["run"].get("msg")
    assert done.results["run"]["output_text"] == "You said: Hello"
    assert_no_secret(done, "base_url with credentials, key sent")


# -- the Responses API (conversations, message items, responses) --------------------------------

RESPONSES = {"api": "responses"}


def test_full_job_on_the_responses_api_with_diff_at_vvvv(semu, ansible):
    defaults = dict(RESPONSES, api_key=KEY, base_url=semu.base_url)
    thread = "{{ thread_create.thread.id }}"
    run = {"thread_id": thread, "model": "gpt-4o", "instructions": "Be brief.", "tools": [WEATHER_TOOL], "completion_window": 20}
    tasks = [
        task("Thread create", "thread", {"messages": [{"content": "Hello"}], "metadata": {"purpose": "secrets"}}),
        task("Thread update", "thread", {"thread_id": thread, "metadata": {"purpose": "secrets-2"}}),
        task("Thread info", "thread_info", {"thread_id": thread}),
        task("Message add", "message", {"thread_id": thread, "content": "Call get_weather for Paris"}),
        task("Message info", "message_info", {"thread_id": thread}),
        task("Run ask", "run", run),
        task("Run tool outputs", "run", dict(run, tool_outputs=[{"tool_call_id": "{{ run_ask.tool_calls[0].id }}", "output": "sunny"}])),
        task("Run again", "run", run),
        task("Run info", "run_info", {"run_id": thread + ":{{ run_tool_outputs.run.id }}"}),
        task("Run absent", "run", {"run_id": thread + ":{{ run_tool_outputs.run.id }}", "state": "absent"}),
        task("Message absent", "message", {"thread_id": thread, "content": "Call get_weather for Paris", "state": "absent"}),
        task("Assistant refused", "assistant", {"name": "secrets", "model": "gpt-4o"}),
        task("Bad option", "run", dict(run, temperature=5)),
    ]
    done = ansible.playbook([play(tasks + [dump_task(registered(tasks), "@RESULTS@")], defaults=defaults)], args=VERBOSE + ["--diff"])
    assert done.returncode == 0, done
    results = done.results
    failed = [name for name in registered(tasks) if results[name].get("failed")]
    assert failed == ["assistant_refused", "bad_option"], [(name, results[name].get("msg")) for name in failed]
    assert results["thread_create"]["thread"]["id"].startswith("conv_")
    assert results["run_ask"]["run"]["status"] == "requires_action"
    assert results["run_tool_outputs"]["output_text"] == "get_weather returned: sunny"
    assert not results["run_again"]["changed"]
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in done.stdout, "-vvvv shows the invocation, with the key masked"
    assert "--- before" in done.stdout, "no diff shown"
    assert len([r for r in semu.responses() if r["conversation_id"] == results["thread_create"]["thread"]["id"]]) == 2
    assert_no_secret(done, "full job, Responses API")


def test_check_mode_on_the_responses_api_with_diff_at_vvvv(semu, ansible):
    with ResponsesApi(semu.base_url, key=KEY) as rapi:
        thread_id = rapi.conversation("Hello")
    semu.clear_requests()
    run = {"thread_id": thread_id, "model": "gpt-4o", "completion_window": 20}
    tasks = [
        task("Thread change", "thread", {"thread_id": thread_id, "metadata": {"k": "v"}}),
        task("Thread new", "thread", {"messages": [{"content": "hi"}]}),
        task("Message new", "message", {"thread_id": thread_id, "content": "second question"}),
        task("Run new", "run", run),
        task("Message info", "message_info", {"thread_id": thread_id}),
        task("Thread info", "thread_info", {"thread_id": thread_id}),
        task("Thread delete", "thread", {"thread_id": thread_id, "state": "absent"}),
    ]
    check_mode_job(semu, ansible, tasks, dict(RESPONSES, api_key=KEY, base_url=semu.base_url), "check mode, Responses API")


def test_failures_with_the_key_echoed_by_the_server_on_the_responses_api(semu, ansible):
    with ResponsesApi(semu.base_url, key=KEY) as rapi:
        thread_id = rapi.conversation("Hello")
    # POST /responses answers 500 with the key in the message; everything else echoes it (body and x-echo header).
    semu.add_fault(kind="status", status=500, method="POST", path="/v1/responses$", times=None,
                   message="upstream rejected Authorization: Bearer {0} (key={0})".format(KEY))
    semu.add_fault(kind="echo_key", times=None)
    run = {"thread_id": thread_id, "model": "gpt-4o", "completion_window": 3}
    tasks = [
        task("Thread", "thread", {"thread_id": thread_id, "metadata": {"k": "v"}}),
        task("Thread new", "thread", {"messages": [{"content": "hi"}]}),
        task("Thread info", "thread_info", {"thread_id": thread_id}),
        task("Message", "message", {"thread_id": thread_id, "content": "hi"}),
        task("Message info", "message_info", {"thread_id": thread_id}),
        task("Run", "run", run),
        task("Run info", "run_info", {"run_id": "{0}:resp_0000000000000000000000000".format(thread_id)}),
    ]
    failing_job(semu, ansible, tasks, dict(RESPONSES, api_key=KEY, base_url=semu.base_url), lambda name: "HTTP 401", "failures, Responses API")
