"""Fixtures of the ecosystem suites (helpers in ``helpers.py``; the emulator fixtures in tests/conftest.py)."""

import os
import pathlib
import sys

import pytest

from .helpers import COLLECTION_LINK, REPO, already_released, collection_version, environment, run_tool


@pytest.fixture(scope="session", autouse=True)
def collection_link():
    """The working tree must be importable as ansible_collections.aiops.openai (`make collection`)."""
    if os.path.realpath(COLLECTION_LINK) != os.path.realpath(REPO):
        pytest.fail("%s does not point at %s: run `make collection` first" % (COLLECTION_LINK, REPO))
    return COLLECTION_LINK


@pytest.fixture(name="slow_emulator")
def fixture_slow_emulator(emulator):
    """The session's emulator with runs that take a second (long enough to cancel or time out)."""
    emulator.config(run_duration=1.0)
    return emulator


@pytest.fixture(name="released_copy", scope="session")
def fixture_released_copy(tmp_path_factory):
    """The tree as git sees it (a fresh clone plus new files), released with antsibull-changelog.

    Runs `antsibull-changelog release --version <galaxy.yml version>` in the copy, as the
    release will; a version already released is left as it is (antsibull-changelog would fold
    newer fragments into it; they wait for the next version instead).
    """
    root = tmp_path_factory.mktemp("release") / "ansible_collections" / "aiops" / "openai"
    run_tool([sys.executable, os.path.join(REPO, "tests", "tools", "sync_tree.py"), REPO, str(root)])
    if not already_released():
        run_tool(["antsibull-changelog", "release", "--version", collection_version()], cwd=str(root),
                 env=environment(collections_path=str(root.parents[2])))
    return root


@pytest.fixture(name="tarball", scope="session")
def fixture_tarball():
    """The Galaxy tarball, built once by `make build` (the Makefile's one build recipe).

    `make ecosystem-tests` builds it first (`make install-check` installs the same file) and passes
    its path in AIOPS_COLLECTION_TARBALL; a bare pytest run calls `make build` itself.
    """
    name = "aiops-openai-%s.tar.gz" % collection_version()
    path = os.environ.get("AIOPS_COLLECTION_TARBALL")
    if not path:
        run_tool(["make", "--no-print-directory", "-C", REPO, "build"])
        path = os.path.join(REPO, ".tmp", "dist", name)
    assert os.path.basename(path) == name and os.path.isfile(path), path
    return pathlib.Path(path)


@pytest.fixture(name="installed", scope="session")
def fixture_installed(tarball, tmp_path_factory):
    """The tarball installed with `ansible-galaxy collection install -p DIR`; returns DIR."""
    install = tmp_path_factory.mktemp("install")
    run_tool(["ansible-galaxy", "collection", "install", "-p", str(install), str(tarball)],
             env=environment(collections_path=str(install)))
    return install
