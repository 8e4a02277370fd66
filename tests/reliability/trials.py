"""Randomized transient-fault trials of ``aiops.openai.run``: the plan and the worker that carries it out.

``plan(count, seed)`` draws, with one seeded generator, what each trial does: a plain question or a
tool-call round trip, ``wait_strategy`` stream or poll, and one or two transient faults (429 with a
random ``Retry-After``, 500/502/503, a connection dropped after the server committed, a read timeout
after commit, a stream cut after a random event, a malformed create response, a slow response),
each on a request that trial really makes, with random counts and timings. The same seed always
gives the same plan.

``run_batch(...)`` runs trials one after the other in a worker process: it arranges a thread, adds
the trial's fault rules (scoped to that thread's paths, probability 1, so concurrent workers never
disturb each other), calls the module's real code in-process against the emulator, then checks
the outcome, the number of runs on the thread, and that a second, fault-free call reuses the run.
At the end of its batch it reports the sockets and threads the process still holds.

The Responses API (``plan_responses``, ``run_batch(..., api="responses")``): the same trials on a
conversation (``api: responses``), with the faults a lost create survives there: 429 and 503 on
create (nothing done: sent again), a connection dropped or a read timeout after the create committed
(never sent again: the answer is read from the items), a stream cut after a random event (resumed),
slow answers, and 5xx, drops and malformed answers on the reads and the journal writes. 500, 502 and
unreadable answers to a create the server did not carry out end in a clear failure by design (the
fault matrix covers them). ``POST /responses`` names no conversation in its path, so its rules
cannot be scoped: each worker talks to an emulator of its own.
"""

import gc
import random
import threading
import time

from ansible_collections.aiops.openai.plugins.modules import run as run_module
from reliability.helpers import Api, Control, ResponsesApi, call_module, port_of, sockets_to

KEY = "sk-trials-0123456789abcdef"
WINDOW = 30

PATHS = {
    "create": ("POST", r"/threads/{thread}/runs$"),
    "submit": ("POST", r"/threads/{thread}/runs/run_[A-Za-z0-9]+/submit_tool_outputs$"),
    "retrieve": ("GET", r"/threads/{thread}/runs/run_[A-Za-z0-9]+$"),
    "list_runs": ("GET", r"/threads/{thread}/runs$"),
    "list_messages": ("GET", r"/threads/{thread}/messages$"),
    "steps": ("GET", r"/threads/{thread}/runs/run_[A-Za-z0-9]+/steps$"),
}
# The requests a trial certainly makes, by flow and wait strategy (the tool flow's faults hit its second task).
TARGETS = {
    ("plain", "stream"): ["create", "list_runs", "list_messages"],
    ("plain", "poll"): ["create", "retrieve", "list_runs", "list_messages", "steps"],
    ("tool", "stream"): ["submit", "list_runs", "list_messages", "steps"],
    ("tool", "poll"): ["submit", "retrieve", "list_runs", "list_messages", "steps"],
}
# Stream events that certainly come, by stream.
STREAM_EVENTS = {
    "create": ["thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.step.created",
               "thread.message.created", "thread.message.delta"],
    "submit": ["thread.run.step.completed", "thread.run.queued", "thread.run.in_progress", "thread.message.created"],
}
TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
                                         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def _fault(rng, target, strategy, timing, others):
    """One fault rule (without its thread) for ``target``; ``timing`` collects the read timeout it needs.

    ``others`` are the trial's other targets: a create whose response is lost is found by listing the
    runs, by then often finished, so with a fault on ``retrieve`` too it must not lose its response.
    """
    creating = target in ("create", "submit")
    kinds = ["status", "status", "status", "delay"]
    if not (target == "create" and "retrieve" in others):
        kinds += ["drop_after_commit"] + (["delay_after_commit"] if creating else [])
    if creating:
        kinds += ["malformed"]
        if strategy == "stream":
            kinds += ["stream_cut", "stream_cut"]
    kind = rng.choice(kinds)
    method, path = PATHS[target]
    return _parameters(rng, {"kind": kind, "method": method, "path": path}, timing, events=STREAM_EVENTS.get(target))


