"""Shared pytest setup: ``tests/`` on ``sys.path`` (package ``emulator``) and the emulator fixtures."""

import importlib
import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


def _harness():
    # Imported on first use, so test runs that never start the emulator do not need its dependencies.
    return importlib.import_module("emulator.harness")


@pytest.fixture(name="emulator_server", scope="session")
def fixture_emulator_server():
    """One emulator subprocess for the whole session (runs last 0.2 s)."""
    with _harness().Emulator(run_duration=0.2) as server:
        yield server


@pytest.fixture(name="emulator")
def fixture_emulator(emulator_server):
    """The session's emulator, reset (no objects, requests or faults; startup settings) for this test."""
    emulator_server.reset()
    return emulator_server


@pytest.fixture(name="emu")
def fixture_emu(emulator):
    """Alias of ``emulator`` (the name docs/dev/contracts.md uses)."""
    return emulator
