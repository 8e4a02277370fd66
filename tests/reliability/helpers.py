"""Helpers of the reliability suite: set up objects on the emulator, run modules, count what happened.

- ``Api``: a small ``requests`` client for arranging objects on the emulator (never faulted:
  tests add fault rules only after the arrangement is done); ``ResponsesApi`` the same for
  conversations, message items and responses.
- ``call_module``: run a module's real code in this process (``run_module`` of the unit helpers),
  talking real HTTP to the emulator; returns ``(failed, result)``.
- ``play`` and ``control_task``: plays for ``tools.ansible_cli.Ansible`` (tests/tools/ansible_cli.py), which
  runs ``ansible-playbook`` / ``ansible`` as a user would and captures output, log and registered results.
- ``sockets_to``: the TCP sockets a process holds towards a port (``/proc``), for leak checks.
"""

import json
import os
import time
from urllib.parse import urlsplit

import requests

from ansible_collections.aiops.openai.tests.unit.utils import AnsibleExitJson, AnsibleFailJson, run_module

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIGURES_DIR = os.path.join(ROOT, ".tmp", "reliability")
OPENAI_ENVIRONMENT = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_VERSION")
ARRANGE_KEY = "sk-arrange-not-the-secret-000"
FINAL_STATUSES = ("completed", "failed", "cancelled", "expired", "incomplete", "requires_action")


# -- arranging objects on the emulator --------------------------------------------------


class Api:
    """Arrange assistants, threads, messages and runs directly on the emulator's API."""

    def __init__(self, base_url, key=ARRANGE_KEY):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update({"Authorization": "Bearer " + key, "OpenAI-Beta": "assistants=v2"})

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def call(self, method, path, body=None, **params):
        response = self.session.request(method, self.base_url + path, json=body, params=params or None, timeout=10,
                                        headers={"Connection": "close"})
        if response.status_code != 200:
            raise AssertionError("arranging {0} {1} failed: {2} {3}".format(method, path, response.status_code, response.text))
        return response.json()

    def assistant(self, name="reliability", tools=None):
        body = {"model": "gpt-4o", "name": name, "instructions": "Answer briefly."}
        if tools:
            body["tools"] = tools
        return self.call("POST", "/assistants", body)["id"]

    def thread(self, text=None):
        """A new thread (with one user message ``text`` if given); its id."""
        body = {"messages": [{"role": "user", "content": text}]} if text is not None else {}
        return self.call("POST", "/threads", body)["id"]

    def message(self, thread_id, text):
        return self.call("POST", "/threads/{0}/messages".format(thread_id), {"role": "user", "content": text})["id"]

    def run(self, thread_id, assistant_id):
        """A run started outside the modules (as another tool would)."""
        return self.call("POST", "/threads/{0}/runs".format(thread_id), {"assistant_id": assistant_id})

    def get_run(self, thread_id, run_id):
        return self.call("GET", "/threads/{0}/runs/{1}".format(thread_id, run_id))

    def wait_run(self, thread_id, run_id, timeout=20.0):
        """Poll a run (bounded) until it stops; the run."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get_run(thread_id, run_id)
            if run["status"] in FINAL_STATUSES or time.monotonic() > deadline:
                return run
            time.sleep(0.05)


class ResponsesApi(Api):
    """Arrange conversations, message items and responses on the emulator's Responses API."""

    def conversation(self, text=None):
        """A new conversation (with one user message item ``text`` if given); its id."""
        body = {"items": [{"type": "message", "role": "user", "content": text}]} if text is not None else {}
        return self.call("POST", "/conversations", body)["id"]

    def message(self, thread_id, text):
        """Add one user message item to a conversation; its id."""
        return self.call("POST", "/conversations/{0}/items".format(thread_id),
                         {"items": [{"type": "message", "role": "user", "content": text}]})["data"][0]["id"]

    def response(self, thread_id, model="gpt-4o"):
        """A background response started outside the modules (as another tool would)."""
        return self.call("POST", "/responses", {"model": model, "conversation": thread_id, "background": True})


