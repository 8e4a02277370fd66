"""`make demo` as a newcomer runs it: twice against the emulator (the second run changes nothing),
then against a server given by OPENAI_BASE_URL/OPENAI_API_KEY at -vvv (the key never shows); and the
same on the Responses API: `make demo API=responses` twice against a Responses-only emulator, and the
demo with nothing set against a given Responses-only server, which the modules find by themselves.

Each test gives `make demo` its own state directory, so a developer's .tmp/demo plays no part,
and runs it in the clean environment of tests/tools/ansible_cli.py (no OPENAI_*), so a real key in
the shell is never used.

The play's idempotence against one server is molecule's check (`make molecule`); the second
`make demo` here proves what molecule cannot: a restarted emulator gets back every object it saved,
as it was (the recap says changed=0), and the thread ID kept beside them still names its thread.
"""

import json
import os
import re

import pytest

from emulator.harness import Emulator
from tools.ansible_cli import environment, run

pytestmark = pytest.mark.timeout(600)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_TIMEOUT = 240
REPLY = "get_weather returned: light rain, 14 degrees Celsius in Paris"
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", re.MULTILINE)
TASK_RESULT = re.compile(r"^TASK \[(.+?)\] \**\n(ok|changed|skipping|failed|fatal): ", re.MULTILINE)
# What the first run does; the second run must find all of it in place.
FIRST_RUN_CHANGES = [
    "Ensure the state directory exists",
    "Ensure the thread exists (created on the first run, found by its ID afterwards)",
    "Keep the thread ID for the next run",
    "Ensure the assistant exists, with its get_weather function (Assistants API)",
    "Ensure the question is on the thread (added once, however often the play runs)",
    "Run the model on the thread and wait until it answers or calls a tool",
    "Submit the tool outputs and wait for the answer",
]
ASSISTANT_TASK = FIRST_RUN_CHANGES[3]
# On the Responses API there is no assistant: the run tasks carry the definition.
RESPONSES_FIRST_RUN_CHANGES = [name for name in FIRST_RUN_CHANGES if name != ASSISTANT_TASK]


def clean_env(**extra):
    """The test's environment without OPENAI_* (and without the calling make's flags), plus ``extra``."""
    return environment(extra)


def make_demo(state_dir, env, *make_args):
    """Run `make demo` with its own state directory; (exit status, stdout and stderr together).

    A timeout stops make, the runner, ansible and the emulator alike, and fails the test.
    """
    command = ["make", "--no-print-directory", "-C", ROOT, "demo", f"DEMO_STATE_DIR={state_dir}"] + list(make_args)
    done = run(command, env=env, cwd=ROOT, timeout=MAKE_TIMEOUT, merge_output=True)
    return done.returncode, done.stdout


def recap(output):
    """(ok, changed, unreachable, failed, skipped) of the one play recap in ``output``."""
    found = RECAP.findall(output)
    assert len(found) == 1, output
    return tuple(int(number) for number in found[0])


def changed_tasks(output):
    """The names of the tasks that reported a change, in order."""
    return tasks_that(output, "changed")


def tasks_that(output, outcome):
    """The names of the tasks whose (first) result was ``outcome`` (changed, skipping, ...), in order."""
    return [name for name, status in TASK_RESULT.findall(output) if status == outcome]


def saved_objects(state_file):
    """What the emulator saved: assistants, threads and, per thread, its messages' roles and runs' statuses."""
    with open(state_file, encoding="utf-8") as handle:
        state = json.load(handle)
    threads = {thread["data"]["id"]: ([message["role"] for message in thread["messages"]], [run["data"]["status"] for run in thread["runs"]])
               for thread in state["threads"]}
    return [assistant["name"] for assistant in state["assistants"]], threads


def saved_conversations(state_file):
    """What the emulator saved of the Responses API: per conversation, its items (a message's role, else the item's
    type) and its responses' statuses; and whether it saved any assistant or thread."""
    with open(state_file, encoding="utf-8") as handle:
        state = json.load(handle)
    statuses = {}
    for response in state["responses"]["responses"]:
        statuses.setdefault(response["conversation_id"], []).append(response["data"]["status"])
    conversations = {
        conversation["data"]["id"]: ([item["role"] if item["type"] == "message" else item["type"] for item in conversation["items"]],
                                     statuses.get(conversation["data"]["id"], []))
        for conversation in state["responses"]["conversations"]}
    return bool(state["assistants"] or state["threads"]), conversations


