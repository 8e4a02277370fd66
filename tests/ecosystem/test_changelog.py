"""The release notes: antsibull-changelog turns the fragments into CHANGELOG.rst."""

import os
import re

import yaml

from .helpers import MODULES, REPO, already_released, collection_version, environment, run_tool


def test_fragments_lint_clean():
    result = run_tool(["antsibull-changelog", "lint"])
    assert result.stdout.strip() == ""


def test_ecosystem_fragment_has_the_release_summary():
    with open(os.path.join(REPO, "changelogs", "changelog.yaml")) as f:
        released = (yaml.safe_load(f).get("releases") or {}).get(collection_version())
    if released is None:
        # Not released yet: the summary waits in the fragment.
        with open(os.path.join(REPO, "changelogs", "fragments", "ecosystem.yml")) as f:
            fragment = yaml.safe_load(f)
    else:
        fragment = released["changes"]
    assert "aiops.openai" in fragment["release_summary"]


def test_release_lists_every_module(released_copy):
    with open(released_copy / "CHANGELOG.rst") as f:
        changelog = f.read()
    version = collection_version()
    heading = "v%s\n%s\n" % (version, "=" * (len(version) + 1))
    assert heading in changelog
    # This release's section: up to the next release's heading (or the end).
    section = re.split(r"^v\d+\.\d+\.\d+\S*\n=+\n", changelog.split(heading, 1)[1], flags=re.M)[0]
    assert "Release Summary\n---------------\n" in section
    new_modules = section.split("New Modules\n-----------\n", 1)[1]
    listed = re.findall(r"^- aiops\.openai\.(\w+) - \S", new_modules, re.M)
    assert listed == MODULES
    # A release uses the fragments up (fragments newer than an existing release wait for the next
    # version), and regenerating from changelog.yaml gives the same file.
    if not already_released():
        assert [name for name in os.listdir(released_copy / "changelogs" / "fragments") if name.endswith(".yml")] == []
    run_tool(["antsibull-changelog", "generate"], cwd=str(released_copy),
             env=environment(collections_path=str(released_copy.parents[2])))
    with open(released_copy / "CHANGELOG.rst") as f:
        assert f.read() == changelog
    # A CHANGELOG.rst in the repository is the one the release writes.
    if os.path.exists(os.path.join(REPO, "CHANGELOG.rst")):
        with open(os.path.join(REPO, "CHANGELOG.rst")) as f:
            assert f.read() == changelog
