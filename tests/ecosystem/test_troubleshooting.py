"""docs/docsite/rst/troubleshooting.rst quotes the messages the modules really print.

playbooks/troubleshooting.yml produces each case against the emulator; every block of the page
marked `.. error-case: NAME` must match that case's message once IDs, durations, active
statuses, the host and the server's address are set aside, and `...` in the page stands for any
text.
"""

import json
import os
import re
import subprocess
import sys

import pytest

from .helpers import FAKE_KEY, REPO, environment, run_tool

PAGE = os.path.join(REPO, "docs", "docsite", "rst", "troubleshooting.rst")
PLAYBOOK = os.path.join(REPO, "tests", "ecosystem", "playbooks", "troubleshooting.yml")
CASE = re.compile(r"^\.\. error-case: (\w+)\n\n\.\. code-block:: text\n\n((?:   .*\n)+)", re.M)
# Not errors: checked below rather than quoted.
BEHAVIOUR = {"lost_run", "requires_action", "missing_key"}
NORMALIZE = [
    (re.compile(r"\b(asst|thread|msg|run|call|step|req)_[A-Za-z0-9]{6,}\b"), r"\1_ID"),
    (re.compile(r"\b\d+(\.\d+)?s\b"), "Ns"),
    # A run reported while active may still be queued (the emulator starts it after 10 % of its time).
    (re.compile(r"\b(queued|in_progress)\b"), "ACTIVE"),
    (re.compile(r"HTTPS?ConnectionPool\(host='[^']*', port=\d+\)"), "ConnectionPool(SERVER)"),
    (re.compile(r"\bon \S+'s Python \S+?\. "), "on HOST's Python PYTHON. "),
]


def normalize(text):
    for pattern, replacement in NORMALIZE:
        text = pattern.sub(replacement, text)
    return text


def documented():
    with open(PAGE) as f:
        page = f.read()
    cases = {}
    for match in CASE.finditer(page):
        assert match.group(1) not in cases, "%s quoted twice" % match.group(1)
        cases[match.group(1)] = " ".join(line.strip() for line in match.group(2).splitlines())
    return cases


@pytest.fixture(name="produced", scope="module")
def fixture_produced(emulator_server, tmp_path_factory):
    """Run the playbook once; {case: message}."""
    emulator_server.reset()
    tmp = tmp_path_factory.mktemp("troubleshooting")
    # A Python without requests, for the missing-library message.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "bare")], check=True, timeout=120)
    errors_file = tmp / "errors.json"
    control = emulator_server.base_url[:-len("/v1")] + "/_emulator"
    run_tool(["ansible-playbook", PLAYBOOK, "-e", "openai_base_url=" + emulator_server.base_url,
              "-e", "openai_emulator_control=" + control, "-e", "openai_api_key=" + FAKE_KEY,
              "-e", "python_without_requests=" + str(tmp / "bare" / "bin" / "python"),
              "-e", "errors_file=" + str(errors_file)], env=environment())
    with open(errors_file) as f:
        messages = json.load(f)
    runs = emulator_server.runs()
    emulator_server.reset()
    return messages, runs


def test_every_case_is_documented(produced):
    messages, _runs = produced
    assert sorted(documented()) == sorted(set(messages) - BEHAVIOUR)


def test_documented_messages_are_real(produced):
    messages, _runs = produced
    mismatches = []
    for case, text in sorted(documented().items()):
        pattern = re.escape(normalize(text)).replace(re.escape("..."), ".*?")
        if not re.fullmatch(pattern, normalize(messages[case])):
            mismatches.append("%s:\n  page:   %s\n  module: %s" % (case, text, messages[case]))
    assert mismatches == [], "\n".join(mismatches)


def test_lost_run_response_is_recovered_without_a_second_run(produced):
    messages, runs = produced
    status, failed, run_id = messages["lost_run"].split(", ")
    assert (status, failed) == ("status completed", "failed=False")
    # The dropped create made exactly one run (the module found it instead of sending again).
    assert [run["id"] for run in runs].count(run_id) == 1
    lost = [run for run in runs if run["id"] == run_id][0]
    assert len([run for run in runs if run["created"] <= lost["created"]]) == 1


def test_requires_action_is_not_an_error(produced):
    messages, _runs = produced
    assert messages["requires_action"] == "status requires_action, failed=False, 1 tool call, output_text ''"


def test_empty_key_is_no_key(produced):
    messages, _runs = produced
    assert messages["missing_key"] == messages["unset_key"]
    assert messages["unset_key"].startswith("api_key: no API key given")
