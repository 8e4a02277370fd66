"""The clients that create a run and wait for it, each driven the way a user would drive it.

Every client works on ``Rep`` objects (one created-and-waited run each) and fills in
``started`` (the client began) and ``saw`` (the client knew the run's final state), both
``time.time()`` taken on the client's side:

- ``run`` / ``run_poll``: ``aiops.openai.run`` in ``ansible-playbook`` (one inventory host per
  repetition); ``saw`` = when the task's result reached the controller (``bench_timing`` callback).
- ``run_pipelined``: ``run`` with Ansible's pipelining on (host variable ``ansible_pipelining``):
  the module goes to the interpreter on stdin, so there is no task temporary directory to create
  and remove.
- ``floor``: ``playbooks/library/bench_floor.py``, the least a module can do (one streamed POST
  with the standard library, result written, process ended at once): Ansible's own per-task cost.
- ``uri``: an ``ansible.builtin.uri`` POST task, then a GET task with ``until``/``retries``/``delay: 1``;
  ``saw`` = when the GET task's result reached the controller.
- ``sdk``: ``client.beta.threads.runs.create_and_poll`` of the official ``openai`` SDK in a thread
  of this process; ``saw`` = when it returned.
- ``module``: the ``run`` module's own Python entry (``plugins/modules/run.py ARGS``, the code
  AnsiballZ runs) as a subprocess; ``saw`` = when its result JSON arrived on the pipe, ``exited``
  = when the process had exited.

The Responses API (``RESPONSES_CLIENTS``; ``Rep.thread_id`` is then a conversation's id):

- ``module_responses``: ``module`` with ``api: responses`` (a response in the conversation).
- ``sdk_responses_poll``: the SDK's documented background-polling loop: ``responses.create(
  background=True)``, then ``responses.retrieve`` every 2 s while the response is ``queued`` or
  ``in_progress``; ``saw`` = when the retrieve that showed the end returned.
- ``sdk_responses_stream``: ``responses.create(stream=True)``; ``saw`` = when the
  ``response.completed`` (or another end) event arrived.
"""

import json
import os
import subprocess
import sys
import threading
import time
import warnings

from bench.ansible_driver import COLLECTIONS, ROOT, run_playbook
from bench.lab import API_KEY, MODEL

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from openai import OpenAI

RUN_MODULE = os.path.join(ROOT, "plugins", "modules", "run.py")
COMPLETION_WINDOW = 300
# The clients that work on the Responses API, and the SDK's documented polling interval there.
RESPONSES_CLIENTS = ("module_responses", "sdk_responses_poll", "sdk_responses_stream")
RESPONSES_POLL_INTERVAL = 2.0
# Phases (``Rep.phase``) are spread over this period, the Assistants pollers' 1 s (scenarios.phases).
PHASE_PERIOD = 1.0
RESPONSE_ACTIVE = ("queued", "in_progress")
RESPONSE_ENDS = ("response.completed", "response.incomplete", "response.failed", "response.cancelled")


class Rep:
    """One created-and-waited run: where it runs, when to start, and what the client saw."""

    def __init__(self, client, station, thread_id, offset=0.0, phase=0.0):
        self.client = client
        self.station = station
        self.duration = station.run_duration
        self.thread_id = thread_id
        self.offset = offset
        self.phase = phase
        self.started = None
        self.saw = None
        self.exited = None
        self.status = None
        self.changed = None
        self.error = None


def _sleep_until(moment):
    remaining = moment - time.time()
    if remaining > 0:
        time.sleep(remaining)


def _host_vars(rep, workdir, label, start_at):
    found = {
        "bench_base_url": rep.station.base_url,
        "bench_thread_id": rep.thread_id,
        "bench_assistant_id": rep.station.assistant_id,
        "bench_start_at": round(start_at + rep.offset, 3) if start_at else 0,
        "bench_wait_strategy": "poll" if rep.client == "run_poll" else "stream",
        "bench_client": rep.client,
        # Ansible creates its task temporary directories here (none with pipelining): see remote_tmp().
        "ansible_remote_tmp": remote_tmp(workdir, label, rep.client),
    }
    if rep.client == "run_pipelined":
        found["ansible_pipelining"] = True
    return found


def remote_tmp(workdir, label, client):
    """Where the hosts of one client in one ansible-playbook run keep their task temporary directories."""
    return os.path.join(workdir, "{0}.{1}.remote-tmp".format(label, client))


# Seconds between starting ansible-playbook and the moment the schedule's offsets count from.
START_LEAD = 3.0
START_LEAD_PER_HOST = 0.05

# The task of latency_run.yml that waits, per client.
WAIT_TASKS = {"floor": "Wait with the yardstick"}
RUN_TASK = "Run the assistant and wait for the answer"


