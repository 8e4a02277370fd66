"""The worked playbooks of the docs (docs/examples/) run as users run them, against the emulator."""

import os

from .helpers import REPO, emulator_env, run_tool

EXAMPLES = os.path.join(REPO, "docs", "examples")


def play(emulator, name, *extra):
    return run_tool(["ansible-playbook", os.path.join(EXAMPLES, name)] + list(extra), env=emulator_env(emulator)).stdout


def test_quickstart(emulator):
    output = play(emulator, "quickstart.yml", "-e", 'question="What is an Ansible collection?"')
    assert '"msg": "You said: What is an Ansible collection?"' in output
    assert [run["status"] for run in emulator.runs()] == ["completed"]


def test_runs(slow_emulator):
    output = play(slow_emulator, "runs.yml")
    assert "failed=0" in output
    assert '"msg": "get_weather returned: Sunny and 21 degrees in Use get_weather to tell me the weather in Paris."' in output
    assert "changed=False" in output  # the rerun of the first task
    # One run answered through the tool call, one cancelled; the rerun started nothing.
    runs = sorted(slow_emulator.runs(), key=lambda run: run["created"])
    assert [run["status"] for run in runs] == ["completed", "cancelled"]
    assert [status for status, _when in runs[0]["history"]].count("requires_action") == 1


def test_assistants(emulator):
    output = play(emulator, "assistants.yml", "--diff")
    assert "failed=0" in output and "changed=True temperature=0.5" in output
    # Check mode sent nothing; the create, the update and the delete did.
    changing = [(r["method"], r["path"]) for r in emulator.requests() if r["method"] in ("POST", "DELETE")]
    assert [method for method, _path in changing] == ["POST", "POST", "DELETE"]
    assert play(emulator, "assistants.yml").count("changed=True") == 1  # the temperature again, after the re-create


def test_threads_and_messages(emulator, tmp_path):
    id_file = str(tmp_path / "thread-id")
    first = play(emulator, "threads_messages.yml", "-e", "thread_id_file=" + id_file)
    assert "changed=5" in first and "failed=0" in first
    assert '"msg": "user: Which services does the ticket affect?"' in first
    second = play(emulator, "threads_messages.yml", "-e", "thread_id_file=" + id_file)
    assert "changed=0" in second
    last = play(emulator, "threads_messages.yml", "-e", "thread_id_file=" + id_file, "-e", "delete_thread=true")
    assert "changed=2" in last and not os.path.exists(id_file)
    deletes = [r["path"] for r in emulator.requests() if r["method"] == "DELETE"]
    assert len(deletes) == 1 and deletes[0].startswith("/v1/threads/thread_")
