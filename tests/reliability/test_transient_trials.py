"""Randomized transient-fault trials: the run module survives them all and never runs twice.

``RELIABILITY_TRIALS`` (default 60) trials are drawn from ``RELIABILITY_SEED`` (default 7) by
``reliability.trials.plan`` and carried out by ``RELIABILITY_WORKERS`` (default 6) worker
processes against one emulator. ``make reliability`` runs the default; ``make stress`` runs
more with another seed. Each trial is bounded by the module's own ``completion_window``; the
whole test by its timeout.

On the Responses API ``RELIABILITY_RESPONSES_TRIALS`` (default 24) trials of the same seed run in
``RESPONSES_WORKERS`` workers, each against an emulator of its own (rules on ``POST /responses``
cannot be scoped to a conversation).
"""

import concurrent.futures
import contextlib
import multiprocessing
import os
import time
from collections import Counter

import pytest

from emulator.harness import Emulator
from reliability.helpers import record_figures
from reliability.trials import plan, plan_responses, run_batch

TRIALS = int(os.environ.get("RELIABILITY_TRIALS", "60"))
SEED = int(os.environ.get("RELIABILITY_SEED", "7"))
WORKERS = int(os.environ.get("RELIABILITY_WORKERS", "6"))
BATCH_TIMEOUT = 60 + TRIALS * 12 // WORKERS
RESPONSES_TRIALS = int(os.environ.get("RELIABILITY_RESPONSES_TRIALS", "24"))
RESPONSES_WORKERS = 3
RESPONSES_BATCH_TIMEOUT = 60 + RESPONSES_TRIALS * 12 // RESPONSES_WORKERS


def test_the_plan_is_seeded():
    assert plan(20, SEED) == plan(20, SEED)
    assert plan(20, SEED) != plan(20, SEED + 1)
    kinds = Counter(fault["kind"] for trial in plan(200, SEED) for fault in trial["faults"])
    assert set(kinds) == {"status", "drop_after_commit", "delay", "delay_after_commit", "malformed", "stream_cut"}
    assert plan_responses(20, SEED) == plan_responses(20, SEED)
    creates = Counter(fault["kind"] for trial in plan_responses(200, SEED) for fault in trial["faults"] if fault["target"] == "create")
    assert set(creates) == {"status", "drop_after_commit", "delay", "delay_after_commit", "stream_cut"}
    # A create is sent again only after an answer that says nothing was done.
    assert {fault["status"] for trial in plan_responses(200, SEED) for fault in trial["faults"]
            if fault["target"] == "create" and fault["kind"] == "status"} == {429, 503}


@pytest.mark.timeout(BATCH_TIMEOUT + 60)
def test_randomized_transient_faults():
    trials = plan(TRIALS, SEED)
    batches = [trials[index::WORKERS] for index in range(WORKERS)]
    began = time.monotonic()
    with Emulator(run_duration=0.3, poll_after_ms=100) as emulator:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
            futures = [pool.submit(run_batch, emulator.base_url, emulator.control_url, batch) for batch in batches if batch]
            reports = [future.result(timeout=BATCH_TIMEOUT) for future in futures]
            # The workers are still alive: whatever they kept open would still count here.
            open_connections = emulator.stats()["open_connections"]
        runs = emulator.runs()
    elapsed = time.monotonic() - began

    outcomes = sorted((outcome for report in reports for outcome in report["outcomes"]), key=lambda o: o["index"])
    problems = ["trial {0} ({1}): {2}".format(o["index"], ", ".join(o.get("faults", [])), o["problem"]) for o in outcomes if not o["ok"]]
    duplicates = sum(max(o.get("runs", 1) - 1, 0) for o in outcomes)
    figures = {
        "seed": SEED, "trials": len(outcomes), "workers": WORKERS, "succeeded": sum(o["ok"] for o in outcomes),
        "faults_injected": sum(o.get("applied", 0) for o in outcomes), "runs": len(runs), "duplicates": duplicates,
        "leaked_sockets": sum(r["sockets"] for r in reports),
        "sockets_until_gc": sum(r["sockets_before_gc"] for r in reports), "leaked_threads": sum(r["threads"] - 1 for r in reports),
        "open_connections_after": open_connections, "seconds": round(elapsed, 1),
        "by_fault": dict(Counter(name for o in outcomes for name in o.get("faults", []))),
        "by_flow": dict(Counter("{0}/{1}".format(o.get("flow"), o.get("wait_strategy")) for o in outcomes)),
    }
    record_figures("trials-seed-{0}".format(SEED), figures)
    assert len(outcomes) == TRIALS
    assert not problems, "\n".join(problems)
    assert duplicates == 0 and len(runs) == TRIALS
    assert figures["leaked_sockets"] == 0 and figures["leaked_threads"] == 0
    assert open_connections == 0


@pytest.mark.timeout(RESPONSES_BATCH_TIMEOUT + 60)
def test_randomized_transient_faults_on_the_responses_api():
    trials = plan_responses(RESPONSES_TRIALS, SEED)
    batches = [trials[index::RESPONSES_WORKERS] for index in range(RESPONSES_WORKERS)]
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        emulators = [stack.enter_context(Emulator(run_duration=0.3, poll_after_ms=100)) for dummy in batches]
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=RESPONSES_WORKERS, mp_context=context) as pool:
            futures = [pool.submit(run_batch, emulator.base_url, emulator.control_url, batch, "responses")
                       for emulator, batch in zip(emulators, batches)]
            reports = [future.result(timeout=RESPONSES_BATCH_TIMEOUT) for future in futures]
            open_connections = sum(emulator.stats()["open_connections"] for emulator in emulators)
        responses = sum(len(emulator.responses()) for emulator in emulators)
    outcomes = sorted((outcome for report in reports for outcome in report["outcomes"]), key=lambda o: o["index"])
    problems = ["trial {0} ({1}): {2}".format(o["index"], ", ".join(o.get("faults", [])), o["problem"]) for o in outcomes if not o["ok"]]
    expected = sum(2 if trial["flow"] == "tool" else 1 for trial in trials)
    figures = {
        "seed": SEED, "trials": len(outcomes), "workers": RESPONSES_WORKERS, "succeeded": sum(o["ok"] for o in outcomes),
        "faults_injected": sum(o.get("applied", 0) for o in outcomes), "responses": responses,
        "duplicates": sum(o.get("duplicates", 0) for o in outcomes), "leaked_sockets": sum(r["sockets"] for r in reports),
        "leaked_threads": sum(r["threads"] - 1 for r in reports), "open_connections_after": open_connections,
        "seconds": round(time.monotonic() - began, 1),
        "by_fault": dict(Counter(name for o in outcomes for name in o.get("faults", []))),
    }
    record_figures("trials-responses-seed-{0}".format(SEED), figures)
    assert len(outcomes) == RESPONSES_TRIALS
    assert not problems, "\n".join(problems)
    assert figures["duplicates"] == 0 and responses == expected
    assert figures["leaked_sockets"] == 0 and figures["leaked_threads"] == 0
    assert open_connections == 0
