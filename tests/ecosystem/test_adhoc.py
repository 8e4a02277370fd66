"""Ad-hoc commands, as docs/docsite/rst/adhoc.rst shows them: `-a 'k=v ...'` and `-a '<json>'`."""

import json

from .helpers import adhoc_results, emulator_env, run_tool


def adhoc(env, module, args=None, extra=()):
    """Run `ansible localhost -m aiops.openai.<module> [-a args]`; return (status, result)."""
    command = ["ansible", "localhost", "-m", "aiops.openai." + module] + (["-a", args] if args is not None else []) + list(extra)
    output = run_tool(command, env=env).stdout
    results = adhoc_results(output)
    assert len(results) == 1 and results[0][0] == "localhost", output
    return results[0][1], results[0][2]


def test_adhoc_key_value_and_json(emulator, tmp_path):
    env = emulator_env(emulator)
    status, assistant = adhoc(env, "assistant", 'name=adhoc-assistant model=gpt-4o-mini instructions="Answer briefly."')
    assert status == "CHANGED" and assistant["assistant"]["instructions"] == "Answer briefly."
    assistant_id = assistant["assistant"]["id"]

    # No arguments at all; --tree keeps the result as JSON in a file, for scripts.
    status, thread = adhoc(env, "thread", extra=["--tree", str(tmp_path / "tree")])
    assert status == "CHANGED"
    with open(tmp_path / "tree" / "localhost") as f:
        assert json.load(f)["thread"]["id"] == thread["thread"]["id"]
    thread_id = thread["thread"]["id"]

    status, message = adhoc(env, "message", 'thread_id=%s content="What is Ansible?"' % thread_id)
    assert status == "CHANGED" and message["message"]["role"] == "user"

    # k=v: scalars only.
    status, first = adhoc(env, "run", "thread_id=%s assistant_id=%s completion_window=30" % (thread_id, assistant_id))
    assert status == "CHANGED"
    assert first["run"]["status"] == "completed" and first["output_text"] == "You said: What is Ansible?"

    # JSON: the same run (identity = definition + newest user message), found again, not rerun.
    args = json.dumps({"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 30})
    status, again = adhoc(env, "run", args)
    assert status == "SUCCESS" and again["run"]["id"] == first["run"]["id"]

    # JSON for what k=v cannot express: lists and dicts.
    adhoc(env, "message", json.dumps({"thread_id": thread_id, "content": [{"type": "text", "text": "And Terraform?"}]}))
    args = json.dumps({"thread_id": thread_id, "assistant_id": assistant_id, "completion_window": 30,
                       "metadata": {"source": "adhoc"}, "tools": [{"type": "code_interpreter"}]})
    status, second = adhoc(env, "run", args)
    assert status == "CHANGED" and second["run"]["id"] != first["run"]["id"]
    assert second["run"]["metadata"]["source"] == "adhoc" and second["output_text"] == "You said: And Terraform?"

    reference = "%s:%s" % (thread_id, second["run"]["id"])
    status, info = adhoc(env, "run_info", "run_id=" + reference)
    assert status == "SUCCESS" and info["run"]["status"] == "completed"
    status, info = adhoc(env, "run_info", "run_id=%s completion_window=300" % reference)
    assert status == "SUCCESS" and info["output_text"] == "You said: And Terraform?"
    # Cancelling a run that already ended changes nothing.
    status, cancelled = adhoc(env, "run", "run_id=%s state=absent" % reference)
    assert status == "SUCCESS" and cancelled["run"]["status"] == "completed"

    runs = emulator.runs()
    assert len(runs) == 2 and all(run["status"] == "completed" for run in runs)
