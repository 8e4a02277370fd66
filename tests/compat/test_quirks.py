"""The demo's core through ansible-playbook against servers that bend the Assistants API (issue 13).

One emulator per quirk of tests/emulator/quirks.py (and one without quirks), each a host of one
inventory, so a single ansible-playbook run of tests/compat/playbooks/core.yml covers them all at
once (forks); the play runs twice. For each server the tests check what a user would see: the
reply, the second run changing nothing, no second run on the server, timestamps in seconds, the
server's own words in a failure, and, where the server lacks a capability, the clear error or
warning instead.
"""

import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.harness import Emulator
from emulator.quirks import QUIRKS
from tools.ansible_cli import Ansible, run, tool

pytestmark = pytest.mark.timeout(600)

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOK = os.path.join(HERE, "playbooks", "core.yml")
KEY = "sk-compat-placeholder"
REPLY = "get_weather returned: light rain, 14 degrees Celsius in Paris"
MISSING_RUN = "No run found with id 'run_notthere'"
PLAY_TIMEOUT = 300
FORKS = 10
# Seconds since 1970 stay below this until the year 5138; milliseconds are above it since 1973.
SECONDS_LIMIT = 10 ** 11

# Server name -> quirks of its emulator.
SERVERS = dict({"baseline": []}, **{name: [name] for name in QUIRKS})
# Host name -> (server, keep the run's ID between runs). The second host of the server that drops
# run metadata does not keep the run's ID, to show what the warning says: a rerun starts a new run.
HOSTS = dict({name: (name, name == "drop_run_metadata") for name in SERVERS},
             drop_run_metadata_without_run_id=("drop_run_metadata", False))
NO_TOOL_OUTPUTS = ("tool_outputs_404", "tool_outputs_405")
POLLING_ONLY = ("no_stream", "stream_query")
WORKING = [host for host in HOSTS if HOSTS[host][0] not in NO_TOOL_OUTPUTS and host != "drop_run_metadata_without_run_id"]
RECAP = re.compile(r"^(\w+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)", re.M)


class Pass:
    """One ansible-playbook run: the output, each host's recap and what each host saw (outcome.json)."""

    def __init__(self, done, state_dir):
        self.done = done
        self.recap = {host: dict(zip(("ok", "changed", "unreachable", "failed", "skipped", "rescued"), map(int, numbers)))
                      for host, *numbers in RECAP.findall(done.stdout)}
        self.outcome = {}
        for host in HOSTS:
            path = os.path.join(state_dir, host, "outcome.json")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    self.outcome[host] = json.load(handle)
                os.unlink(path)

    def seen(self, host):
        assert host in self.outcome, "{0} wrote no outcome\n{1!r}".format(host, self.done)
        return self.outcome[host]


def start(quirks):
    return Emulator(run_duration=0.2, quirks=quirks, startup_timeout=60).start()


@pytest.fixture(name="plays", scope="module")
def fixture_plays(tmp_path_factory):
    """Start the emulators, run the play twice against all of them; (first pass, second pass, run IDs per host)."""
    tmp = tmp_path_factory.mktemp("compat")
    state_dir = str(tmp / "state")
    emulators = {}
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            starting = {server: pool.submit(start, quirks) for server, quirks in SERVERS.items()}
        emulators.update((server, future.result()) for server, future in starting.items() if future.exception() is None)
        for future in starting.values():
            future.result()
        inventory = str(tmp / "inventory.json")
        with open(inventory, "w", encoding="utf-8") as handle:
            json.dump({"all": {"hosts": {host: {
                "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                "compat_base_url": emulators[server].base_url, "compat_keep_run_id": keep,
            } for host, (server, keep) in HOSTS.items()}}}, handle)
        runner = Ansible(tmp)
        command = [tool("ansible-playbook"), PLAYBOOK, "-i", inventory, "-f", str(FORKS), "-e", "compat_state_dir=" + state_dir]
        # Pipelining: no module files to copy for each of the many tasks.
        env = dict(runner.env, OPENAI_API_KEY=KEY, ANSIBLE_PIPELINING="1")
        passes = [Pass(run(command, env=env, cwd=runner.dir, timeout=PLAY_TIMEOUT), state_dir) for _pass in range(2)]
        runner.cleanup()
        threads = {host: ((passes[0].seen(host).get("thread") or {}).get("thread") or {}).get("id") for host in HOSTS}
        runs = {host: [run_["id"] for run_ in emulators[server].runs() if run_["thread_id"] == threads[host]]
                for host, (server, _unused_keep) in HOSTS.items()}
    finally:
        for emulator in emulators.values():
            emulator.stop()
    return passes[0], passes[1], runs