def _parameters(rng, rule, timing, statuses=(429, 500, 502, 503), events=()):
    """Draw the parameters of a rule of its ``kind``: statuses and Retry-After, counts, delays, the event a stream is cut after."""
    kind = rule["kind"]
    if kind == "status":
        rule["status"] = rng.choice(list(statuses))
        rule["times"] = rng.randint(1, 3)
        if rule["status"] == 429:
            if rng.random() < 0.1:
                rule["retry_after"] = 1
            else:
                rule["retry_after_ms"] = rng.randint(0, 400)
        elif rng.random() < 0.3:
            rule["retry_after_ms"] = rng.randint(0, 300)
    elif kind == "drop_after_commit":
        rule["times"] = rng.randint(1, 2)
    elif kind == "delay":
        rule["seconds"] = round(rng.uniform(0.05, 0.6), 3)
        rule["times"] = rng.randint(1, 3)
    elif kind == "delay_after_commit":
        timing["request_timeout"] = round(rng.uniform(0.6, 1.0), 3)
        rule["seconds"] = round(timing["request_timeout"] + rng.uniform(0.3, 0.8), 3)
    elif kind == "stream_cut":
        rule["after_event"] = rng.choice(events)
    return rule


def plan(count, seed):
    """``count`` trial specs drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    trials = []
    for index in range(count):
        flow = "tool" if rng.random() < 0.25 else "plain"
        strategy = rng.choice(["stream", "poll"])
        targets = rng.sample(TARGETS[(flow, strategy)], rng.choice([1, 1, 2]))
        timing = {}
        faults = [dict(_fault(rng, target, strategy, timing, targets), target=target) for target in targets]
        trials.append(_trial(rng, index, flow, strategy, faults, timing))
    return trials


def _trial(rng, index, flow, strategy, faults, timing, **extra):
    """A trial spec around its drawn ``faults``: the read timeout they need, a start delay and a text of its own."""
    return dict({
        "index": index, "flow": flow, "wait_strategy": strategy, "faults": faults,
        "request_timeout": timing.get("request_timeout", 10), "start_delay": round(rng.uniform(0, 0.2), 3),
        "text": "Trial {0} {1}".format(index, rng.randrange(10 ** 6)),
    }, **extra)


# -- the Responses API --------------------------------------------------------------------------

R_PATHS = {
    "create": ("POST", r"/v1/responses$"),
    "retrieve": ("GET", r"/v1/responses/resp_[A-Za-z0-9]+$"),
    "conversation": ("GET", r"/conversations/{thread}$"),
    "items": ("GET", r"/conversations/{thread}/items$"),
    "journal": ("POST", r"/conversations/{thread}$"),
}
R_TARGETS = {
    "stream": ["create", "conversation", "items", "journal"],
    "poll": ["create", "retrieve", "conversation", "items", "journal"],
}
R_STREAM_EVENTS = ["response.created", "response.in_progress", "response.output_item.added", "response.output_text.delta"]


def _r_fault(rng, target, strategy, timing):
    """One fault rule on the Responses API that the module must survive (see the module docstring)."""
    method, path = R_PATHS[target]
    if target == "create":
        kinds = ["status", "status", "drop_after_commit", "delay_after_commit", "delay"] + (["stream_cut", "stream_cut"] if strategy == "stream" else [])
        statuses = (429, 503)
    else:
        kinds = ["status", "status", "status", "delay", "drop_after_commit"] + (["malformed"] if method == "GET" else [])
        statuses = (429, 500, 502, 503)
    rule = {"kind": rng.choice(kinds), "method": method, "path": path}
    return _parameters(rng, rule, timing, statuses, R_STREAM_EVENTS)


def plan_responses(count, seed):
    """``count`` trials on the Responses API drawn from ``random.Random(seed)`` (one or two faults each)."""
    rng = random.Random(seed)
    trials = []
    for index in range(count):
        flow = "tool" if rng.random() < 0.25 else "plain"
        strategy = rng.choice(["stream", "poll"])
        targets = rng.sample(R_TARGETS[strategy], rng.choice([1, 1, 2]))
        timing = {}
        faults = [dict(_r_fault(rng, target, strategy, timing), target=target) for target in targets]
        trials.append(_trial(rng, index, flow, strategy, faults, timing, api="responses"))
    return trials


def _arguments(base_url, thread_id, assistant_id, trial, **extra):
    args = {"api_key": KEY, "base_url": base_url, "thread_id": thread_id,
            "completion_window": WINDOW, "wait_strategy": trial["wait_strategy"], "request_timeout": trial["request_timeout"]}
    if trial.get("api") == "responses":
        args.update(api="responses", model="gpt-4o", tools=[TOOL])
    else:
        args["assistant_id"] = assistant_id
    args.update(extra)
    return args


def _made(control, trial, thread_id):
    """The runs (responses) the thread (conversation) has, from the emulator."""
    if trial.get("api") == "responses":
        return len([response for response in control.responses() if response["conversation_id"] == thread_id])
    return len([run for run in control.runs() if run["thread_id"] == thread_id])


def _add_faults(control, trial, thread_id):
    ids = []
    for fault in trial["faults"]:
        rule = dict((k, v) for k, v in fault.items() if k != "target")
        rule["path"] = rule["path"].format(thread=thread_id)
        ids.append(control.add_fault(**rule)["id"])
    return ids


def run_trial(api, control, base_url, assistant_id, trial):
    """One trial; returns what happened (never raises for a module failure: that is an outcome)."""
    time.sleep(trial["start_delay"])
    if trial.get("api") == "responses":
        # Rules on POST /responses match any conversation: none of an earlier trial may remain (one emulator per worker).
        control.clear_faults()
    text = trial["text"] + (" get_weather" if trial["flow"] == "tool" else "")
    thread_id = api.conversation(text) if trial.get("api") == "responses" else api.thread(text)
    made = 2 if trial.get("api") == "responses" and trial["flow"] == "tool" else 1
    outcome = {"index": trial["index"], "flow": trial["flow"], "wait_strategy": trial["wait_strategy"],
               "faults": ["{0}:{1}{2}".format(f["target"], f["kind"], "/{0}".format(f["status"]) if "status" in f else "") for f in trial["faults"]],
               "ok": False, "problem": None}
    rule_ids = []
    if trial["flow"] == "plain":
        rule_ids = _add_faults(control, trial, thread_id)
        failed, result = call_module(run_module.main, _arguments(base_url, thread_id, assistant_id, trial))
        expected = "You said: " + trial["text"]
    else:
        failed, asked = call_module(run_module.main, _arguments(base_url, thread_id, assistant_id, trial))
        if failed or asked["run"].get("status") != "requires_action":
            outcome["problem"] = "the tool call was not asked for: {0}".format(asked.get("msg") or asked["run"].get("status"))
            return outcome
        output = "sunny {0}".format(trial["index"])
        outputs = [{"tool_call_id": call["id"], "output": output} for call in asked["tool_calls"]]
        rule_ids = _add_faults(control, trial, thread_id)
        failed, result = call_module(run_module.main, _arguments(base_url, thread_id, assistant_id, trial, tool_outputs=outputs))
        expected = "get_weather returned: " + output
    rules = dict((rule["id"], rule) for rule in control.faults() if rule["id"] in rule_ids)
    outcome["applied"] = sum(rule["applied"] for rule in rules.values())
    outcome["runs"] = _made(control, trial, thread_id)
    if failed:
        outcome["problem"] = "failed: {0}".format(result.get("msg"))
    elif result["run"].get("status") != "completed" or result["output_text"] != expected:
        outcome["problem"] = "ended {0} with {1!r}".format(result["run"].get("status"), result["output_text"])
    elif any(rule["applied"] < 1 for rule in rules.values()):
        outcome["problem"] = "a fault was never applied: {0}".format(sorted(rules.values(), key=lambda r: r["id"]))
    else:
        # The same task again, without faults: it must find the run, not start another.
        again_failed, again = call_module(run_module.main, _arguments(base_url, thread_id, assistant_id, trial))
        outcome["runs"] = _made(control, trial, thread_id)
        if again_failed or again["changed"] or again["run"]["id"] != result["run"]["id"] or again["output_text"] != expected:
            outcome["problem"] = "the rerun did not reuse the run: {0}".format(again.get("msg") or again["run"].get("id"))
        else:
            outcome["ok"] = True
    if outcome["runs"] != made:
        outcome["ok"] = False
        outcome["problem"] = outcome["problem"] or "{0} runs on the thread, not {1}".format(outcome["runs"], made)
    outcome["duplicates"] = max(outcome["runs"] - made, 0)
    return outcome


def run_batch(base_url, control_url, trials, api_name="assistants"):
    """Run ``trials`` in this process, one after the other; the outcomes and what the process still holds."""
    control = Control(control_url)
    with (ResponsesApi if api_name == "responses" else Api)(base_url, key=KEY) as api:
        assistant_id = api.assistant(name="trials", tools=[TOOL]) if api_name == "assistants" else None
        outcomes = []
        for trial in trials:
            try:
                outcomes.append(run_trial(api, control, base_url, assistant_id, trial))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                outcomes.append({"index": trial["index"], "ok": False, "problem": "trial error: {0!r}".format(exc)})
    # Sockets of a request that failed stay referenced from the exception's traceback (a reference cycle)
    # until the garbage collector runs: urllib3 2 closes a pool's connections when the pool is collected.
    before_gc = sockets_to(port_of(base_url))
    gc.collect()
    return {"outcomes": outcomes, "sockets_before_gc": before_gc, "sockets": sockets_to(port_of(base_url)), "threads": threading.active_count()}
