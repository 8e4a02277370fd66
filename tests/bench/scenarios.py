"""The measurements: detection latency and requests, task overhead, scaling, rerun cost.

Each function sets up its runs on the emulators, drives a client, and turns what the client
saw plus the emulator's record (``GET /_emulator/runs`` → ``completed_exact``,
``GET /_emulator/requests``) into plain dict samples.
"""

import os
import random
from itertools import zip_longest

from bench import clients
from bench.ansible_driver import run_playbook
from bench.lab import API_KEY, conversation_requests, is_response_poll, is_run_poll, thread_requests

# Poll period a poller's phase is spread over (the SDK's and the uri loop's 1 s).
PHASE_PERIOD = clients.PHASE_PERIOD
SLOT = 0.05


class Profile:
    """When a repetition of a client keeps the CPU busy, and when its run ends, relative to its start.

    ``busy``: seconds of start-up work (a module process starting, or a playbook task);
    ``create``: seconds from the start to the create request; the run then ends ``duration`` later,
    and the client reacts within ``[end - before, end + after]``. At most ``starting`` start-ups overlap.
    """

    def __init__(self, busy, create, before, after, starting=2):
        self.busy, self.create, self.before, self.after = busy, create, before, after
        self.starting = starting

    def intervals(self, offset, duration):
        end = offset + self.create + duration
        return (offset, offset + self.busy), (end - self.before, end + self.after)


# The clients that wait inside one process are scheduled so that no run ends while another
# repetition starts or ends: what is measured there is milliseconds. A poller's delay is set by
# its poll interval, so its windows are narrow. Each uri poll is a module process of its own, so at
# most URI_PARALLEL uri loops run at once.
# A streaming task in ansible-playbook: the run task (with or without pipelining) and the yardstick.
ANSIBLE_STREAM = Profile(busy=0.4, create=0.35, before=0.08, after=0.15)
MODULE = Profile(busy=0.3, create=0.25, before=0.08, after=0.12)
SDK = Profile(busy=0.02, create=0.01, before=0.05, after=0.05)
PROFILES = {
    "run": ANSIBLE_STREAM,
    "run_pipelined": ANSIBLE_STREAM,
    "floor": ANSIBLE_STREAM,
    "module": MODULE,
    "run_poll": Profile(busy=0.4, create=0.35, before=0.05, after=0.05, starting=3),
    "sdk": SDK,
    # The Responses API: the run module (api: responses) takes turns with the Assistants one; the
    # SDK's polling loop and stream take turns with create_and_poll.
    "module_responses": MODULE,
    "sdk_responses_poll": SDK,
    "sdk_responses_stream": SDK,
}
URI_PARALLEL = 4
# Seconds a uri repetition takes beyond its run's duration (two tasks, and a last poll up to ~1.4 s later).
URI_EXTRA = 1.6


def phases(count, seed):
    """``count`` phase delays spread evenly over ``[0, PHASE_PERIOD)``, in a seeded random order."""
    values = [(index + 0.5) / count * PHASE_PERIOD for index in range(count)]
    random.Random(seed).shuffle(values)
    return values


def _first_clash(window, others):
    return next((other for other in others if window[0] < other[1] and other[0] < window[1]), None)


def _fit(profile, duration, busy, ends):
    """The earliest offset where this repetition's start-up and end clash with no one (see ``schedule``)."""
    offset = 0.0
    while True:
        start, end = profile.intervals(offset, duration)
        clash = _first_clash(start, ends)
        if clash is not None:
            offset += clash[1] - start[0]
            continue
        clash = _first_clash(end, ends + busy)
        if clash is not None:
            offset += clash[1] - end[0]
            continue
        starting = [other for other in busy if start[0] < other[1] and other[0] < start[1]]
        if len(starting) >= profile.starting:
            offset += min(other[1] for other in starting) - start[0]
            continue
        return offset, start, end


def schedule(reps, client):
    """Give each repetition a start offset (``rep.offset``), longest runs first.

    For the clients in ``PROFILES``, first fit: a repetition starts at the earliest moment when
    its start-up falls into no other run's end, its own run's end falls into no other start-up or
    end, and fewer than ``profile.starting`` other start-ups are under way. uri repetitions run at
    most ``URI_PARALLEL`` at a time.
    """
    ordered = sorted(reps, key=lambda rep: -rep.duration)
    profile = PROFILES.get(client)
    if profile is None:
        lanes = [0.0] * URI_PARALLEL
        for rep in ordered:
            lane = lanes.index(min(lanes))
            rep.offset = round(lanes[lane], 3)
            lanes[lane] += rep.duration + URI_EXTRA
        return
    busy, ends = [], []
    for rep in ordered:
        offset, start, end = _fit(profile, rep.duration, busy, ends)
        rep.offset = round(offset + 1e-6, 3)
        busy.append(start)
        ends.append(end)


