"""playbooks/compat.yml (`make compat`) reports each capability of a server as ok, degraded or missing.

It runs once against several emulators, each a host of one inventory: one without quirks (all ok),
one per quirk that takes a capability away or degrades it, and one whose Assistants paths all answer
404 as https://api.openai.com/v1 does since OpenAI shut its hosted Assistants API down. The test
compares each host's report with what that server lacks, and checks that every request went to the
host's own server and that the check left no thread or assistant behind.
"""

import json
import os
import sys
from urllib.parse import parse_qs
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.harness import Emulator
from tools.ansible_cli import Ansible, run, tool

pytestmark = pytest.mark.timeout(600)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "compat.yml")
KEY = "sk-compat-check-placeholder"
CAPABILITIES = ["assistants", "threads", "messages", "run, polled", "run, streamed", "run steps", "tool outputs", "run metadata kept"]
NO_ASSISTANTS_API = {"kind": "status", "status": 404, "path": "^/v1/(assistants|threads)", "times": None,
                     "message": "Invalid URL (GET /v1/assistants)"}
# Host -> (quirks of its emulator, {capability: status} where it differs from ok).
SERVERS = {
    "baseline": ([], {}),
    "no_stream": (["no_stream"], {"run, streamed": "degraded"}),
    "steps_empty": (["steps_empty"], {"run steps": "degraded"}),
    "tool_outputs_405": (["tool_outputs_405"], {"tool outputs": "missing"}),
    "drop_run_metadata": (["drop_run_metadata"], {"run metadata kept": "missing"}),
    "no_assistants_api": ([], dict({name: "not checked" for name in CAPABILITIES}, assistants="missing")),
}


def start(quirks):
    return Emulator(run_duration=0.2, quirks=quirks, startup_timeout=60).start()


@pytest.fixture(name="reports", scope="module")
def fixture_reports(tmp_path_factory):
    """Run the check against every server; ({host: report}, {host: logged requests}, {host: runs}, the output)."""
    tmp = tmp_path_factory.mktemp("compat-check")
    emulators = {}
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            starting = {host: pool.submit(start, quirks) for host, (quirks, _expected) in SERVERS.items()}
        emulators.update((host, future.result()) for host, future in starting.items() if future.exception() is None)
        for future in starting.values():
            future.result()
        emulators["no_assistants_api"].add_fault(**NO_ASSISTANTS_API)
        inventory = str(tmp / "inventory.json")
        with open(inventory, "w", encoding="utf-8") as handle:
            json.dump({"all": {"hosts": {host: {
                "ansible_python_interpreter": sys.executable, "compat_base_url": emulator.base_url,
                "compat_report_file": str(tmp / (host + ".json")),
            } for host, emulator in emulators.items()}}}, handle)
        runner = Ansible(tmp)
        done = run([tool("ansible-playbook"), PLAYBOOK, "-i", inventory, "-f", str(len(SERVERS)), "-e", "compat_hosts=all"],
                   env=dict(runner.env, OPENAI_API_KEY=KEY, ANSIBLE_PIPELINING="1"), cwd=runner.dir, timeout=300)
        runner.cleanup()
        assert done.returncode == 0, done
        reports = {}
        for host in SERVERS:
            with open(str(tmp / (host + ".json")), encoding="utf-8") as handle:
                reports[host] = json.load(handle)
        requests = {host: emulator.requests() for host, emulator in emulators.items()}
        leftovers = {host: emulator.runs() for host, emulator in emulators.items()}
    finally:
        for emulator in emulators.values():
            emulator.stop()
    return reports, requests, leftovers, done.stdout


@pytest.mark.parametrize("host", sorted(SERVERS))
def test_each_capability_is_reported_as_the_server_offers_it(reports, host):
    report = reports[0][host]
    assert sorted(report) == sorted(CAPABILITIES)
    expected = dict({name: "ok" for name in CAPABILITIES}, **SERVERS[host][1])
    assert {name: entry["status"] for name, entry in report.items()} == expected, report
    for name, entry in report.items():
        # What is not ok says why; what is ok says nothing.
        assert bool(entry["note"]) == (entry["status"] != "ok"), (name, entry)


def test_the_notes_say_what_is_lost(reports):
    report = reports[0]
    assert "polling" in report["no_stream"]["run, streamed"]["note"]
    assert "run.steps is empty" in report["steps_empty"]["run steps"]["note"]
    assert "cannot take tool outputs" in report["tool_outputs_405"]["tool outputs"]["note"]
    assert "run_id" in report["drop_run_metadata"]["run metadata kept"]["note"]
    assert "does not offer the Assistants API" in report["no_assistants_api"]["assistants"]["note"]


def test_the_check_talks_to_its_server_only_and_cleans_up(reports):
    _reports, requests, _runs, output = reports
    for host, logged in requests.items():
        assert logged, host
        assert all(entry["path"].startswith("/v1/") for entry in logged), host
    # Each emulator saw only its own host's requests: one assistants list per host.
    for host, logged in requests.items():
        lists = [entry for entry in logged if entry["method"] == "GET" and entry["path"] == "/v1/assistants"
                 and parse_qs(entry["query"]).get("limit") == ["1"]]
        assert len(lists) == 1, host
    deleted = [entry["path"] for entry in requests["baseline"] if entry["method"] == "DELETE"]
    assert len([path for path in deleted if path.startswith("/v1/threads/")]) == 2
    assert len([path for path in deleted if path.startswith("/v1/assistants/")]) == 1
    assert "baseline" in output and KEY not in output
