"""Turn the benchmark's results into docs/performance.md and docs/performance.png."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

from bench import scenarios  # noqa: E402  pylint: disable=wrong-import-position
from bench.stats import median, p95, polls_allowed, summary  # noqa: E402  pylint: disable=wrong-import-position
from bench.suite import (  # noqa: E402  pylint: disable=wrong-import-position
    QUIET_WAIT,
    RESPONSES_CREATE_REQUESTS,
    RESPONSES_CREATE_STEPS,
    RESPONSES_TARGET,
    durations,
)

NAMES = {
    "run": "aiops.openai.run, stream (default)",
    "run_pipelined": "aiops.openai.run, stream, Ansible pipelining on",
    "floor": "yardstick: least a module can do (bench_floor), stream",
    "module": "run module process, stream: result written",
    "run_poll": "aiops.openai.run, wait_strategy: poll",
    "sdk": "openai SDK create_and_poll",
    "uri": "ansible.builtin.uri, until + delay: 1",
}
# The Responses API's clients (their own section: conversations and responses, not threads and runs).
RESPONSES_NAMES = {
    "module_responses": "run module process, api: responses: result written",
    "sdk_responses_poll": "openai SDK: responses.create(background=True), retrieve every 2 s",
    "sdk_responses_stream": "openai SDK: responses.create(stream=True)",
}
RESPONSES_ORDER = ("module_responses", "sdk_responses_poll", "sdk_responses_stream")
COLORS = {"run": "#1b9e77", "run_pipelined": "#66a61e", "floor": "#666666", "module": "#1f78b4", "run_poll": "#7570b3", "sdk": "#d95f02", "uri": "#e7298a"}
ORDER = ("run", "run_pipelined", "floor", "module", "run_poll", "sdk", "uri")
LINES = {"module": "--", "run_pipelined": "-.", "floor": ":"}
# Clients whose requests are not compared: the module alone is the run client again, and the yardstick
# makes no idempotence lookups.
NO_REQUESTS = ("module", "floor")
# Clients whose median latency is compared with the SDK's and the uri loop's, and their column labels.
RATIO_CLIENTS = (("run", "run (stream)"), ("run_pipelined", "run (stream, pipelining)"), ("module", "module result"),
                 ("run_poll", "run (poll)"))


def _ms(value):
    return "–" if value is None else ("{0:.1f}".format(value * 1000) if value < 0.1 else "{0:.0f}".format(value * 1000))


def _select(samples, client, duration=None, poll_after_ms="any"):
    return [s for s in samples if s["client"] == client and (duration is None or s["duration"] == duration)
            and (poll_after_ms == "any" or s["poll_after_ms"] == poll_after_ms) and not s["error"]]


def _values(samples, key):
    return [s[key] for s in samples if s[key] is not None]


def _cell(values):
    found = summary(values)
    return "–" if found is None else "{0} / {1} ({2})".format(_ms(found["median"]), _ms(found["p95"]), found["n"])


def _ratio(numerator, denominator):
    if not numerator or not denominator:
        return "–"
    value = median(numerator) / median(denominator)
    return "{0:.3f} (1/{1:.0f})".format(value, 1 / value) if value < 1 else "{0:.2f}".format(value)


def _counts(values):
    if not values:
        return "–"
    low, high, mid = min(values), max(values), median(values)
    return "{0:g}".format(mid) if low == high else "{0:g} ({1}–{2})".format(mid, low, high)


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for dummy in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def chart(results, path):
    """Latency (median, bar up to p95) and requests per run against run duration, one line per client."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 6.2), gridspec_kw={"width_ratios": [1.35, 1]})
    found = durations(results)
    for client in ORDER:
        points = [(d, _values(_select(results["latency"], client, d), "latency")) for d in found]
        points = [(d, values) for d, values in points if values]
        if not points:
            continue
        xs = [d for d, dummy in points]
        mids = [max(median(v), 1e-4) * 1000 for dummy, v in points]
        highs = [max(p95(v), 1e-4) * 1000 for dummy, v in points]
        left.errorbar(xs, mids, yerr=[[0] * len(mids), [h - m for h, m in zip(highs, mids)]], marker="o", capsize=4,
                      color=COLORS[client], label=NAMES[client], linestyle=LINES.get(client, "-"))
        requests = [(d, _values(_select(results["latency"], client, d), "requests")) for d in found]
        requests = [(d, median(v)) for d, v in requests if v and client not in NO_REQUESTS]
        if requests:
            right.plot([d for d, dummy in requests], [v for dummy, v in requests], marker="o", color=COLORS[client])
    left.axhline(20, color="grey", linestyle=":", linewidth=1)
    left.text(found[0] if found else 0.2, 22, "20 ms target", color="grey", fontsize=8)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xticks(found)
    left.set_xticklabels(["{0:g}".format(d) for d in found])
    left.set_xlabel("run duration on the server (s)")
    left.set_ylabel("detection latency (ms): median, bar to p95")
    left.set_title("Server finished → client knew")
    left.grid(True, which="both", alpha=0.3)
    right.set_xscale("log")
    right.set_xticks(found)
    right.set_xticklabels(["{0:g}".format(d) for d in found])
    right.set_xlabel("run duration on the server (s)")
    right.set_ylabel("HTTP requests per created-and-waited run (median)")
    right.set_title("Requests per run (emulator request log)")
    right.grid(True, alpha=0.3)
    right.set_ylim(bottom=0)
    info = results["machine"]
    figure.suptitle("aiops.openai benchmark — {0} CPUs ({1}), Python {2}, ansible-core {3}, openai-poll-after-ms {4}".format(
        info["nproc"], info["cpu"], info["python"], info["ansible_core"], results["poll_after_ms"]), fontsize=10)
    handles, labels = left.get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
    figure.tight_layout(rect=(0, 0.09, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _targets(checks):
    rows = [("met" if c.met else "**missed**", c.name, c.detail) for c in checks]
    return _table(["result", "target", "measured"], rows)


def _latency_section(results):
    found = durations(results)
    samples = results["latency"]
    rows = [["{0:g} s".format(d)] + [_cell(_values(_select(samples, c, d), "latency")) for c in ORDER] for d in found]
    table = _table(["run duration"] + [NAMES[c] for c in ORDER], rows)
    ratio_rows = []
    for d in found:
        values = {c: _values(_select(samples, c, d), "latency") for c in ORDER}
        ratio_rows.append(["{0:g} s".format(d)] + [_ratio(values[client], values[reference])
                                                   for client, dummy in RATIO_CLIENTS for reference in ("sdk", "uri")])
    ratios = _table(["run duration"] + ["{0} ÷ {1}".format(label, reference) for dummy, label in RATIO_CLIENTS
                                        for reference in ("SDK", "uri")], ratio_rows)
    return table, ratios


def _requests_section(results):
    found = durations(results)
    samples = results["latency"]
    clients = [c for c in ORDER if c not in NO_REQUESTS]
    rows = []
    for d in found:
        cells = []
        for client in clients:
            chosen = _select(samples, client, d)
            cells.append("{0} ({1} polls)".format(_counts(_values(chosen, "requests")), _counts(_values(chosen, "polls"))))
        rows.append(["{0:g} s".format(d)] + cells)
    return _table(["run duration"] + [NAMES[c] for c in clients], rows)


def _breakdown_section(results):
    rows = []
    for d in durations(results):
        module = _select(results["latency"], "module", d)
        rows.append(["{0:g} s".format(d), _cell(_values(module, "latency")), _cell(_values(module, "exit_latency"))]
                    + [_cell(_values(_select(results["latency"], client, d), "latency")) for client in ("run", "floor", "run_pipelined")])
    table = _table(["run duration", "module wrote its result", "module process exited",
                    "playbook moved on (run task result)", "same, yardstick module", "same, run with pipelining"], rows)
    profile_rows = [[row["label"], "{0:.0f}".format(row["import"] * 1000), "{0:.1f}".format(row["teardown"] * 1000)]
                    for row in results["teardown"]]
    profile = _table(["fresh process importing", "import (ms, median)", "exit teardown after the last atexit hook (ms, median)"],
                     profile_rows)
    return table, profile


def _cadence_section(results):
    """The pollers at every poll hint they were measured with, at the durations the other hints were."""
    chosen_durations = sorted({s["duration"] for s in results["cadence"]})
    pollers = sorted({s["client"] for s in results["cadence"]}, key=ORDER.index)
    samples = results["cadence"] + [s for s in results["latency"] if s["client"] in pollers and s["duration"] in chosen_durations]
    rows = []
    for client in pollers:
        settings = sorted({s["poll_after_ms"] for s in samples if s["client"] == client}, key=lambda v: -(v or 0))
        for setting in settings:
            for d in chosen_durations:
                chosen = _select(samples, client, d, setting)
                if not chosen:
                    continue
                rows.append([NAMES[client], "{0} ms".format(setting) if setting else "none", "{0:g} s".format(d),
                             _counts(_values(chosen, "polls")), polls_allowed(d, setting) if setting else "–",
                             _counts(_values(chosen, "requests")), _cell(_values(chosen, "latency"))])
    return _table(["client", "openai-poll-after-ms", "run duration", "polls (GET run)", "allowed: 1 + ⌈duration / interval⌉",
                   "requests", "latency ms: median / p95 (n)"], rows)


def _overhead_section(results):
    data = results["overhead"]
    rows = []
    walls = {}
    for kind, label in (("run", "aiops.openai.run on a run of ~0 s (stream, completion_window set)"),
                        ("uri", "ansible.builtin.uri doing one GET")):
        walls[kind] = [s["wall"] for s in data["samples"] if s["client"] == kind and s["ok"]]
        found = summary(walls[kind])
        rows.append([label, _ms(found and found["median"]), _ms(found and found["p95"]), found and found["n"],
                     "{0:g}".format(data["requests"][kind])])
    table = _table(["task", "wall ms, median", "p95", "n", "requests per task"], rows)
    ratio = median(walls["run"]) / median(walls["uri"]) if walls["run"] and walls["uri"] else None
    return table, ratio


def _scaling_section(results):
    rows = []
    for row in results["scaling"]:
        rows.append([NAMES[row["client"]], row["hosts"], "{0:.1f}".format(row["wall"]), "{0:.1f}".format(row["span"]),
                     row["requests"], "{0:.1f}".format(row["requests_per_run"]),
                     _ms(median(row["latencies"])) if row["latencies"] else "–", len(row["errors"])])
    return _table(["client", "hosts = forks = runs", "ansible-playbook wall (s)", "first task start → last result (s)",
                   "requests", "per run", "median detection latency (ms)", "failed"], rows)


def _responses_section(results):
    """Latency, ratios and requests of the Responses API's clients, per run duration."""
    samples = results["latency"]
    found = [d for d in durations(results) if any(_select(samples, c, d) for c in RESPONSES_ORDER)]
    latency = _table(["response duration"] + [RESPONSES_NAMES[c] for c in RESPONSES_ORDER],
                     [["{0:g} s".format(d)] + [_cell(_values(_select(samples, c, d), "latency")) for c in RESPONSES_ORDER] for d in found])
    ratios = _table(["response duration", "module ÷ SDK polling loop", "module ÷ SDK stream"],
                    [["{0:g} s".format(d)] + [_ratio(_values(_select(samples, "module_responses", d), "latency"),
                                                     _values(_select(samples, reference, d), "latency"))
                                              for reference in ("sdk_responses_poll", "sdk_responses_stream")] for d in found])
    rows = []
    for d in found:
        cells = []
        for client in RESPONSES_ORDER:
            chosen = _select(samples, client, d)
            cells.append("{0} ({1} POST, {2} polls)".format(_counts(_values(chosen, "requests")), _counts(_values(chosen, "posts")),
                                                            _counts(_values(chosen, "polls"))))
        rows.append(["{0:g} s".format(d)] + cells)
    requests = _table(["response duration"] + [RESPONSES_NAMES[c] for c in RESPONSES_ORDER], rows)
    return latency, ratios, requests


def _rerun_section(results, key="rerun", tasks=scenarios.RERUN_TASKS):
    runs = results[key]
    run_task = tasks[-1]
    rows = []
    for label, chosen in (("first run (creates everything)", [r for r in runs if r["first"]]),
                          ("unchanged rerun", [r for r in runs if not r["first"]])):
        if not chosen:
            continue
        walls = summary([r["wall"] for r in chosen])
        task_walls = summary([r["task_wall"][run_task] for r in chosen])
        changed = sorted({task for r in chosen for task, value in r["changed"].items() if value})
        rows.append([label, len(chosen), _counts([r["requests"] for r in chosen]),
                     _counts([r["task_requests"].get(run_task, 0) for r in chosen]),
                     ", ".join(changed) if changed else "none (changed: false)",
                     "{0:.2f} / {1:.2f}".format(walls["median"], walls["p95"]),
                     "{0} / {1}".format(_ms(task_walls["median"]), _ms(task_walls["p95"]))])
    per_task = []
    reruns = [r for r in runs if not r["first"]]
    if reruns:
        for task in tasks:
            per_task.append([task, _counts([r["task_requests"].get(task, 0) for r in reruns]),
                             _ms(median([r["task_wall"][task] for r in reruns]))])
    return (_table(["playbook run", "n", "requests (all tasks)", "requests of the run task", "changed tasks",
                    "playbook wall s: median / p95", "run task ms: median / p95"], rows),
            _table(["task (unchanged rerun)", "requests", "wall ms, median"], per_task))


def markdown(results, checks, command):
    """The text of docs/performance.md."""
    info = results["machine"]
    latency, ratios = _latency_section(results)
    breakdown, profile = _breakdown_section(results)
    overhead, overhead_ratio = _overhead_section(results)
    rerun, rerun_tasks = _rerun_section(results)
    responses = _responses_lines(results)
    long_reps = {c: len(_select(results["latency"], c, max(durations(results)))) for c in ORDER}
    poll_ms = results["poll_after_ms"]
    floor_gap, pipelining_gain = _floor_gap(results), _pipelining_gain(results)
    lines = [
        "# Performance",
        "",
        "How long a playbook waits for an Assistants run, and how many requests it costs, with",
        "`aiops.openai.run` and with what a user would otherwise pick; the same for a response on the",
        "Responses API in [its own section](#the-responses-api). Generated by `make bench`",
        "(`tests/bench/`) against the local emulator (`tests/emulator/`); do not edit by hand.",
        "",
        "- Command: `{0}` from the repository root; it took {1:.0f} s on this machine.".format(
            command, results["seconds"]),
        "- Commit: `{0}`; {1}.".format(results.get("commit") or "unknown", info["date"]),
        "- Machine: {0} CPUs, {1}; {2}; Python {3}; ansible-core {4}; openai SDK {5}.".format(
            info["nproc"], info["cpu"], info["system"], info["python"], info["ansible_core"], info["openai"]),
        "- Load average (1, 5, 15 min) at the start: {0}; at the end: {1}.".format(_load(info.get("loadavg")), _load(info.get("loadavg_end"))),
        "  1-minute load average when each measurement began (the benchmark waits up to {0} s for it to drop".format(QUIET_WAIT),
        "  below the CPU count): {0}. Other work on the machine shows up in the p95 columns.".format(
            ", ".join("{0} {1:.2f}".format(name, value) for name, value in (results.get("loads") or {}).items() if value is not None)),
        "",
        "## Targets",
        "",
        _targets(checks),
        "",
        "Request counts are exact, and `make bench-smoke` (part of `make test`) fails when the module sends more",
        "requests than these targets allow. Times are reported here, never asserted.",
        "",
        "A playbook hears of a run's end after the module's few milliseconds plus Ansible's own work for",
        "every task, which this benchmark measures in the same run with a yardstick module that does",
        "nothing but wait (\"Where the streaming latency goes\" below). {0} With Ansible's pipelining on".format(floor_gap),
        "(recommended in the runs guide), {0}.".format(pipelining_gain),
        "",
        "## Detection latency",
        "",
        "Time from the moment the run reached its final state on the server (the emulator's",
        "`completed_exact`, `GET /_emulator/runs`) to the moment the client knew it. Milliseconds,",
        "`median / p95 (repetitions)`. The emulator sends `openai-poll-after-ms: {0}` on every GET run for".format(poll_ms),
        "every client, so the SDK polls every second as it does without the header, the `uri` loop",
        "uses `delay: 1`, and the module's poll mode follows the same 1 s hint.",
        "",
        latency,
        "",
        "Repetitions are in parentheses. {0}".format(
            "At {0:g} s the uri loop has fewer: it starts a module process for every poll, so only a few of its".format(
                max(durations(results))) if long_reps["uri"] < long_reps["run"] else ""),
        "repetitions can run at once, and more would not fit in the time `make bench` is allowed."
        if long_reps["uri"] < long_reps["run"] else "",
        "",
        "Ratios of the medians (below 1 = faster than the reference):",
        "",
        ratios,
        "",
        "![Detection latency and requests against run duration](performance.png)",
        "",
        "## Requests per created-and-waited run",
        "",
        "From the emulator's request log (`GET /_emulator/requests`): every request on the run's thread,",
        "median (min–max) over the repetitions above. The module's stream mode sends GET messages and",
        "GET runs (to find a run it made earlier: idempotence) and one streamed POST; its answer (run, steps,",
        "messages, `output_text`) comes from the stream. Poll mode adds the polls and one GET steps and one",
        "GET messages after the run. The SDK and the uri loop return only the run object: reading the",
        "answer would cost them one more request.",
        "",
        _requests_section(results),
        "",
        "## Where the streaming latency goes",
        "",
        "The same stream wait seen at three points (ms, median / p95 (n)): the module's Python entry run as",
        "a process of its own (`plugins/modules/run.py ARGS`, the code AnsiballZ runs) writes its result,",
        "that process exits, and, in a playbook, the run task's result reaches the controller.",
        "",
        breakdown,
        "",
        "The module knows the run has ended a couple of milliseconds after the server: the stream",
        "delivers `thread.run.completed` at once and nothing is requested afterwards. The rest comes",
        "after the result is written: the module process ends as any Python process does, tearing down",
        "every module it imported (requests, urllib3, `ansible.module_utils`; the last table of this section",
        "measures that teardown), after AnsiballZ has removed its payload. The collection leaves that to",
        "Python and Ansible: it plays no tricks on their internals to save a few milliseconds of a task that",
        "waits seconds. These figures are a report, not a target.",
        "",
        "What remains is Ansible's own per-task work, which every module pays. The yardstick column",
        "measures it: `tests/bench/playbooks/library/bench_floor.py` sends one streamed POST with the",
        "standard library, writes its result the moment the run ends and ends its process at once, with",
        "nothing of AnsiballZ's clean-up or the interpreter's teardown. {0}".format(floor_gap),
        "That work is the `/bin/sh -c '... && sleep 0'` that wraps the module, carrying the result from the",
        "worker process to the strategy and, in Ansible's default configuration, one more `/bin/sh` that runs",
        "`rm -f -r` on the task's temporary directory after the module has answered (`strace -f` of one",
        "task: the module exits, `sleep 0` runs, then the removal's shell, `rm` and another `sleep 0`).",
        "With pipelining on, Ansible hands the module to the interpreter on stdin and there is no",
        "temporary directory to make or remove. In the last column {0}.".format(pipelining_gain),
        "Pipelining is an Ansible connection setting the user owns (`pipelining = True` in the",
        "`[connection]` section of `ansible.cfg`, `ANSIBLE_PIPELINING=True`, or the host variable",
        "`ansible_pipelining`; with `become` through sudo, sudo must not require a tty); the collection",
        "cannot turn it on for its own tasks, and its documentation recommends it",
        "(`docs/docsite/rst/guide_runs.rst`, \"Waiting faster\").",
        "",
        "A fresh process importing just these modules (`tests/bench/profile.py`):",
        "",
        profile,
        "",
        "## Polling and `openai-poll-after-ms`",
        "",
        "The module's poll mode (also its fallback when a stream breaks) and the SDK with other hints,",
        "runs of the durations below. Without a hint the module backs off from 0.1 s to 2 s.",
        "",
        _cadence_section(results),
        "",
        "## Task overhead",
        "",
        "Wall time of one task from its start to its result reaching the controller (`bench_timing`",
        "callback), on a run that ends at once (emulator `run_duration: 0`), alternating with a uri task",
        "doing one request, one host, {0} repetitions each. Ratio of the medians: **{1}**.".format(
            len(results["overhead"]["samples"]) // 2,
            "{0:.2f} ×".format(overhead_ratio) if overhead_ratio else "–"),
        "",
        overhead,
        "",
        "## Scaling",
        "",
        "N inventory hosts (`ansible_connection: local`, forks = N), each creating and waiting on its own",
        "run of 1 s on its own thread, all started together. Every host starts a module process at the",
        "same moment ({0} CPUs here), so with many hosts the runs end while other hosts' modules are still".format(
            results["machine"]["nproc"]),
        "starting, and the latency column shows time spent waiting for a CPU. The uri loop starts a",
        "process for every poll, and so falls further behind as N grows.",
        "",
        _scaling_section(results),
        "",
        "## Rerun cost",
        "",
        "`tests/bench/playbooks/rerun.yml`: assistant, thread (its ID kept in a file), message, run, as",
        "in the demo. Run once, then again unchanged; requests per task by the time window between",
        "the task's start and its result.",
        "",
        rerun,
        "",
        rerun_tasks,
        "",
    ] + responses + [
        "## How each number is measured",
        "",
        "- **Server side.** Each emulator records `completed_exact` (`time.time()` of the run's final",
        "  transition) and every request. Runs last exactly the run duration; one emulator per duration",
        "  (and per poll hint), all on loopback.",
        "- **Ansible clients** (`run`, `run` with pipelining, the yardstick, `run` with `wait_strategy: poll`, uri):",
        "  `ansible-playbook` with one inventory host per repetition (`ansible_connection: local`,",
        "  forks = hosts, strategy `free`; pipelining only where named, as the host variable",
        "  `ansible_pipelining`),",
        "  each on a thread of its own. \"Client knew\" is `time.time()` in the controller when the",
        "  result of the waiting task arrives (`tests/bench/callback_plugins/bench_timing.py`,",
        "  `v2_runner_on_ok`): the moment the playbook moves on. Same callback, same moment for the",
        "  module and for the uri loop's GET task.",
        "- **SDK**: `client.beta.threads.runs.create_and_poll(...)` in a thread of the benchmark process;",
        "  \"client knew\" is `time.time()` right after it returns.",
        "- **Module result**: the run module's own entry point as a process, started like AnsiballZ",
        "  starts it; \"client knew\" is when its result arrived on the pipe.",
        "- **Fair phases.** Pollers see a run's end at their next poll, so with whole-second runs and",
        "  a 1 s interval they would always poll just after the end. Each run's first GET is held back",
        "  by a different phase, spread evenly over one second (a `delay` fault rule on that thread's",
        "  run, identical for every client; the stream client sends no GET, so it never applies there).",
        "- **Scheduling.** Repetitions of one client run side by side, longest first. For the stream",
        "  clients no run ends while another repetition starts up or ends (first-fit schedule in",
        "  `tests/bench/scenarios.py`), so what is measured is the client, not a neighbour; at most",
        "  {0} uri loops run at once. The run task, the run task with pipelining and the yardstick take".format(scenarios.URI_PARALLEL),
        "  turns in one playbook (one host each per repetition), so that they are compared under the same",
        "  conditions, one playbook per run duration (at most 60 hosts): the free",
        "  strategy's loop over every host of a playbook costs the controller CPU time that grows with the hosts",
        "  (with all 160 in one playbook it kept one of two CPUs busy). The other clients are measured one after",
        "  the other.",
        "- **Requests** are counted per run from the request log, by the run's thread; on the Responses API by the",
        "  conversation's and its responses' paths, plus one `POST /responses` per response the emulator holds for the",
        "  conversation (`GET /_emulator/responses`; the log keeps no bodies, and no faults are injected here).",
        "- **Responses API latency**: from the response's `completed_exact` (`GET /_emulator/responses`). The SDK's",
        "  polling loop holds its first retrieve back by a phase spread evenly over its 2 s interval, as the Assistants",
        "  pollers' first GET is held back over 1 s.",
        "- Raw results: `.tmp/bench/results.json`; playbook logs and inventories next to it.",
        "",
    ]
    return "\n".join(lines)


def _responses_lines(results):
    """The section on the Responses API (empty when it was not measured)."""
    if not any(s["client"] in RESPONSES_ORDER for s in results["latency"]):
        return []
    latency, ratios, requests = _responses_section(results)
    lines = [
        "## The Responses API",
        "",
        "The run module with `api: responses` (a response in a conversation: `thread_id` is a `conv_...` ID,",
        "`model` and `instructions` come from the task) against the two ways the official SDK waits for a",
        "response: its documented background-polling loop (`responses.create(background=True)`, then",
        "`responses.retrieve` every 2 s until the response is no longer `queued` or `in_progress`) and",
        "`responses.create(stream=True)`. The module process takes turns with the Assistants one above,",
        "the SDK's loops with `create_and_poll`, in the same run of the benchmark. Detection latency in",
        "milliseconds, `median / p95 (repetitions)`, from the moment the emulator ended the response",
        "(`completed_exact`) to the moment the client knew:",
        "",
        latency,
        "",
        "Ratios of the medians:",
        "",
        ratios,
        "",
        "Requests per created-and-waited response (median (min–max)):",
        "",
        requests,
        "",
        "The issue's target is at most {0} requests for a created-and-waited response. The module takes {1} by".format(
            RESPONSES_TARGET, RESPONSES_CREATE_REQUESTS),
        "design ({0}),".format(RESPONSES_CREATE_STEPS),
        "and the target is marked missed above. The Responses API cannot list",
        "a conversation's responses, and a response's items join the conversation only when it completes: a",
        "create whose answer is lost would be invisible, so the module writes a pending entry into the",
        "conversation's metadata before it sends, and names the response there as soon as `response.created`",
        "arrives. Without the first write a lost create could be sent twice; without the second a rerun would",
        "know the response only from its items, not by its id. `make bench-smoke` asserts exactly {0}: one more".format(
            RESPONSES_CREATE_REQUESTS),
        "request is a regression. The SDK's two clients send fewer requests because they keep no identity: run",
        "twice, they create twice.",
        "",
    ]
    if results.get("rerun_responses"):
        rerun, rerun_tasks = _rerun_section(results, "rerun_responses", scenarios.RESPONSES_RERUN_TASKS)
        lines += [
            "`tests/bench/playbooks/rerun_responses.yml`: conversation (its ID kept in a file), message item,",
            "response, run once and then again unchanged. The unchanged run task reads the conversation (the",
            "journal), its newest items and the journaled response: three requests, `changed: false`.",
            "",
            rerun,
            "",
            rerun_tasks,
            "",
        ]
    return lines


def _floor_gap(results):
    """The run task against the yardstick, at the durations both were measured."""
    found = [d for d in durations(results) if _select(results["latency"], "floor", d)]
    run = _values([s for d in found for s in _select(results["latency"], "run", d)], "latency")
    floor = _values([s for d in found for s in _select(results["latency"], "floor", d)], "latency")
    if not run or not floor:
        return "It was not measured in this run."
    return ("For runs of {0}, the playbook moved on {1} ms (median) after the server with the yardstick and {2} ms "
            "with the run task: the collection's own share is {3} ms.").format(
                " and ".join("{0:g} s".format(d) for d in found), _ms(median(floor)), _ms(median(run)),
                _ms(median(run) - median(floor)))


def _pipelining_gain(results):
    """The playbook-level streaming median with and without pipelining, over all durations."""
    plain = _values(_select(results["latency"], "run"), "latency")
    piped = _values(_select(results["latency"], "run_pipelined"), "latency")
    if not plain or not piped:
        return "not measured in this run"
    return "the run task's median was {0} ms against {1} ms without it, over all durations ({2} and {3} runs)".format(
        _ms(median(piped)), _ms(median(plain)), len(piped), len(plain))


def _load(values):
    return "–" if not values else ", ".join("{0:.2f}".format(v) for v in values)


def write(results, checks, markdown_path, chart_path, command):
    chart(results, chart_path)
    with open(markdown_path, "w", encoding="utf-8") as handle:
        handle.write(markdown(results, checks, command))