def test_make_demo_twice_changes_nothing_the_second_time(tmp_path):
    env = clean_env()
    state_dir = tmp_path / "emulator"

    status, first = make_demo(tmp_path, env)
    assert status == 0, first
    assert "using the local emulator" in first
    assert REPLY in first
    assert recap(first) == (10, 7, 0, 0, 0), first
    assert changed_tasks(first) == FIRST_RUN_CHANGES, first
    thread_id = (state_dir / "thread_id").read_text(encoding="utf-8").strip()
    assert thread_id.startswith("thread_")
    after_first = saved_objects(state_dir / "emulator-state.json")
    assert after_first == (["aiops-openai-demo"], {thread_id: (["user", "assistant"], ["completed"])})

    # A new emulator process loads the saved objects as they were: every task finds its object unchanged.
    status, second = make_demo(tmp_path, env)
    assert status == 0, second
    assert REPLY in second
    assert recap(second) == (10, 0, 0, 0, 0), second
    assert (state_dir / "thread_id").read_text(encoding="utf-8").strip() == thread_id
    assert saved_objects(state_dir / "emulator-state.json") == after_first

    # The emulator's saved objects gone (but not the thread ID): the demo starts a new conversation instead of failing.
    (state_dir / "emulator-state.json").unlink()
    status, third = make_demo(tmp_path, env)
    assert status == 0, third
    assert REPLY in third
    assert changed_tasks(third) == [name for name in FIRST_RUN_CHANGES if name != "Ensure the state directory exists"], third
    new_thread = (state_dir / "thread_id").read_text(encoding="utf-8").strip()
    assert new_thread != thread_id
    assert saved_objects(state_dir / "emulator-state.json") == (["aiops-openai-demo"], {new_thread: (["user", "assistant"], ["completed"])})


def test_make_demo_uses_the_given_server_and_never_shows_the_key(tmp_path):
    key = "sk-functional-SECRET-0123456789abcdef"
    # The server accepts only this key, so the demo can only pass by sending it.
    with Emulator(run_duration=0.2, api_key=key) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=key)
        status, output = make_demo(tmp_path, env, "DEMO_ARGS=-vvv")
        requests = server.requests()

    assert status == 0, output.replace(key, "<KEY>")
    assert key not in output
    assert "ESTABLISH LOCAL CONNECTION" in output  # -vvv really reached ansible-playbook
    assert f"running against {server.base_url}" in output
    assert REPLY in output
    assert recap(output)[1:] == (7, 0, 0, 0)
    assert {"POST /v1/assistants", "POST /v1/threads"} <= {f"{entry['method']} {entry['path']}" for entry in requests}
    assert all(entry["status"] == 200 for entry in requests)
    # State kept per server; no emulator was started.
    host_port = server.base_url.split("//", 1)[1].split("/", 1)[0].replace(":", "_")
    assert os.listdir(tmp_path) == [host_port]
    assert (tmp_path / host_port / "thread_id").read_text(encoding="utf-8").startswith("thread_")


# The conversation after the demo on the Responses API: the question, the response's function call, the
# function's output (the input of the second response) and the reply; two responses, both completed.
RESPONSES_ITEMS = (["user", "function_call", "function_call_output", "assistant"], ["completed", "completed"])


def test_make_demo_api_responses_twice_changes_nothing_the_second_time(tmp_path):
    env = clean_env()
    state_dir = tmp_path / "emulator-responses"

    status, first = make_demo(tmp_path, env, "API=responses")
    assert status == 0, first
    assert "serves the Responses API (with Conversations) only" in first
    assert REPLY in first
    assert changed_tasks(first) == RESPONSES_FIRST_RUN_CHANGES, first
    assert tasks_that(first, "skipping") == [ASSISTANT_TASK], first
    assert recap(first) == (9, 6, 0, 0, 1), first
    conversation_id = (state_dir / "thread_id").read_text(encoding="utf-8").strip()
    assert conversation_id.startswith("conv_")
    after_first = saved_conversations(state_dir / "emulator-state.json")
    assert after_first == (False, {conversation_id: RESPONSES_ITEMS})

    # A new emulator process loads the saved conversation and responses: nothing is created again.
    status, second = make_demo(tmp_path, env, "API=responses")
    assert status == 0, second
    assert REPLY in second
    assert changed_tasks(second) == [], second
    assert recap(second)[1:4] == (0, 0, 0), second
    assert ASSISTANT_TASK in tasks_that(second, "skipping"), second
    assert (state_dir / "thread_id").read_text(encoding="utf-8").strip() == conversation_id
    assert saved_conversations(state_dir / "emulator-state.json") == after_first
    # The two APIs keep their state apart.
    assert os.listdir(tmp_path) == ["emulator-responses"]


def test_make_demo_finds_the_responses_api_of_a_given_server_and_never_shows_the_key(tmp_path):
    key = "sk-functional-SECRET-0123456789abcdef"
    # A Responses-only server, as api.openai.com is, that accepts only this key; nothing tells the demo the API.
    with Emulator(run_duration=0.2, api_key=key, apis="responses") as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=key)
        status, output = make_demo(tmp_path, env, "DEMO_ARGS=-vvv")
        requests = server.requests()

    assert status == 0, output.replace(key, "<KEY>")
    assert key not in output
    assert "ESTABLISH LOCAL CONNECTION" in output
    assert REPLY in output
    assert recap(output)[1:] == (6, 0, 0, 1)  # the assistant task skipped
    sent = [(entry["method"], entry["path"], entry["status"]) for entry in requests]
    # The thread task asked the server once which API it speaks (a request that creates nothing); the IDs
    # told every later task.
    assert [entry for entry in sent if "/assistants" in entry[1]] == [("GET", "/v1/assistants", 404)], sent
    assert {("POST", "/v1/conversations", 200), ("POST", "/v1/responses", 200)} <= set(sent), sent
    assert all(entry[2] == 200 for entry in sent if "/assistants" not in entry[1]), sent
    assert (tmp_path / os.listdir(tmp_path)[0] / "thread_id").read_text(encoding="utf-8").startswith("conv_")