class Control:
    """The emulator's control surface, usable from any process: only its URL is needed.

    Offers the subset of ``emulator.harness.Emulator``'s methods that the worker processes of the
    randomized trials use.
    """

    def __init__(self, control_url, timeout=10.0):
        self.control_url = control_url
        self.timeout = timeout

    def _call(self, method, path, body=None):
        response = requests.request(method, self.control_url + path, json=body, timeout=self.timeout, headers={"Connection": "close"})
        if response.status_code != 200:
            raise AssertionError("{0} {1}: {2} {3}".format(method, path, response.status_code, response.text))
        return response.json()

    def add_fault(self, **rule):
        return self._call("POST", "/faults", rule)["faults"][0]

    def faults(self):
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self):
        return self._call("DELETE", "/faults")

    def runs(self):
        return self._call("GET", "/runs")["runs"]

    def responses(self):
        return self._call("GET", "/responses")["responses"]

    def requests(self):
        return self._call("GET", "/requests")["requests"]

    def stats(self):
        return self._call("GET", "/stats")


def runs_on(emulator, thread_id):
    """The runs of one thread, from the emulator's control endpoint (the authority for counting)."""
    return [run for run in emulator.runs() if run["thread_id"] == thread_id]


def responses_in(emulator, conversation_id):
    """The responses of one conversation, from the emulator's control endpoint (``GET /_emulator/responses``)."""
    return [response for response in emulator.responses() if response["conversation_id"] == conversation_id]


def requests_to(emulator, method=None, contains=None):
    """Logged API requests, optionally only one method and paths containing a text."""
    return [entry for entry in emulator.requests()
            if (method is None or entry["method"] == method) and (contains is None or contains in entry["path"])]


def applied(emulator):
    """How often each fault rule was applied, in rule order."""
    return [rule["applied"] for rule in emulator.faults()]


# -- modules in this process ------------------------------------------------------------


def call_module(main, args):
    """Run a module's ``main`` with task arguments ``args``; return ``(failed, result)``."""
    try:
        run_module(main, args)
    except AnsibleExitJson as exc:
        return False, exc.result
    except AnsibleFailJson as exc:
        return True, exc.result
    raise AssertionError("run_module neither exited nor failed")


# -- plays for tools.ansible_cli.Ansible ---------------------------------------------------


def control_task(name, control_url, path, method="POST", body=None):
    """A task that calls the emulator's control surface from the play."""
    args = {"url": control_url + path, "method": method, "body_format": "json"}
    if body is not None:
        args["body"] = body
    return {"name": name, "ansible.builtin.uri": args}


def play(tasks, hosts="localhost", defaults=None, **extra):
    """One play dict; ``defaults`` become ``module_defaults`` of the collection's action group."""
    result = {"name": "Reliability", "hosts": hosts, "gather_facts": False}
    if defaults:
        result["module_defaults"] = {"group/aiops.openai.all": defaults}
    result.update(extra)
    result["tasks"] = tasks
    return result


# -- sockets and threads of a process (Linux /proc) -------------------------------------


def _socket_inodes(pid):
    inodes = set()
    fd_dir = "/proc/{0}/fd".format(pid)
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return inodes
    for name in names:
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _tcp_table(pid):
    """``{inode: (local_port, remote_port, state)}`` of the TCP sockets in ``pid``'s network namespace."""
    table = {}
    for name in ("tcp", "tcp6"):
        try:
            with open("/proc/{0}/net/{1}".format(pid, name)) as handle:
                lines = handle.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            table[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16), state)
    return table


def sockets_to(port, pid="self"):
    """How many TCP sockets process ``pid`` holds whose remote end is ``port`` (any state but LISTEN)."""
    table = _tcp_table(pid)
    return sum(1 for inode in _socket_inodes(pid) if inode in table and table[inode][1] == port and table[inode][2] != "0A")


def descendants(pid):
    """``pid`` and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/{0}/stat".format(entry)) as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def thread_count(pid="self"):
    with open("/proc/{0}/status".format(pid)) as handle:
        for line in handle:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def port_of(base_url):
    return urlsplit(base_url).port


# -- figures for docs/reliability.md ------------------------------------------------------


def record_figures(name, figures):
    """Keep a test's measured figures in .tmp/reliability/<name>.json (printed at the end of the session)."""
    os.makedirs(FIGURES_DIR, exist_ok=True)
    with open(os.path.join(FIGURES_DIR, name + ".json"), "w") as handle:
        json.dump(figures, handle, indent=1, sort_keys=True)
