"""The fault matrix: one ``ansible-playbook`` run of ``aiops.openai.run`` per fault, against the emulator.

Each case arranges a thread with one user message, adds its fault rules (scoped to that thread's
paths), runs the task as a user would, and checks the task's outcome (success, or a failure whose
message says what is wrong and what to do), that every fault rule was really applied, and how
many runs the thread has at the end: never more than the one run the task meant to start.
"""

import pytest

from reliability.helpers import applied, play, record_figures, requests_to, runs_on
from tools.ansible_cli import dump_task

pytestmark = pytest.mark.timeout(180)

KEY = "sk-fault-matrix-0123456789abcdef"
TEXT = "What is the capital of France?"
CREATE = r"/threads/{thread}/runs$"
RETRIEVE = r"/threads/{thread}/runs/run_[A-Za-z0-9]+$"
LIST = r"/threads/{thread}/runs$"
MESSAGES = r"/threads/{thread}/messages$"
SUBMIT = r"/threads/{thread}/runs/run_[A-Za-z0-9]+/submit_tool_outputs$"
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}


class Step:
    """One task of a case and what it must end with."""

    def __init__(self, args=None, ok=True, message=(), status="completed", output="You said: " + TEXT):
        self.args = dict(args or {})
        self.ok = ok
        self.message = list(message)
        self.status = status
        self.output = output


class Case:
    """One row of the matrix: its faults, its tasks (usually one), and the runs the thread has at the end."""

    def __init__(self, case_id, rules=(), args=None, ok=True, message=(), runs=1, creates=None, arrange=None, steps=None):
        self.id = case_id
        self.rules = list(rules)
        self.steps = steps or [Step(args, ok, message)]
        self.runs = runs
        self.creates = creates
        self.arrange = arrange


def status(code, method, path, times=1, **extra):
    return dict(kind="status", status=code, method=method, path=path, times=times, **extra)


def _unknown_thread(emulator, api, ctx):
    ctx["thread"] = "thread_doesnotexist000000000000"


def _unknown_assistant(emulator, api, ctx):
    ctx["assistant"] = "asst_doesnotexist0000000000000"


def _unknown_run(emulator, api, ctx):
    ctx["args"] = {"run_id": "{0}:run_doesnotexist00000000000000".format(ctx["thread"]), "completion_window": 20}


def _wrong_key(emulator, api, ctx):
    emulator.config(api_key="sk-the-only-accepted-key-00000000")


def _active_run(emulator, api, ctx):
    emulator.config(run_duration=30)
    ctx["foreign"] = api.run(ctx["thread"], ctx["assistant"])["id"]


def _slow_server(emulator, api, ctx):
    emulator.config(run_duration=3)


def _tool_call(emulator, api, ctx):
    ctx["assistant"] = api.assistant(name="weather", tools=[WEATHER_TOOL])
    api.message(ctx["thread"], "Please call get_weather for Paris")


CASES = [
    Case("429-retry-after-on-create", [status(429, "POST", CREATE, retry_after=1)], creates=2),
    Case("500-on-create", [status(500, "POST", CREATE)], creates=2),
    Case("502-on-create", [status(502, "POST", CREATE)], creates=2),
    Case("503-on-create", [status(503, "POST", CREATE)], creates=2),
    Case("500-on-retrieve", [status(500, "GET", RETRIEVE, times=2)], args={"wait_strategy": "poll"}, creates=1),
    Case("502-on-retrieve", [status(502, "GET", RETRIEVE, times=2)], args={"wait_strategy": "poll"}, creates=1),
    Case("503-on-retrieve", [status(503, "GET", RETRIEVE, times=2)], args={"wait_strategy": "poll"}, creates=1),
    Case("500-on-list-runs", [status(500, "GET", LIST, times=2)], creates=1),
    Case("502-on-list-runs", [status(502, "GET", LIST, times=2)], creates=1),
    Case("503-on-list-messages", [status(503, "GET", MESSAGES, times=2)], creates=1),
    Case("dropped-after-create-committed", [dict(kind="drop_after_commit", method="POST", path=CREATE)], creates=1),
    Case("read-timeout-after-create-committed", [dict(kind="delay_after_commit", seconds=3, method="POST", path=CREATE)],
         args={"request_timeout": 1}, creates=1),
    Case("stream-cut-after-run-created", [dict(kind="stream_cut", after_event="thread.run.created", path=CREATE)], creates=1),
    Case("stream-cut-after-in-progress", [dict(kind="stream_cut", after_event="thread.run.in_progress", path=CREATE)], creates=1),
    Case("malformed-json-on-create", [dict(kind="malformed", method="POST", path=CREATE)], creates=2),
    Case("malformed-json-on-retrieve", [dict(kind="malformed", method="GET", path=RETRIEVE)], args={"wait_strategy": "poll"}, creates=1),
    Case("malformed-json-on-list-runs", [dict(kind="malformed", method="GET", path=LIST)], creates=1),
    Case("401-wrong-key", arrange=_wrong_key, ok=False, runs=0, creates=0, message=["HTTP 401", "API key"]),
    Case("404-thread", arrange=_unknown_thread, ok=False, runs=0, creates=0, message=["HTTP 404", "No thread found with id '{thread}'"]),
    Case("404-assistant", arrange=_unknown_assistant, ok=False, runs=0, message=["HTTP 404", "No assistant found with id '{assistant}'"]),
    Case("404-run", arrange=_unknown_run, ok=False, runs=0, creates=0, message=["HTTP 404", "No run found with id 'run_doesnotexist00000000000000'"]),
    Case("thread-has-an-active-run", arrange=_active_run, ok=False, runs=1, creates=0,
         message=["already has an active run {foreign}", "wait for it", "cancel it", "run_id={thread}:{foreign}"]),
    Case("server-slower-than-completion-window", arrange=_slow_server, creates=1, steps=[
        Step({"completion_window": 1}, ok=False, message=["timed out", "run the task again", "will not start another"]),
        Step({"completion_window": 20})]),
    # Not in the list: the other POST that must not be lost or doubled.
    Case("500-twice-on-submit-tool-outputs", [status(500, "POST", SUBMIT, times=2)], arrange=_tool_call, creates=1, steps=[
        Step(status="requires_action", output=""),
        Step({"tool_outputs": [{"tool_call_id": "{{ step0.tool_calls[0].id }}", "output": "sunny"}]}, output="get_weather returned: sunny")]),
    Case("dropped-after-submit-committed", [dict(kind="drop_after_commit", method="POST", path=SUBMIT)], arrange=_tool_call, creates=1, steps=[
        Step(status="requires_action", output=""),
        Step({"tool_outputs": [{"tool_call_id": "{{ step0.tool_calls[0].id }}", "output": "sunny"}]}, output="get_weather returned: sunny")]),
]


