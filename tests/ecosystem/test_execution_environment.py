"""Execution environments: ansible-builder finds the collection's dependencies.

No container engine is needed: `ansible-builder create` writes the build context, and the
steps the image build would run (install the collection from the context, then the context's
own introspect script) run here on the host.
"""

import os
import re
import shutil
import sys

import yaml
from ansible_builder.ee_schema import validate_schema

from .helpers import REPO, collection_version, environment, run_tool

EXAMPLE = os.path.join(REPO, "docs", "examples", "execution-environment.yml")


def pins(path):
    with open(path) as f:
        return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", f.read(), re.M))


def test_collection_metadata_is_a_v3_definition():
    with open(os.path.join(REPO, "meta", "execution-environment.yml")) as f:
        definition = yaml.safe_load(f)
    validate_schema(definition)  # ansible-builder's own schema check
    assert definition["version"] == 3
    assert definition["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}


def test_requirements_pinned_as_ci_tests_them():
    runtime = pins(os.path.join(REPO, "requirements.txt"))
    development = pins(os.path.join(REPO, "requirements-dev.txt"))
    assert runtime and "requests" in runtime
    assert {name: development.get(name) for name in runtime} == runtime


def test_bindep_file_parses():
    listed = run_tool(["bindep", "--file", os.path.join(REPO, "bindep.txt"), "--list_all", "newline"]).stdout.split()
    assert listed == ["ca-certificates"]


def test_builder_context_installs_the_collection_dependencies(tarball, tmp_path):
    version = collection_version()
    with open(EXAMPLE) as f:
        example = yaml.safe_load(f)
    assert example["additional_build_files"][0]["src"] == tarball.name, "docs/examples/execution-environment.yml names another version"
    shutil.copy(EXAMPLE, tmp_path / "execution-environment.yml")
    shutil.copy(tarball, tmp_path / tarball.name)
    run_tool(["ansible-builder", "create", "--file", "execution-environment.yml", "--context", "context",
              "--output-filename", "Containerfile"], cwd=str(tmp_path))
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect.py introspect --write-bindep=/tmp/src/bindep.txt --write-pip=/tmp/src/requirements.txt" in containerfile
    assert (context / "_build" / "collections" / tarball.name).is_file()

    # The galaxy stage: install from requirements.yml in the context's _build (/build in the image).
    collections = tmp_path / "usr-share-ansible-collections"
    run_tool(["ansible-galaxy", "collection", "install", "-r", "requirements.yml", "-p", str(collections)],
             cwd=str(context / "_build"), env=environment(collections_path=str(collections)))
    manifest = collections / "ansible_collections" / "aiops" / "openai" / "MANIFEST.json"
    assert '"version": "%s"' % version in manifest.read_text()

    # The builder stage: the context's introspect script collects every collection's dependencies.
    run_tool([sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect", str(collections),
              "--write-pip", str(tmp_path / "requirements.txt"), "--write-bindep", str(tmp_path / "bindep.txt")])
    python = (tmp_path / "requirements.txt").read_text().splitlines()
    system = (tmp_path / "bindep.txt").read_text().splitlines()
    assert "requests==%s  # from collection aiops.openai" % pins(os.path.join(REPO, "requirements.txt"))["requests"] in python
    assert "ca-certificates [platform:rpm platform:dpkg]  # from collection aiops.openai" in system


def test_builder_introspect_on_the_installed_collection(installed):
    """The check the execution environment page shows users."""
    output = run_tool(["ansible-builder", "introspect", str(installed)]).stdout
    data = yaml.safe_load(output.split("---", 1)[1])
    requests_pin = pins(os.path.join(REPO, "requirements.txt"))["requests"]
    assert data == {"python": ["requests==%s  # from collection aiops.openai" % requests_pin],
                    "system": ["ca-certificates [platform:rpm platform:dpkg]  # from collection aiops.openai"]}
