"""The fault matrix: one ``ansible-playbook`` run of ``aiops.openai.run`` per fault, against the emulator, on both APIs.

Each case arranges a thread with one user message (on the Responses API: a conversation with one
user message item), adds its fault rules (scoped to that thread's paths, or to ``POST /responses``),
runs the task as a user would, and checks the task's outcome (success, or a failure whose message
says what is wrong and what to do), that every fault rule was really applied, and how many runs
(responses) the thread (conversation) has at the end: never more than the ones the tasks meant to
start. On the Responses API the count comes from ``GET /_emulator/responses``, which lists every
response the server created, so a duplicate cannot hide.

The two tables differ where the APIs do: a Responses create whose answer is lost (dropped, timed
out, 500, 502, unreadable) is never sent again (plugins/module_utils/_responses.py); the module waits
for the response's items, and when none come (the server did nothing) it fails saying how to go on.
"""

import pytest

from reliability.helpers import ResponsesApi, applied, control_task, play, record_figures, requests_to, responses_in, runs_on
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
    """One task of a case and what it must end with (``status=None``: whatever it reports).

    ``rules``: fault rules added (by a task calling the emulator's control surface) just before this task;
    ``before(emulator, ctx)``: more tasks to run just before it.
    """

    def __init__(self, args=None, ok=True, message=(), status="completed", output="You said: " + TEXT, rules=(), before=None):
        self.args = dict(args or {})
        self.ok = ok
        self.message = list(message)
        self.status = status
        self.output = output
        self.rules = list(rules)
        self.before = before


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


def create_requests(emulator, api="assistants"):
    """The create POSTs the emulator received: create run (Assistants API) or create response (Responses API)."""
    suffix = "/runs" if api == "assistants" else "/v1/responses"
    return [entry for entry in requests_to(emulator, "POST") if entry["path"].endswith(suffix)]


def _rule(rule, ctx):
    return dict(rule, path=rule["path"].format(**ctx)) if "path" in rule else dict(rule)


def _play(case, ctx, base, defaults, emulator, ansible):
    """Add the case's fault rules, run its tasks in one playbook, and return the registered results."""
    for rule in case.rules:
        emulator.add_fault(**_rule(rule, ctx))
    emulator.clear_requests()
    tasks = []
    for index, step in enumerate(case.steps):
        for rule in step.rules:
            tasks.append(control_task("Fault before step {0}".format(index), emulator.control_url, "/faults", body=_rule(rule, ctx)))
        if step.before is not None:
            tasks.extend(step.before(emulator, ctx))
        tasks.append({"name": "Step {0}".format(index), "aiops.openai.run": dict(base, **step.args), "register": "step{0}".format(index),
                      "ignore_errors": True})
    tasks.append(dump_task(["step{0}".format(i) for i in range(len(case.steps))], "@RESULTS@"))
    done = ansible.playbook([play(tasks, defaults=dict(defaults, api_key=KEY, base_url=emulator.base_url))])
    assert done.returncode == 0, done
    results = [done.results["step{0}".format(index)] for index in range(len(case.steps))]
    for index, (step, result) in enumerate(zip(case.steps, results)):
        if step.ok:
            assert not result.get("failed"), "step {0} failed: {1}".format(index, result.get("msg"))
            if step.status is not None:
                assert result["run"]["status"] == step.status
                assert result["output_text"] == step.output
        else:
            assert result.get("failed"), "step {0} should have failed: {1}".format(index, result)
            for fragment in step.message:
                assert fragment.format(**ctx) in result["msg"], result["msg"]
            assert KEY not in result["msg"]
    return results


def _check_counts(case, emulator, made, api="assistants"):
    """The runs (responses) made, the creates sent, every rule applied, and the 429's Retry-After honoured."""
    assert len(made) == case.runs, made
    if case.creates is not None:
        assert len(create_requests(emulator, api)) == case.creates
    counts = applied(emulator)
    assert all(count >= 1 for count in counts), "a fault rule was never applied: {0}".format(emulator.faults())
    if case.id.startswith("429-retry-after-on-create"):
        posts = create_requests(emulator, api)
        assert posts[0]["status"] == 429
        # Retry-After: 1 is honoured: the retry is not sent before the second is over.
        assert posts[1]["started"] - posts[0]["finished"] >= 0.95
    return counts