def create_requests(emulator):
    """The create-run POSTs the emulator received."""
    return [entry for entry in requests_to(emulator, "POST") if entry["path"].endswith("/runs")]


def _rule(rule, ctx):
    return dict(rule, path=rule["path"].format(**ctx)) if "path" in rule else dict(rule)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case, emulator, api, ansible):
    ctx = {"assistant": api.assistant(), "thread": api.thread(TEXT), "args": {"completion_window": 20}}
    if case.arrange is not None:
        case.arrange(emulator, api, ctx)
    rules = [_rule(rule, ctx) for rule in case.rules]
    for rule in rules:
        emulator.add_fault(**rule)
    emulator.clear_requests()

    base = dict(ctx["args"]) if "run_id" in ctx["args"] else dict(ctx["args"], thread_id=ctx["thread"], assistant_id=ctx["assistant"])
    tasks = []
    for index, step in enumerate(case.steps):
        tasks.append({"name": "Step {0}".format(index), "aiops.openai.run": dict(base, **step.args), "register": "step{0}".format(index),
                      "ignore_errors": True})
    tasks.append(dump_task(["step{0}".format(i) for i in range(len(case.steps))], "@RESULTS@"))
    done = ansible.playbook([play(tasks, defaults={"api_key": KEY, "base_url": emulator.base_url})])
    assert done.returncode == 0, done

    results = [done.results["step{0}".format(index)] for index in range(len(case.steps))]
    for index, (step, result) in enumerate(zip(case.steps, results)):
        if step.ok:
            assert not result.get("failed"), "step {0} failed: {1}".format(index, result.get("msg"))
            assert result["run"]["status"] == step.status
            assert result["output_text"] == step.output
        else:
            assert result.get("failed"), "step {0} should have failed: {1}".format(index, result)
            for fragment in step.message:
                assert fragment.format(**ctx) in result["msg"], result["msg"]
            assert KEY not in result["msg"]

    runs = runs_on(emulator, ctx["thread"])
    assert len(runs) == case.runs, runs
    if case.creates is not None:
        assert len(create_requests(emulator)) == case.creates
    counts = applied(emulator)
    assert all(count >= 1 for count in counts), "a fault rule was never applied: {0}".format(emulator.faults())
    if case.id == "429-retry-after-on-create":
        posts = create_requests(emulator)
        assert posts[0]["status"] == 429
        # Retry-After: 1 is honoured: the retry is not sent before the second is over.
        assert posts[1]["started"] - posts[0]["finished"] >= 0.95
    if len(runs) == 1 and runs[0]["id"] != ctx.get("foreign"):
        reported = set(result.get("run", {}).get("id") for result in results) - {None}
        assert reported <= {runs[0]["id"]}, "a task reported a run that is not the thread's only run"
    outcome = ["failed: " + result["msg"] if result.get("failed") else "ok" for result in results]
    record_figures("fault-matrix-" + case.id, {"runs": len(runs), "faults_applied": sum(counts), "outcome": outcome})
