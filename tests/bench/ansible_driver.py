"""Run a benchmark playbook against an inventory of local hosts and read back its timings.

Every host is ``ansible_connection: local`` and gets its own variables (thread, emulator,
start offset); the ``bench_timing`` callback (``callback_plugins/``) writes one JSON line per
task start and result with the controller's ``time.time()``.
"""

import json
import os
import sys
import time

from tools.ansible_cli import environment, run, tool

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
PLAYBOOKS = os.path.join(BENCH_DIR, "playbooks")
# `make collection` links the working tree here as ansible_collections/aiops/openai.
COLLECTIONS = os.path.join(ROOT, ".tmp", "collections")
CALLBACKS = os.path.join(BENCH_DIR, "callback_plugins")
# The venv's interpreter, as invoked (not resolved: a venv's python is a symlink out of the venv).
PYTHON = os.path.abspath(sys.executable)


class PlaybookFailed(RuntimeError):
    """ansible-playbook ended with an error (its output is in the log file named in the message)."""


class PlaybookResult:
    """What one ``ansible-playbook`` run left behind: callback events, exit status, wall time."""

    def __init__(self, events, returncode, started, ended, log_path):
        self.events = events
        self.returncode = returncode
        self.started = started
        self.ended = ended
        self.log_path = log_path

    @property
    def wall(self):
        """Seconds from starting ansible-playbook to its exit."""
        return self.ended - self.started

    def _by_host(self, kind, task):
        found = {}
        for event in self.events:
            if event["event"] == kind and event["task"] == task:
                found.setdefault(event["host"], []).append(event)
        return found

    def results(self, task):
        """``{host: [ok or failed event, ...]}`` for a task name, in order."""
        found = self._by_host("ok", task)
        for host, events in self._by_host("failed", task).items():
            found.setdefault(host, []).extend(events)
        return found

    def starts(self, task):
        """``{host: [start event, ...]}`` for a task name, in order."""
        return self._by_host("start", task)

    def failures(self):
        return [event for event in self.events if event["event"] == "failed"]

    def span(self):
        """Seconds from the first task start to the last task result."""
        times = [event["t"] for event in self.events if event["event"] in ("start", "ok", "failed")]
        return max(times) - min(times) if times else 0.0


def write_inventory(path, hosts, common):
    """An inventory (YAML plugin, JSON syntax) of local hosts with per-host variables."""
    group_vars = {"ansible_connection": "local", "ansible_python_interpreter": PYTHON}
    group_vars.update(common or {})
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"all": {"vars": group_vars, "hosts": hosts}}, handle, indent=1, sort_keys=True)


def run_playbook(name, hosts, workdir, label, common=None, forks=None, timeout=900, check=True):
    """Run ``playbooks/<name>`` with one inventory host per entry of ``hosts`` (name -> vars).

    ``label`` names the inventory, event and log files in ``workdir``. ``forks`` defaults to
    one per host, so every host runs on its own worker at the same time.
    """
    os.makedirs(workdir, exist_ok=True)
    inventory = os.path.join(workdir, label + ".inventory.json")
    events_path = os.path.join(workdir, label + ".events.jsonl")
    log_path = os.path.join(workdir, label + ".log")
    write_inventory(inventory, hosts, common)
    open(events_path, "w", encoding="utf-8").close()
    # The caller's environment is kept (a bench runs with the developer's settings), plus the timing callback.
    env = environment(inherit=True, collections_path=COLLECTIONS, extra={
        "AIOPS_BENCH_EVENTS": events_path,
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timing",
        "ANSIBLE_FORKS": str(forks or max(len(hosts), 1)),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
    })
    command = [tool("ansible-playbook"), "-i", inventory, os.path.join(PLAYBOOKS, name)]
    started = time.time()
    completed = run(command, env=env, timeout=timeout, merge_output=True)
    ended = time.time()
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(completed.stdout or "")
    with open(events_path, encoding="utf-8") as handle:
        events = [json.loads(line) for line in handle if line.strip()]
    result = PlaybookResult(events, completed.returncode, started, ended, log_path)
    if check and completed.returncode != 0:
        raise PlaybookFailed("{0} failed (exit {1}); see {2}".format(name, completed.returncode, log_path))
    return result