def timestamps(obj):
    """Every ``*_at`` number of an object, nested ones included, as ``{path: value}``."""
    found = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key.endswith("_at") and isinstance(value, (int, float)) and not isinstance(value, bool):
                found[key] = value
            else:
                found.update({key + "." + path: inner for path, inner in timestamps(value).items()})
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            found.update({"{0}.{1}".format(index, path): inner for path, inner in timestamps(value).items()})
    return found


@pytest.mark.parametrize("host", WORKING)
def test_the_core_works_and_a_rerun_changes_nothing(plays, host):
    first, second, runs = plays
    seen = first.seen(host)
    assert seen["failed_task"] is None, seen
    asked, answered = seen["asked"], seen["answered"]
    assert asked["run"]["status"] == "requires_action" and len(asked["tool_calls"]) == 1, asked
    assert answered["run"]["status"] == "completed" and answered["output_text"] == REPLY, answered
    assert first.recap[host]["changed"] > 0 and first.recap[host]["failed"] == 0

    again = second.seen(host)
    assert again["failed_task"] is None, again
    assert again["asked"]["run"]["status"] == "completed" and again["asked"]["output_text"] == REPLY, again["asked"]
    assert second.recap[host] == dict(second.recap[host], changed=0, failed=0, rescued=0), second.done
    assert len(runs[host]) == 1, runs[host]


@pytest.mark.parametrize("host", WORKING)
def test_timestamps_are_seconds(plays, host):
    first, _second, _runs = plays
    seen = first.seen(host)
    stamps = timestamps([seen["assistant"], seen["thread"], seen["message"], seen["asked"], seen["answered"]])
    assert stamps, seen
    assert {path: value for path, value in stamps.items() if value >= SECONDS_LIMIT} == {}


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_a_failure_gives_the_servers_own_words(plays, host):
    missing = plays[0].seen(host)["missing_run"]
    # The task has failed_when: false; the module's failure still shows in its error and message.
    assert missing and missing["error"]["status"] == 404 and MISSING_RUN in missing["msg"], missing


@pytest.mark.parametrize("quirk", NO_TOOL_OUTPUTS)
def test_a_server_without_tool_outputs_fails_the_submit_task_plainly(plays, quirk):
    for outcome in plays[:2]:
        seen = outcome.seen(quirk)
        assert seen["failed_task"] == "Submit the tool outputs and wait for the answer", seen
        assert "cannot take tool outputs" in seen["result"]["msg"], seen["result"]["msg"]
    assert len(plays[2][quirk]) == 1


@pytest.mark.parametrize("quirk", POLLING_ONLY)
def test_a_server_that_does_not_stream_is_polled_with_one_warning(plays, quirk):
    seen = plays[0].seen(quirk)
    for task in ("asked", "answered"):
        warnings = [text for text in seen[task].get("warnings", []) if "poll" in text]
        assert len(warnings) == 1, seen[task].get("warnings")


@pytest.mark.parametrize("quirk", ["steps_404", "steps_empty"])
def test_a_server_without_steps_gives_no_steps(plays, quirk):
    # The first run saw the steps in the run's event stream; the rerun reads them from the steps endpoint.
    assert plays[1].seen(quirk)["asked"]["run"]["steps"] == []
    assert plays[1].seen("baseline")["asked"]["run"]["steps"]


def test_a_server_that_drops_run_metadata_is_named_and_run_id_keeps_reruns_unchanged(plays):
    first, _second, runs = plays
    for host in ("drop_run_metadata", "drop_run_metadata_without_run_id"):
        warnings = first.seen(host)["asked"].get("warnings", [])
        assert [text for text in warnings if "run_id" in text and "new run" in text], warnings
    # The play that keeps the run's ID adopts the run with run_id (the core test checks its rerun: changed=0).
    assert len(runs["drop_run_metadata"]) == 1
    # Without it, the tool outputs cannot find their run, and the task says what to do.
    seen = first.seen("drop_run_metadata_without_run_id")
    assert seen["failed_task"] == "Submit the tool outputs and wait for the answer" and "give run_id" in seen["result"]["msg"]
    assert len(runs["drop_run_metadata_without_run_id"]) == 1
