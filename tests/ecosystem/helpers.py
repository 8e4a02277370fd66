"""Helpers for the ecosystem suites: run Ansible's own tools the way users and AWX do.

Commands run through ``tools.ansible_cli`` (tests/tools/ansible_cli.py): a clean environment (no
``OPENAI_*`` of the developer's shell, so a real key or server can never be used by a test), the
working tree's collection on ``ANSIBLE_COLLECTIONS_PATH`` (the ``.tmp/collections`` link that
``make collection`` creates) and the venv's ``bin`` first on ``PATH``.
"""

import json
import os
import re

import yaml

from tools.ansible_cli import COLLECTIONS, REPO, environment, run

COLLECTION_LINK = os.path.join(COLLECTIONS, "ansible_collections", "aiops", "openai")
# A key the emulator is told to require: a run that succeeds proves the key got through.
FAKE_KEY = "sk-ecosystem-test-5f0c2d7e9a1b4c3d"
MODULES = sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                 if name.endswith(".py") and name != "__init__.py")


def run_tool(args, env=None, cwd=REPO):
    """Run a tool (stderr into stdout, ten minutes at most); a non-zero exit fails the test showing the output."""
    return run(args, env=env, cwd=cwd, merge_output=True, check=True)


def emulator_env(emulator, key=FAKE_KEY):
    """Connection for the modules through their environment fallbacks, as users set it."""
    return environment({"OPENAI_API_KEY": key, "OPENAI_BASE_URL": emulator.base_url})


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
