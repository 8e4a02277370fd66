"""Helpers for the ecosystem suites: run Ansible's own tools the way users and AWX do.

Every command gets a clean environment: no ``OPENAI_*`` variable of the developer's shell (so
a real key or server can never be used by a test), the working tree's collection on
``ANSIBLE_COLLECTIONS_PATH`` (the ``.tmp/collections`` link that ``make collection`` creates)
and the venv's ``bin`` first on ``PATH``.
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(REPO, ".tmp", "collections")
COLLECTION_LINK = os.path.join(COLLECTIONS, "ansible_collections", "aiops", "openai")
TOOL_TIMEOUT = 600
# A key the emulator is told to require: a run that succeeds proves the key got through.
FAKE_KEY = "sk-ecosystem-test-5f0c2d7e9a1b4c3d"
MODULES = sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                 if name.endswith(".py") and name != "__init__.py")


def tool_env(extra=None, collections_path=COLLECTIONS):
    """The environment for an Ansible command: nothing from the caller's OPENAI_* or AIOPS_*."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("OPENAI_", "AIOPS_", "ANSIBLE_", "MOLECULE_")) and key != "PYTHONPATH"}
    env.update({
        "PATH": BIN + os.pathsep + env.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": collections_path,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "1",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
    })
    env.update(extra or {})
    return env


def run_tool(args, env=None, cwd=REPO, check=True, timeout=TOOL_TIMEOUT):
    """Run a command, return the CompletedProcess; with check, fail showing its output."""
    result = subprocess.run(args, env=env or tool_env(), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        pytest.fail("%s exited with %d:\n%s" % (" ".join(args), result.returncode, result.stdout))
    return result


def emulator_env(emulator, key=FAKE_KEY):
    """Connection for the modules through their environment fallbacks, as users set it."""
    return tool_env({"OPENAI_API_KEY": key, "OPENAI_BASE_URL": emulator.base_url})


def adhoc_results(output):
    """The JSON results of an ad-hoc command's default (minimal) output: ``host | STATUS => {...}``."""
    results = []
    for match in re.finditer(r"^(\S+) \| ([A-Z]+)(?:!)? => ", output, re.M):
        body, _end = json.JSONDecoder().raw_decode(output, match.end())
        results.append((match.group(1), match.group(2), body))
    return results


def collection_version():
    with open(os.path.join(REPO, "galaxy.yml")) as f:
        return str(yaml.safe_load(f)["version"])


def already_released(root=REPO):
    """True when changelogs/changelog.yaml already has a release for galaxy.yml's version.

    Fragments added after that release wait for the next one, which bumps the version.
    """
    with open(os.path.join(root, "changelogs", "changelog.yaml")) as f:
        return collection_version() in ((yaml.safe_load(f) or {}).get("releases") or {})