def run_ansible(reps, workdir, label):
    """Drive ``reps`` through one ansible-playbook: all uri, or any mix of run, run_pipelined, floor and run_poll."""
    if reps[0].client == "uri":
        playbook, tasks = "latency_uri.yml", {"uri": ("Create the run", "Wait for the run")}
    else:
        playbook = "latency_run.yml"
        tasks = {rep.client: (WAIT_TASKS.get(rep.client, RUN_TASK),) * 2 for rep in reps}
    # Offsets count from one moment for every host, late enough for ansible-playbook to have started
    # every host's first task (with many hosts that takes seconds), so that the schedule holds.
    start_at = time.time() + START_LEAD + START_LEAD_PER_HOST * len(reps) if any(rep.offset > 0 for rep in reps) else 0
    hosts = {}
    names = {}
    for index, rep in enumerate(reps):
        name = "rep{0:03d}".format(index)
        hosts[name] = _host_vars(rep, workdir, label, start_at)
        names[name] = rep
    result = run_playbook(playbook, hosts, workdir, label, common={"bench_api_key": API_KEY}, check=False)
    # {client: (starts, results)}, each read from the events once.
    seen = {client: (result.starts(first), result.results(wait)) for client, (first, wait) in tasks.items()}
    for name, rep in names.items():
        starts, results = seen[rep.client]
        if name in starts:
            rep.started = starts[name][0]["t"]
        final = results.get(name, [None])[-1]
        if final is None:
            rep.error = "no result (see {0})".format(result.log_path)
        elif final["event"] != "ok":
            rep.error = final.get("msg") or "failed"
        else:
            rep.saw, rep.status, rep.changed = final["t"], final.get("status"), final.get("changed")
    return result


def _sdk_timed(rep, base, wait):
    """Start ``rep`` at its offset and let ``wait(client, rep)`` create and wait with the SDK (it sets ``saw`` and ``status``)."""
    client = OpenAI(base_url=rep.station.base_url, api_key=API_KEY, max_retries=0)
    try:
        _sleep_until(base + rep.offset)
        rep.started = time.time()
        wait(client, rep)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        rep.error = "{0}: {1}".format(type(exc).__name__, exc)
    finally:
        client.close()


def _create_and_poll(client, rep):
    run = client.beta.threads.runs.create_and_poll(thread_id=rep.thread_id, assistant_id=rep.station.assistant_id)
    rep.saw = time.time()
    rep.status = run.status


def _responses_polling_loop(client, rep):
    """The SDK's background-polling loop; the first retrieve is held back by the repetition's phase."""
    response = client.responses.create(model=MODEL, conversation=rep.thread_id, background=True)
    time.sleep(rep.phase / PHASE_PERIOD * RESPONSES_POLL_INTERVAL)
    while response.status in RESPONSE_ACTIVE:
        time.sleep(RESPONSES_POLL_INTERVAL)
        response = client.responses.retrieve(response.id)
    rep.saw = time.time()
    rep.status = response.status


def _responses_stream(client, rep):
    """``responses.create(stream=True)``, read until the response's end event."""
    stream = client.responses.create(model=MODEL, conversation=rep.thread_id, stream=True)
    try:
        for event in stream:
            if event.type in RESPONSE_ENDS:
                rep.saw = time.time()
                rep.status = event.response.status
                break
    finally:
        stream.close()
    if rep.saw is None:
        rep.error = "the stream ended without an end event"


def module_args(rep):
    """The run module's task arguments for one repetition (Assistants API, or a response in a conversation)."""
    found = {"api_key": API_KEY, "base_url": rep.station.base_url, "thread_id": rep.thread_id, "completion_window": COMPLETION_WINDOW}
    if rep.client in RESPONSES_CLIENTS:
        found.update(api="responses", model=MODEL)
    else:
        found["assistant_id"] = rep.station.assistant_id
    return found


def _module_rep(rep, base, workdir):
    args_path = os.path.join(workdir, "module-{0}.json".format(rep.thread_id))
    with open(args_path, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": module_args(rep)}, handle)
    _sleep_until(base + rep.offset)
    rep.started = time.time()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [COLLECTIONS, os.environ.get("PYTHONPATH")])))
    with subprocess.Popen([sys.executable, RUN_MODULE, args_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        first = os.read(proc.stdout.fileno(), 1 << 16)
        rep.saw = time.time()
        rest, errors = proc.communicate(timeout=COMPLETION_WINDOW)
        rep.exited = time.time()
    try:
        result = json.loads((first + rest).decode("utf-8"))
        rep.status, rep.changed = result.get("run", {}).get("status"), result.get("changed")
        if result.get("failed"):
            rep.error = result.get("msg")
    except ValueError:
        rep.error = "module output is not JSON: {0!r} {1!r}".format((first + rest)[:200], errors[-500:])


def _in_threads(target, reps, *args):
    base = time.time() + 0.5
    threads = [threading.Thread(target=target, args=(rep, base) + args, daemon=True) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(COMPLETION_WINDOW + max(rep.offset for rep in reps) + 60)


def run_sdk(reps):
    """Drive ``reps`` with the SDK (``create_and_poll``, or its Responses calls), one thread each, started at their offsets."""
    # Every Assistants call of the SDK warns that the API is deprecated.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    _in_threads(_sdk_any_rep, reps)


SDK_CLIENTS = {"sdk": _create_and_poll, "sdk_responses_poll": _responses_polling_loop, "sdk_responses_stream": _responses_stream}


def _sdk_any_rep(rep, base):
    _sdk_timed(rep, base, SDK_CLIENTS[rep.client])


def run_module(reps, workdir):
    """Drive ``reps`` through the run module's Python entry, one subprocess each."""
    os.makedirs(workdir, exist_ok=True)
    _in_threads(_module_rep, reps, workdir)


def drive(reps, workdir, label):
    """Run ``reps`` with their client (one client, or several that share ansible-playbook: see run_ansible)."""
    client = reps[0].client
    if client in SDK_CLIENTS:
        return run_sdk(reps)
    if client in ("module", "module_responses"):
        return run_module(reps, workdir)
    return run_ansible(reps, workdir, label)
