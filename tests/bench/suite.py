"""The whole benchmark (or its smoke version): what to measure, how often, and the targets.

``run_suite(FULL or SMOKE, workdir)`` returns plain data (also written to ``results.json``);
``check_targets(results)`` turns it into the list of targets, met or missed.
"""

import json
import os
import platform
import subprocess
import sys
import time

import ansible
import openai

from bench import profile, scenarios
from bench.ansible_driver import ROOT
from bench.lab import Lab
from bench.stats import median, polls_allowed

# The poll hint (openai-poll-after-ms) of the main comparison: the SDK's own 1 s interval, the same
# as the uri loop's delay, so that every poller polls once a second.
POLL_AFTER_MS = 1000


def _plan(durations, counts, poll_after_ms=POLL_AFTER_MS):
    return [(duration, count, poll_after_ms) for duration, count in zip(durations, counts)]


FULL = {
    "name": "full",
    # client -> [(duration, repetitions, poll hint)]: the comparison at POLL_AFTER_MS, then, for the
    # pollers, other hints (the emulator's default 500 ms, and none). The uri loop starts a module
    # process per poll, so its 20 s runs are fewer.
    # Each entry is measured in one batch; clients in the same entry take turns in one ansible-playbook.
    # The playbook clients run one batch per run duration (longest first): every host of a batch is a
    # worker of one ansible-playbook whose free strategy loops over all its hosts every millisecond,
    # so that 160 hosts in one batch kept a CPU of this 2-CPU machine busy for the whole batch and the
    # longest runs ended into it (measured 2026-12-01: 20 s runs 504 ms median in one batch, 68 ms
    # in a batch of their own; 0.2 s runs 113 ms in a batch of 120 hosts with the 1 s runs).
    "latency": [
        [("run", _plan((20.0,), (20,))), ("run_pipelined", _plan((20.0,), (20,)))],
        [("run", _plan((5.0,), (20,))), ("run_pipelined", _plan((5.0,), (20,)))],
        # The yardstick's cost does not depend on the run's duration: the short runs are enough.
        [("run", _plan((1.0,), (20,))), ("run_pipelined", _plan((1.0,), (20,))), ("floor", _plan((1.0,), (20,)))],
        [("run", _plan((0.2,), (20,))), ("run_pipelined", _plan((0.2,), (20,))), ("floor", _plan((0.2,), (20,)))],
        # The run module on both APIs, taking turns (Responses: api: responses, a conversation).
        [("module", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20))),
         ("module_responses", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20)))],
        [("run_poll", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20)) + _plan((1.0, 5.0), (5, 5), 500) + _plan((1.0, 5.0), (5, 5), None))],
        # The SDK on both APIs: create_and_poll; the Responses background-polling loop and stream.
        [("sdk", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20)) + _plan((1.0, 5.0), (5, 5), 500)),
         ("sdk_responses_poll", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20))),
         ("sdk_responses_stream", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 20)))],
        [("uri", _plan((0.2, 1.0, 5.0, 20.0), (20, 20, 20, 5)))],
    ],
    "overhead": 20,
    "scaling": {"clients": ("run", "uri"), "sizes": (1, 10, 50), "duration": 1.0},
    "rerun": 5,
    "rerun_responses": 5,
    "teardown": 10,
}

SMOKE = {
    "name": "smoke",
    "latency": [
        [("run", _plan((0.2, 1.0), (2, 2))), ("run_pipelined", _plan((0.2, 1.0), (2, 2))), ("floor", _plan((0.2,), (2,)))],
        [("module", _plan((0.2, 1.0), (2, 2))), ("module_responses", _plan((0.2, 1.0), (2, 2)))],
        [("run_poll", _plan((0.2, 1.0), (2, 2)) + _plan((2.0,), (2,), 500) + _plan((2.0,), (2,), 2000))],
        [("sdk", _plan((0.2, 1.0), (2, 2))), ("sdk_responses_poll", _plan((0.2, 1.0), (2, 2))),
         ("sdk_responses_stream", _plan((0.2, 1.0), (2, 2)))],
        [("uri", _plan((0.2, 1.0), (2, 2)))],
    ],
    "overhead": 3,
    "scaling": {"clients": ("run",), "sizes": (1, 3), "duration": 1.0},
    "rerun": 1,
    "rerun_responses": 1,
    "teardown": 2,
}

