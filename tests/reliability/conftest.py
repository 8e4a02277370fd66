"""Fixtures of the reliability suite (the emulator fixtures themselves are in tests/conftest.py)."""

import glob
import json
import os
import time

import pytest

from reliability.helpers import FIGURES_DIR, OPENAI_ENVIRONMENT, Api
from tools.ansible_cli import Ansible

SESSION_STARTED = time.time()


def pytest_configure(config):
    config.addinivalue_line("markers", "stress: long-running checks that `make stress` runs (and `make reliability` leaves out)")


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch):
    """No developer key or server can leak into (or be reached by) these tests."""
    for name in OPENAI_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="api")
def fixture_api(emulator):
    """A client that arranges objects on the freshly reset emulator."""
    with Api(emulator.base_url) as client:
        yield client


@pytest.fixture(name="ansible")
def fixture_ansible(tmp_path):
    """Runs ansible-playbook / ansible in the test's own directory."""
    runner = Ansible(tmp_path)
    yield runner
    runner.cleanup()


def pytest_terminal_summary(terminalreporter):
    """Print the figures the tests of this session measured (see docs/reliability.md)."""
    files = [path for path in sorted(glob.glob(os.path.join(FIGURES_DIR, "*.json"))) if os.path.getmtime(path) >= SESSION_STARTED]
    if not files:
        return
    terminalreporter.section("reliability figures (.tmp/reliability/*.json)")
    for path in files:
        with open(path) as handle:
            figures = json.load(handle)
        terminalreporter.write_line("{0}: {1}".format(os.path.basename(path)[:-len(".json")], json.dumps(figures, sort_keys=True)))