def _record(rep, run, log, responses=None):
    """One latency sample from a repetition, its run on the emulator, and that emulator's request log.

    On the Responses API ``run`` is the conversation's (last) response and ``responses`` all of its
    responses: each one was a ``POST /responses``, which the log cannot tie to the conversation.
    """
    if responses is None:
        own, creates = thread_requests(log, rep.thread_id), 0
        polls = sum(1 for entry in own if is_run_poll(entry))
    else:
        own, creates = conversation_requests(log, rep.thread_id, [response["id"] for response in responses]), len(responses)
        polls = sum(1 for entry in own if is_response_poll(entry))
    sample = {
        "client": rep.client, "duration": rep.duration, "poll_after_ms": rep.station.poll_after_ms,
        "phase": round(rep.phase, 4), "thread_id": rep.thread_id, "run_id": run and run["id"],
        "requests": len(own) + creates, "polls": polls,
        "posts": sum(1 for entry in own if entry["method"] == "POST") + creates,
        "status": rep.status, "error": rep.error, "latency": None, "exit_latency": None, "wall": None,
    }
    if run is None:
        sample["error"] = sample["error"] or "no run was created"
    elif run.get("completed_exact") is None:
        sample["error"] = sample["error"] or "the run did not finish ({0})".format(run.get("status"))
    elif rep.saw is not None:
        sample["latency"] = rep.saw - run["completed_exact"]
        sample["wall"] = rep.saw - rep.started if rep.started else None
        if rep.exited is not None:
            sample["exit_latency"] = rep.exited - run["completed_exact"]
    if rep.status not in (None, "completed") and not sample["error"]:
        sample["error"] = "run ended {0}".format(rep.status)
    return sample


def collect(reps):
    """Match each repetition with its run and requests on its emulator; one sample each."""
    records = {}
    for station in {id(rep.station): rep.station for rep in reps}.values():
        runs = {}
        for run in station.emulator.runs():
            runs.setdefault(run["thread_id"], []).append(run)
        for response in station.emulator.responses():
            runs.setdefault(response["conversation_id"], []).append(response)
        records[id(station)] = (runs, station.emulator.requests())
    samples = []
    for rep in reps:
        runs, log = records[id(rep.station)]
        own_runs = runs.get(rep.thread_id, [])
        responses = own_runs if rep.client in clients.RESPONSES_CLIENTS else None
        sample = _record(rep, own_runs[-1] if own_runs else None, log, responses)
        if len(own_runs) > 1:
            sample["error"] = "{0} runs on one thread".format(len(own_runs))
        samples.append(sample)
    return samples


def latency(lab, entries, workdir, seed=0):
    """Detection latency and requests for every ``(client, plan)`` in ``entries``, measured together.

    A plan is a list of ``(duration, repetitions, poll_after_ms)``. All repetitions run in one
    batch, side by side on their own threads and emulators (one per duration and poll hint),
    started as ``schedule`` says. Clients measured together share one ``ansible-playbook`` and
    take turns, so that they are compared under the same conditions. The first poll of each run
    is held back by a phase spread over one poll period, so that a poller's detection delay is not
    an artefact of run durations that are whole multiples of its interval.
    """
    lab.forget()
    per_client = []
    for client, plan in entries:
        reps = []
        for duration, count, poll_after_ms in plan:
            station = lab.station(duration, poll_after_ms)
            for phase in phases(count, seed + int(duration * 1000)):
                if client in clients.RESPONSES_CLIENTS:
                    # The SDK's polling loop holds its first retrieve back itself (clients.py).
                    thread_id = station.new_conversation()
                else:
                    thread_id = station.new_thread()
                    station.delay_first_poll(thread_id, phase)
                reps.append(clients.Rep(client, station, thread_id, phase=phase))
        per_client.append(reps)
    # Take turns: the first repetition of each client, then the second, and so on.
    reps = [rep for turn in zip_longest(*per_client) for rep in turn if rep is not None]
    names = [client for client, dummy in entries]
    if len({PROFILES.get(name) for name in names}) != 1:
        raise ValueError("clients measured together must share a schedule profile: {0}".format(names))
    schedule(reps, names[0])
    clients.drive(reps, workdir, "latency-" + "+".join(names))
    return collect(reps)