# The clients that are aiops.openai.run streaming (Ansible's defaults, and with pipelining).
STREAM_CLIENTS = ("run", "run_pipelined")
# Most requests one created-and-waited run may take with streaming, and a rerun's run task.
STREAM_REQUESTS = 3
RERUN_REQUESTS = 3
LATENCY_TARGET = 0.020
SDK_RATIO_TARGET = 1 / 20.0
OVERHEAD_TARGET = 1.2
# The Responses API. The target for a created-and-waited response is RESPONSES_TARGET requests;
# the design takes RESPONSES_CREATE_REQUESTS (plugins/module_utils/_responses.py, "Identity and nothing
# lost": GET conversation, GET items, journal entry, the streamed POST, the entry naming the response),
# which make bench-smoke enforces exactly.
RESPONSES_TARGET = 3
RESPONSES_CREATE_REQUESTS = 5
RESPONSES_CREATE_STEPS = "GET conversation, GET items, journal entry (POST conversation), streamed POST /responses, journal update"


def machine():
    """The facts about this machine the report names."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(), "ansible_core": ansible.__version__,
        "openai": openai.__version__, "system": "{0} {1}".format(platform.system(), platform.release()), "loadavg": load,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _git_commit(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=False, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# Before each measurement, wait (at most QUIET_WAIT s, QUIET_BUDGET s in all) for the 1-minute load
# average to drop below the number of CPUs: on a shared machine other work would be measured too.
QUIET_WAIT = 30
QUIET_BUDGET = 45


def _load1():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


class Quiet:
    """Waits, within a budget, for the machine to calm down, and records the load each step began with."""

    def __init__(self, budget):
        self.budget = budget
        self.loads = {}

    def wait(self, name):
        limit = time.monotonic() + min(QUIET_WAIT, self.budget)
        started = time.monotonic()
        while _load1() is not None and _load1() >= (os.cpu_count() or 1) and time.monotonic() < limit:
            time.sleep(2)
        self.budget -= time.monotonic() - started
        self.loads[name] = _load1()


def _batch_name(entries, batches):
    """``latency run + run_pipelined``, with the run durations when another batch has the same clients."""
    clients_of = [[client for client, dummy in batch] for batch in batches]
    own = [client for client, dummy in entries]
    name = "latency " + " + ".join(own)
    if clients_of.count(own) > 1:
        seconds = sorted({duration for dummy, plan in entries for duration, _count, _hint in plan})
        name += " ({0} s)".format(", ".join("{0:g}".format(duration) for duration in seconds))
    return name


def run_suite(config, workdir, log=print):
    """Run every measurement of ``config``; return (and save in ``workdir/results.json``) the raw results."""
    os.makedirs(workdir, exist_ok=True)
    began = time.time()
    results = {"config": config["name"], "machine": machine(), "commit": _git_commit(ROOT),
               "poll_after_ms": POLL_AFTER_MS, "latency": [], "cadence": []}

    quiet = Quiet(QUIET_BUDGET if config["name"] == "full" else 0)

    def step(name, function, *args):
        quiet.wait(name)
        started = time.time()
        value = function(*args)
        log("bench: {0} done in {1:.1f} s (1-minute load average at its start: {2})".format(
            name, time.time() - started, quiet.loads[name]))
        return value

    with Lab() as lab:
        for entries in config["latency"]:
            name = _batch_name(entries, config["latency"])
            for sample in step(name, scenarios.latency, lab, entries, workdir):
                results["latency" if sample["poll_after_ms"] == POLL_AFTER_MS else "cadence"].append(sample)
        results["overhead"] = step("task overhead", scenarios.overhead, lab, config["overhead"], workdir)
        results["scaling"] = []
        for client in config["scaling"]["clients"]:
            results["scaling"] += step("scaling " + client, scenarios.scaling, lab, client, config["scaling"]["sizes"],
                                       config["scaling"]["duration"], workdir)
        results["rerun"] = step("rerun", scenarios.rerun, lab, config["rerun"], workdir)
        results["rerun_responses"] = step("rerun, Responses API", scenarios.rerun, lab, config["rerun_responses"], workdir,
                                          "responses")
    results["teardown"] = step("import and teardown profile", profile.teardown, config["teardown"])
    results["machine"]["loadavg_end"] = machine()["loadavg"]
    results["loads"] = quiet.loads
    results["seconds"] = time.time() - began
    with open(os.path.join(workdir, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    return results


def _samples(results, client, duration=None, key="latency", source="latency"):
    return [s[key] for s in results[source] if s["client"] == client and (duration is None or s["duration"] == duration)
            and s[key] is not None and not s["error"]]


def durations(results):
    return sorted({s["duration"] for s in results["latency"]})


class Check:
    """One target: its name, whether it was met, what was measured, and whether CI enforces it."""

    def __init__(self, name, met, detail, counts):
        self.name, self.met, self.detail, self.counts = name, met, detail, counts

    def as_dict(self):
        return {"name": self.name, "met": self.met, "detail": self.detail, "counts": self.counts}


def _errors(results):
    found = [s for s in results["latency"] + results["cadence"] if s["error"]]
    found += [{"client": r["client"], "error": e} for r in results["scaling"] for e in r["errors"]]
    return found


def check_targets(results):
    """Every target of the issue, met or not. ``counts`` marks those that rest on request counts only."""
    checks = []
    errors = _errors(results)
    checks.append(Check("every measured run completed and was seen by its client", not errors,
                        "; ".join("{0}: {1}".format(e["client"], e["error"]) for e in errors[:5]) or "all runs completed", True))
    stream = [s for s in results["latency"] if s["client"] in STREAM_CLIENTS]
    worst = max((s["requests"] for s in stream), default=None)
    checks.append(Check("streaming: at most {0} requests per created-and-waited run, at every duration".format(STREAM_REQUESTS),
                        bool(stream) and worst <= STREAM_REQUESTS,
                        "most: {0} over {1} runs ({2})".format(worst, len(stream), ", ".join(
                            "{0:g} s: {1}".format(d, max(s["requests"] for s in stream if s["duration"] == d)) for d in durations(results))),
                        True))
    polled = [s for s in results["latency"] + results["cadence"] if s["client"] == "run_poll" and s["poll_after_ms"]]
    over = [s for s in polled if s["polls"] > polls_allowed(s["duration"], s["poll_after_ms"])]
    checks.append(Check("polling: at most 1 + duration / interval polls when the server sends openai-poll-after-ms "
                        "(interval 0.5 s: 1 + duration/0.5 s)", bool(polled) and not over,
                        "{0} of {1} polled runs over the bound{2}".format(len(over), len(polled), "".join(
                            "; {0:g} s at {1} ms: {2} polls".format(s["duration"], s["poll_after_ms"], s["polls"]) for s in over[:3])),
                        True))
    checks.append(_rerun_check("unchanged rerun: at most {0} requests for the run task and changed: false".format(RERUN_REQUESTS),
                               [r for r in results["rerun"] if not r["first"]], scenarios.RERUN_TASKS[-1]))
    for label, client in (("playbook moved on", "run"), ("playbook moved on, pipelining", "run_pipelined"),
                          ("module result written", "module")):
        medians = {d: median(_samples(results, client, d)) for d in durations(results) if _samples(results, client, d)}
        sdk = {d: median(_samples(results, "sdk", d)) for d in durations(results) if _samples(results, "sdk", d)}
        if not medians:
            continue
        checks.append(Check("streaming ({0}): median detection latency <= 20 ms at every duration".format(label),
                            all(value <= LATENCY_TARGET for value in medians.values()),
                            ", ".join("{0:g} s: {1:.1f} ms".format(d, v * 1000) for d, v in sorted(medians.items())), False))
        ratios = {d: medians[d] / sdk[d] for d in medians if sdk.get(d)}
        checks.append(Check("streaming ({0}): median detection latency <= 1/20 of the SDK's".format(label),
                            bool(ratios) and all(value <= SDK_RATIO_TARGET for value in ratios.values()),
                            ", ".join("{0:g} s: 1/{1:.0f}".format(d, 1 / v) for d, v in sorted(ratios.items())), False))
    checks += _responses_checks(results)
    walls = {kind: [s["wall"] for s in results["overhead"]["samples"] if s["client"] == kind and s["ok"]] for kind in ("run", "uri")}
    if walls["run"] and walls["uri"]:
        ratio = median(walls["run"]) / median(walls["uri"])
        checks.append(Check("task overhead: run task on a ~0 s run <= 1.2 x a one-request uri task", ratio <= OVERHEAD_TARGET,
                            "{0:.0f} ms vs {1:.0f} ms: {2:.2f} x".format(median(walls["run"]) * 1000, median(walls["uri"]) * 1000, ratio),
                            False))
    return checks


def _rerun_check(name, reruns, run_task):
    ok = bool(reruns) and all(r["task_requests"].get(run_task, 0) <= RERUN_REQUESTS and not any(r["changed"].values()) for r in reruns)
    return Check(name, ok, "run task requests {0}, changed tasks {1}".format(
        sorted({r["task_requests"].get(run_task, 0) for r in reruns}),
        sorted({task for r in reruns for task, changed in r["changed"].items() if changed}) or "none"), True)


def _responses_checks(results):
    """The Responses API's targets: latency against the SDK's polling loop, requests, rerun."""
    checks = []
    module = [s for s in results["latency"] if s["client"] == "module_responses" and not s["error"]]
    if module:
        counts = sorted({s["requests"] for s in module})
        checks.append(Check("Responses API: at most {0} requests per created-and-waited response".format(RESPONSES_TARGET),
                            max(counts) <= RESPONSES_TARGET,
                            "{0} requests ({1}): the price of never sending a lost create twice (section \"The Responses API\")".format(
                                "/".join(str(c) for c in counts), RESPONSES_CREATE_STEPS), False))
        exact = all(s["requests"] == RESPONSES_CREATE_REQUESTS and s["posts"] == 3 and s["polls"] == 0 for s in module)
        checks.append(Check("Responses API: exactly {0} requests per created-and-waited response (1 create, 2 journal writes, "
                            "no poll), as designed".format(RESPONSES_CREATE_REQUESTS), exact,
                            "requests {0}, POSTs {1}, polls {2} over {3} responses".format(
                                counts, sorted({s["posts"] for s in module}), sorted({s["polls"] for s in module}), len(module)), True))
        medians = {d: median(_samples(results, "module_responses", d)) for d in durations(results) if _samples(results, "module_responses", d)}
        polling = {d: median(_samples(results, "sdk_responses_poll", d)) for d in medians if _samples(results, "sdk_responses_poll", d)}
        ratios = {d: medians[d] / polling[d] for d in polling if polling[d] > 0}
        checks.append(Check("Responses API (module result written): median detection latency <= 1/20 of the SDK's "
                            "background-polling loop's", bool(ratios) and all(value <= SDK_RATIO_TARGET for value in ratios.values()),
                            ", ".join("{0:g} s: 1/{1:.0f}".format(d, 1 / v) for d, v in sorted(ratios.items())) or "not measured", False))
    reruns = [r for r in results.get("rerun_responses", []) if not r["first"]]
    if results.get("rerun_responses"):
        checks.append(_rerun_check("Responses API unchanged rerun: at most {0} requests for the run task and changed: false".format(
            RERUN_REQUESTS), reruns, scenarios.RESPONSES_RERUN_TASKS[-1]))
    return checks


def main_command():
    return " ".join([os.path.basename(sys.executable), "-m", "bench"] + sys.argv[1:])