def _outcome(results):
    return ["failed: " + result["msg"] if result.get("failed") else "ok" for result in results]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case, emulator, api, ansible):
    ctx = {"assistant": api.assistant(), "thread": api.thread(TEXT), "args": {"completion_window": 20}}
    if case.arrange is not None:
        case.arrange(emulator, api, ctx)
    base = dict(ctx["args"]) if "run_id" in ctx["args"] else dict(ctx["args"], thread_id=ctx["thread"], assistant_id=ctx["assistant"])
    results = _play(case, ctx, base, {}, emulator, ansible)
    runs = runs_on(emulator, ctx["thread"])
    counts = _check_counts(case, emulator, runs)
    if len(runs) == 1 and runs[0]["id"] != ctx.get("foreign"):
        reported = set(result.get("run", {}).get("id") for result in results) - {None}
        assert reported <= {runs[0]["id"]}, "a task reported a run that is not the thread's only run"
    record_figures("fault-matrix-" + case.id, {"runs": len(runs), "faults_applied": sum(counts), "outcome": _outcome(results)})


# -- the Responses API ------------------------------------------------------------------------

R_CREATE = r"/v1/responses$"
R_RETRIEVE = r"/v1/responses/resp_[A-Za-z0-9]+$"
R_CONVERSATION = r"/conversations/{thread}$"
R_ITEMS = r"/conversations/{thread}/items$"
# What a failed task says when a create's answer was lost and nothing of it ever showed.
LOST = ["may have been created in conversation {thread}", "never sends it twice", "state=absent"]
# The window of the cases whose lost create the server never carried out: the task waits it out.
LOST_WINDOW = 4


def _r_unknown_conversation(emulator, rapi, ctx):
    ctx["thread"] = "conv_doesnotexist0000000000000"


def _r_unknown_response(emulator, rapi, ctx):
    ctx["args"] = {"run_id": "{0}:resp_doesnotexist00000000000000".format(ctx["thread"]), "completion_window": 20}


def _r_locked(emulator, rapi, ctx):
    """Another tool's background response is running in the conversation (the emulator allows one at a time)."""
    emulator.config(run_duration=60)
    ctx["foreign"] = rapi.response(ctx["thread"])["id"]
    emulator.config(run_duration=0.2)


def _r_cancel_foreign(emulator, ctx):
    return [{"name": "The other tool cancels its response", "ansible.builtin.uri": {
        "url": "{0}/responses/{1}/cancel".format(emulator.base_url, ctx["foreign"]), "method": "POST", "body_format": "json", "body": {},
        "headers": {"Authorization": "Bearer " + KEY}}}]


def _r_tool_call(emulator, rapi, ctx):
    rapi.message(ctx["thread"], "Please call get_weather for Paris")
    ctx["args"] = dict(ctx["args"], tools=[WEATHER_TOOL])


TOOL_OUTPUTS = {"tool_outputs": [{"tool_call_id": "{{ step0.tool_calls[0].id }}", "output": "sunny"}]}
SUNNY = "get_weather returned: sunny"

