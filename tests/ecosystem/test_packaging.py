"""The Galaxy tarball: what it holds, and the demo run from the installed copy."""

import fnmatch
import os
import tarfile

import pytest

from .helpers import MODULES, REPO, emulator_env, run_tool

# What users need from the tarball (paths inside it).
REQUIRED = [
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "CHANGELOG.rst", "changelogs/changelog.yaml",
    "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt",
    "plugins/doc_fragments/api.py", "plugins/module_utils/_client.py", "playbooks/demo.yml",
    "docs/docsite/extra-docs.yml", "docs/docsite/links.yml", "docs/awx/credential_type_inputs.yml",
    "docs/awx/credential_type_injectors.yml", "docs/examples/execution-environment.yml",
    # The demo's default server when no key is set.
    "tests/emulator/__main__.py", "tests/emulator/openapi/assistants-v2.json",
] + ["plugins/modules/%s.py" % module for module in MODULES]
# Local clutter and development-only files that must stay out.
UNWANTED = [".venv", ".tmp", ".ansible", ".git", ".gitignore", ".ci", "tests/output", "Makefile", "requirements-dev.txt",
            "pytest.ini", "changelogs/.plugin-cache.yaml", "tests/integration/integration_config.yml"]
UNWANTED_PATTERNS = ["*/__pycache__/*", "*.pyc", "*.tar.gz"]


@pytest.fixture(name="members", scope="module")
def fixture_members(tarball):
    with tarfile.open(tarball) as tar:
        return {name[2:] if name.startswith("./") else name for name in tar.getnames()}


def test_tarball_holds_what_users_need(members):
    assert [path for path in REQUIRED if path not in members] == []
    rst_pages = sorted(name for name in os.listdir(os.path.join(REPO, "docs", "docsite", "rst")) if name.endswith(".rst"))
    assert rst_pages and [page for page in rst_pages if "docs/docsite/rst/" + page not in members] == []


def test_tarball_leaves_out_local_clutter(members):
    clutter = [name for name in members
               if any(name == u or name.startswith(u + "/") for u in UNWANTED)
               or any(fnmatch.fnmatch(name, pattern) for pattern in UNWANTED_PATTERNS)]
    assert clutter == []


def test_demo_runs_from_the_installed_collection(installed, emulator, tmp_path):
    """`ansible-playbook aiops.openai.demo` finds the playbook and the modules in the installed copy only."""
    env = emulator_env(emulator)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(installed)
    root = os.path.join(str(installed), "ansible_collections", "aiops", "openai")
    listing = run_tool(["ansible-doc", "aiops.openai.run"], env=env, cwd=str(tmp_path)).stdout
    assert "(%s/plugins/modules/run.py)" % root in listing
    command = ["ansible-playbook", "aiops.openai.demo", "-e", "demo_state_dir=%s" % (tmp_path / "state")]
    output = run_tool(command, env=env, cwd=str(tmp_path)).stdout
    assert "failed=0" in output and "returned:" in output
    # A second run changing nothing is the demo's idempotence, which `make molecule` checks.
    assert [run["status"] for run in emulator.runs()] == ["completed"]