def overhead(lab, count, workdir):
    """Wall time of a run task on a run of ~0 s, and of a uri task doing one request, ``count`` times each."""
    lab.forget()
    station = lab.station(0.0, 1000)
    threads = [station.new_thread() for dummy in range(count)]
    result = run_playbook("overhead.yml", {"bench": {
        "bench_base_url": station.base_url, "bench_assistant_id": station.assistant_id, "bench_threads": threads}},
        workdir, "overhead", common={"bench_api_key": API_KEY})
    samples = []
    for task, kind in (("Run the assistant on a run of about 0 s", "run"), ("Read the run with one uri request", "uri")):
        starts, results = result.starts(task)["bench"], result.results(task)["bench"]
        for start, end in zip(starts, results):
            samples.append({"client": kind, "wall": end["t"] - start["t"], "ok": end["event"] == "ok", "changed": end.get("changed")})
    log = station.emulator.requests()
    return {"samples": samples, "requests": {
        "run": sum(len(thread_requests(log, thread_id)) - 1 for thread_id in threads) / float(count),
        "uri": 1}}


def scaling(lab, client, sizes, duration, workdir):
    """Total wall time and requests of N hosts (forks = N) each creating and waiting on its own run."""
    results = []
    for size in sizes:
        lab.forget()
        station = lab.station(duration, 1000)
        reps = [clients.Rep(client, station, station.new_thread()) for dummy in range(size)]
        station.emulator.clear_requests()
        outcome = clients.run_ansible(reps, workdir, "scaling-{0}-{1}".format(client, size))
        samples = collect(reps)
        log = station.emulator.requests()
        results.append({
            "client": client, "hosts": size, "duration": duration, "wall": outcome.wall, "span": outcome.span(),
            "requests": len(log), "requests_per_run": len(log) / float(size),
            "errors": [sample["error"] for sample in samples if sample["error"]],
            "latencies": [sample["latency"] for sample in samples if sample["latency"] is not None],
        })
    return results


RERUN_TASKS = ("Ensure the assistant", "Create the thread the first time, reuse it afterwards", "Ask the question",
               "Answer it")
# rerun_responses.yml: the same play on the Responses API (no assistant there).
RESPONSES_RERUN_TASKS = ("Create the conversation the first time, reuse it afterwards", "Ask the question", "Answer it")
RERUN_PLAYS = {"assistants": ("rerun.yml", RERUN_TASKS), "responses": ("rerun_responses.yml", RESPONSES_RERUN_TASKS)}


def _task_requests(result, log):
    """Requests per task name, by the time window between the task's start and its result (one host, in order)."""
    counts = {}
    windows = []
    for event in result.events:
        if event["event"] == "start":
            windows.append([event["task"], event["t"], None])
        elif event["event"] in ("ok", "failed") and windows and windows[-1][0] == event["task"]:
            windows[-1][2] = event["t"]
    for task, start, end in windows:
        counts[task] = counts.get(task, 0) + sum(1 for entry in log if start <= entry["started"] <= (end or start))
    return counts


def rerun(lab, count, workdir, api="assistants"):
    """A demo-like playbook (assistant, thread, message, run) run once, then ``count`` more times unchanged.

    ``api="responses"``: the same on the Responses API (conversation, message item, response).
    """
    playbook, tasks = RERUN_PLAYS[api]
    suffix = "" if api == "assistants" else "-" + api
    lab.forget()
    station = lab.station(1.0, 1000)
    state = os.path.join(workdir, "rerun{0}-thread-id".format(suffix))
    if os.path.exists(state):
        os.unlink(state)
    host = {"bench": {"bench_base_url": station.base_url, "bench_state": state}}
    runs = []
    for index in range(count + 1):
        station.emulator.clear_requests()
        result = run_playbook(playbook, host, workdir, "rerun{0}-{1}".format(suffix, index), common={"bench_api_key": API_KEY})
        log = station.emulator.requests()
        per_task = _task_requests(result, log)
        changed = {}
        walls = {}
        for task in tasks:
            final = result.results(task)["bench"][-1]
            changed[task] = final.get("changed")
            walls[task] = final["t"] - result.starts(task)["bench"][0]["t"]
        runs.append({"first": index == 0, "wall": result.wall, "requests": len(log), "task_requests": per_task,
                     "changed": changed, "task_wall": walls})
    return runs