RESPONSES_CASES = [
    # Refused before anything was done: sent again after the server's wait.
    Case("429-retry-after-on-create", [status(429, "POST", R_CREATE, retry_after=1)], creates=2),
    Case("503-on-create", [status(503, "POST", R_CREATE)], creates=2),
    # The answer of the create is lost: never sent again. The server carried it out: its items show, the task succeeds.
    Case("dropped-after-create-committed", [dict(kind="drop_after_commit", method="POST", path=R_CREATE)], creates=1),
    Case("read-timeout-after-create-committed", [dict(kind="delay_after_commit", seconds=3, method="POST", path=R_CREATE)],
         args={"request_timeout": 1}, creates=1),
    # The server did not carry it out (500, 502, an unreadable 200): nothing shows; the task fails saying what to do,
    # and the documented way on (state=absent forgets the lost request, present creates) makes exactly one response.
    Case("500-on-create", [status(500, "POST", R_CREATE)], runs=1, creates=2, steps=[
        Step({"completion_window": LOST_WINDOW}, ok=False, message=LOST + ["HTTP 500"]),
        Step({"state": "absent"}, status=None),
        Step()]),
    Case("502-on-create", [status(502, "POST", R_CREATE)], runs=0, creates=1,
         args={"completion_window": LOST_WINDOW}, ok=False, message=LOST + ["HTTP 502"]),
    Case("malformed-json-on-create", [dict(kind="malformed", method="POST", path=R_CREATE)], runs=0, creates=1,
         args={"completion_window": LOST_WINDOW}, ok=False, message=LOST),
    # Streams that break once the response is known are resumed (starting_after), then polled.
    Case("stream-cut-after-response-created", [dict(kind="stream_cut", after_event="response.created", path=R_CREATE)], creates=1),
    Case("stream-cut-after-in-progress", [dict(kind="stream_cut", after_event="response.in_progress", path=R_CREATE)], creates=1),
    # Reads are safe to retry.
    Case("500-on-retrieve", [status(500, "GET", R_RETRIEVE, times=2)], args={"wait_strategy": "poll"}, creates=1),
    Case("503-on-retrieve", [status(503, "GET", R_RETRIEVE, times=2)], args={"wait_strategy": "poll"}, creates=1),
    Case("malformed-json-on-retrieve", [dict(kind="malformed", method="GET", path=R_RETRIEVE)], args={"wait_strategy": "poll"}, creates=1),
    Case("500-on-get-conversation", [status(500, "GET", R_CONVERSATION, times=2)], creates=1),
    Case("502-on-list-items", [status(502, "GET", R_ITEMS, times=2)], creates=1),
    Case("500-on-journal-write", [status(500, "POST", R_CONVERSATION)], creates=1),
    # Slow: a server that answers late, and one slower than the task's window (picked up by the next run).
    Case("slow-create-answer", [dict(kind="delay", seconds=2, method="POST", path=R_CREATE)], creates=1),
    Case("server-slower-than-completion-window", arrange=_slow_server, creates=1, steps=[
        Step({"completion_window": 1}, ok=False, message=["timed out", "run the task again"]),
        Step({"completion_window": 20})]),
    # Answers that are final.
    Case("401-wrong-key", arrange=_wrong_key, ok=False, runs=0, creates=0, message=["HTTP 401", "API key"]),
    Case("404-conversation", arrange=_r_unknown_conversation, ok=False, runs=0, creates=0, message=["{thread}"]),
    Case("404-response", arrange=_r_unknown_response, ok=False, runs=0, creates=0, message=["resp_doesnotexist00000000000000"]),
    # A create the server refused (400) was not carried out: the next run creates the response.
    Case("400-on-create", [status(400, "POST", R_CREATE, message="The server refused this request.")], creates=2, steps=[
        Step(ok=False, message=["HTTP 400", "The server refused this request."]),
        Step({"completion_window": 8})]),
    Case("conversation-has-an-active-response", arrange=_r_locked, runs=2, creates=2, steps=[
        Step(ok=False, message=["HTTP 400", "Another process is currently operating on this conversation"]),
        Step({"completion_window": 8}, before=_r_cancel_foreign)]),
    # The second create of a task: the function call outputs (a new response of the same conversation).
    Case("503-twice-on-tool-outputs", arrange=_r_tool_call, runs=2, creates=4, steps=[
        Step(status="requires_action", output=""),
        Step(TOOL_OUTPUTS, output=SUNNY, rules=[status(503, "POST", R_CREATE, times=2)])]),
    # The function call's own create lost: the call is read from the items, and the outputs still answer it.
    Case("dropped-after-function-call-committed", [dict(kind="drop_after_commit", method="POST", path=R_CREATE)],
         arrange=_r_tool_call, runs=2, creates=2, steps=[
             Step(status="requires_action", output=""),
             Step(TOOL_OUTPUTS, output=SUNNY)]),
    Case("dropped-after-tool-outputs-committed", arrange=_r_tool_call, runs=2, creates=2, steps=[
        Step(status="requires_action", output=""),
        Step(TOOL_OUTPUTS, output=SUNNY, rules=[dict(kind="drop_after_commit", method="POST", path=R_CREATE)])]),
]


def _case_id(case):
    return (case.values[0] if hasattr(case, "values") else case).id


@pytest.mark.parametrize("case", RESPONSES_CASES, ids=[_case_id(case) for case in RESPONSES_CASES])
def test_fault_on_the_responses_api(case, emulator, ansible):
    with ResponsesApi(emulator.base_url) as rapi:
        ctx = {"thread": rapi.conversation(TEXT), "args": {"completion_window": 20}}
        if case.arrange is not None:
            case.arrange(emulator, rapi, ctx)
    base = dict(ctx["args"]) if "run_id" in ctx["args"] else dict(ctx["args"], thread_id=ctx["thread"], model="gpt-4o")
    results = _play(case, ctx, base, {"api": "responses"}, emulator, ansible)
    made = responses_in(emulator, ctx["thread"])
    counts = _check_counts(case, emulator, made, "responses")
    reported = set(result.get("run", {}).get("id") for result in results) - {None}
    assert reported <= set(response["id"] for response in made) - {ctx.get("foreign")}, \
        "a task reported a response that is not one of the conversation's own"
    record_figures("fault-matrix-responses-" + case.id, {"responses": len(made), "faults_applied": sum(counts),
                                                         "outcome": _outcome(results)})
