"""The benchmark's smoke run (``make bench-smoke``) and the helpers its numbers rest on.

The smoke run drives every client of ``make bench`` a few times against the emulator and fails
when the run module sends more requests than the targets allow. Request counts are exact, so
these assertions hold on a slow or busy machine; times are written to the report, never asserted.
"""

import os

import pytest

from bench import report, scenarios, suite
from bench.clients import remote_tmp
from bench.lab import conversation_requests, is_response_poll, is_run_poll, thread_requests
from bench.stats import median, p95, polls_allowed, quantile


# -- helpers (no emulator) ------------------------------------------------------------------

def test_quantiles_interpolate_between_order_statistics():
    values = [5, 1, 4, 2, 3]
    assert median(values) == 3
    assert quantile(values, 0.0) == 1 and quantile(values, 1.0) == 5
    assert p95(list(range(1, 21))) == pytest.approx(19.05)
    with pytest.raises(ValueError):
        median([])


def test_polls_allowed_is_one_plus_a_poll_per_interval():
    assert polls_allowed(1.0, 500) == 3
    assert polls_allowed(0.2, 500) == 2
    assert polls_allowed(20.0, 500) == 41
    assert polls_allowed(2.0, 2000) == 2


def test_requests_are_attributed_to_their_thread_and_polls_recognised():
    log = [
        {"method": "POST", "path": "/v1/threads"},
        {"method": "GET", "path": "/v1/threads/thread_a/messages"},
        {"method": "POST", "path": "/v1/threads/thread_a/runs"},
        {"method": "GET", "path": "/v1/threads/thread_a/runs/run_1"},
        {"method": "GET", "path": "/v1/threads/thread_a/runs/run_1/steps"},
        {"method": "GET", "path": "/v1/threads/thread_ab/runs/run_2"},
    ]
    own = thread_requests(log, "thread_a")
    assert [entry["path"] for entry in own] == [entry["path"] for entry in log[1:5]]
    assert [is_run_poll(entry) for entry in own] == [False, False, True, False]


class _Station:
    def __init__(self, duration):
        self.run_duration = duration


@pytest.mark.parametrize("client", sorted(scenarios.PROFILES))
def test_schedule_keeps_run_ends_clear_of_other_starts_and_ends(client):
    from bench.clients import Rep

    reps = [Rep(client, _Station(duration), "thread") for duration in (20.0, 5.0, 1.0, 0.2) for dummy in range(6)]
    scenarios.schedule(reps, client)
    profile = scenarios.PROFILES[client]
    windows = [profile.intervals(rep.offset, rep.duration) for rep in reps]
    for index, (_start, end) in enumerate(windows):
        for other, (other_start, other_end) in enumerate(windows):
            if other != index:
                assert not (end[0] < other_end[1] - 1e-6 and other_end[0] < end[1] - 1e-6), "two runs end together"
                assert not (end[0] < other_start[1] - 1e-6 and other_start[0] < end[1] - 1e-6), "a run ends during a start-up"


def test_uri_loops_run_a_few_at_a_time():
    from bench.clients import Rep

    reps = [Rep("uri", _Station(1.0), "thread") for dummy in range(9)]
    scenarios.schedule(reps, "uri")
    offsets = sorted(rep.offset for rep in reps)
    assert offsets[:scenarios.URI_PARALLEL] == [0.0] * scenarios.URI_PARALLEL
    assert offsets[scenarios.URI_PARALLEL] == pytest.approx(1.0 + scenarios.URI_EXTRA)


def test_playbook_batches_stay_small_and_have_names_of_their_own():
    """Each latency batch of the full run is named once (the report lists loads by name) and no playbook gets every host."""
    batches = suite.FULL["latency"]
    names = [suite._batch_name(entries, batches) for entries in batches]
    assert len(set(names)) == len(names)
    assert "latency run + run_pipelined (20 s)" in names and "latency run_poll" in names
    for entries in batches:
        if entries[0][0] in suite.STREAM_CLIENTS:
            assert sum(count for _client, plan in entries for _duration, count, _hint in plan) <= 60


def test_requests_are_attributed_to_tasks_by_time_window():
    class Result:
        events = [
            {"event": "start", "task": "A", "t": 10.0}, {"event": "ok", "task": "A", "t": 11.0},
            {"event": "start", "task": "B", "t": 11.5}, {"event": "ok", "task": "B", "t": 13.0},
        ]
    log = [{"started": 10.2}, {"started": 10.9}, {"started": 11.2}, {"started": 12.0}]
    assert scenarios._task_requests(Result(), log) == {"A": 2, "B": 1}  # pylint: disable=protected-access


def _rerun(requests, changed):
    return [{"first": True, "task_requests": {}, "changed": {}},
            {"first": False, "task_requests": {scenarios.RERUN_TASKS[-1]: requests}, "changed": {scenarios.RERUN_TASKS[-1]: changed}}]


def _results(stream_requests=3, polls=3, rerun_requests=3, rerun_changed=False, responses_requests=5, responses_rerun=3):
    sample = {"duration": 1.0, "poll_after_ms": 500, "error": None, "latency": 0.01, "exit_latency": None, "wall": 1.0}
    return {
        "latency": [dict(sample, client="run", requests=stream_requests, polls=0),
                    dict(sample, client="sdk", requests=3, polls=2, latency=0.5),
                    dict(sample, client="module_responses", requests=responses_requests, posts=3, polls=0),
                    dict(sample, client="sdk_responses_poll", requests=2, posts=1, polls=1, latency=1.5)],
        "cadence": [dict(sample, client="run_poll", requests=5 + polls, polls=polls)],
        "scaling": [],
        "rerun": _rerun(rerun_requests, rerun_changed),
        "rerun_responses": _rerun(responses_rerun, False),
        "overhead": {"samples": []},
    }


@pytest.mark.parametrize("changes, failing", [
    ({}, None),
    ({"stream_requests": 4}, "streaming: at most"),
    ({"polls": 4}, "polling: at most"),
    ({"rerun_requests": 4}, "unchanged rerun"),
    ({"rerun_changed": True}, "unchanged rerun"),
    ({"responses_requests": 6}, "Responses API: exactly"),
    ({"responses_requests": 4}, "Responses API: exactly"),
    ({"responses_rerun": 4}, "Responses API unchanged rerun"),
])
def test_request_targets_fail_when_exceeded(changes, failing):
    missed = [check.name for check in suite.check_targets(_results(**changes)) if check.counts and not check.met]
    assert missed == ([] if failing is None else [name for name in missed if name.startswith(failing)])
    assert bool(missed) == (failing is not None)


def test_responses_targets_are_reported_missed_honestly():
    """The issue's 3-request target is reported (missed, with the design's reason) but not enforced; the latency ratio is reported."""
    checks = {check.name: check for check in suite.check_targets(_results())}
    target = _check(checks, "Responses API: at most 3 requests")
    assert not target.met and not target.counts and "journal" in target.detail
    ratio = _check(checks, "Responses API (module result written)")
    assert ratio.met and "1/150" in ratio.detail


def test_responses_requests_are_attributed_to_their_conversation():
    log = [
        {"method": "POST", "path": "/v1/responses", "query": ""},
        {"method": "GET", "path": "/v1/conversations/conv_a", "query": ""},
        {"method": "GET", "path": "/v1/conversations/conv_a/items", "query": "limit=100"},
        {"method": "GET", "path": "/v1/conversations/conv_ab/items", "query": ""},
        {"method": "GET", "path": "/v1/responses/resp_1", "query": ""},
        {"method": "GET", "path": "/v1/responses/resp_1", "query": "stream=true&starting_after=3"},
        {"method": "GET", "path": "/v1/responses/resp_2", "query": ""},
    ]
    own = conversation_requests(log, "conv_a", ["resp_1"])
    assert [entry["path"] for entry in own] == ["/v1/conversations/conv_a", "/v1/conversations/conv_a/items"] + ["/v1/responses/resp_1"] * 2
    assert [is_response_poll(entry) for entry in own] == [False, False, True, False]


# -- the smoke run (emulators, ansible-playbook, the SDK) --------------------------------------

@pytest.fixture(name="smoke", scope="module")
def fixture_smoke(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("bench-smoke"))
    results = suite.run_suite(suite.SMOKE, workdir, log=lambda line: None)
    checks = suite.check_targets(results)
    markdown, chart = os.path.join(workdir, "performance.md"), os.path.join(workdir, "performance.png")
    report.write(results, checks, markdown, chart, "make bench-smoke")
    return results, {check.name: check for check in checks}, markdown, chart


def _check(checks, prefix):
    found = [check for name, check in checks.items() if name.startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


@pytest.mark.timeout(900)
def test_smoke_every_run_completed(smoke):
    _results, checks, _markdown, _chart = smoke
    check = _check(checks, "every measured run completed")
    assert check.met, check.detail


@pytest.mark.timeout(900)
def test_smoke_streaming_takes_at_most_three_requests_per_run(smoke):
    results, checks, _markdown, _chart = smoke
    check = _check(checks, "streaming: at most")
    assert check.met, check.detail
    stream = [s for s in results["latency"] if s["client"] == "run"]
    assert stream and all(s["posts"] == 1 for s in stream), "one create request per run"
    assert all(s["polls"] == 0 for s in stream), "a stream that did not break needs no poll"


@pytest.mark.timeout(900)
def test_smoke_pipelined_client_really_pipelines(smoke):
    results, _checks, markdown, _chart = smoke
    workdir = os.path.dirname(markdown)
    piped = [s for s in results["latency"] if s["client"] == "run_pipelined"]
    assert piped and all(s["requests"] <= suite.STREAM_REQUESTS and s["posts"] == 1 for s in piped)
    # Without pipelining Ansible makes the task temporary directories under ansible_remote_tmp;
    # with it, it sends the module on stdin and never makes that directory.
    label = "latency-run+run_pipelined+floor"
    assert os.path.isdir(remote_tmp(workdir, label, "run"))
    assert not os.path.exists(remote_tmp(workdir, label, "run_pipelined"))


@pytest.mark.timeout(900)
def test_smoke_polling_honours_openai_poll_after_ms(smoke):
    results, checks, _markdown, _chart = smoke
    hinted = [s for s in results["cadence"] if s["client"] == "run_poll" and s["poll_after_ms"] == 2000]
    assert hinted and all(s["polls"] <= 2 for s in hinted), "a 2 s run polled every 2 s needs at most 2 polls"
    check = _check(checks, "polling: at most")
    assert check.met, check.detail


@pytest.mark.timeout(900)
def test_smoke_unchanged_rerun_is_cheap_and_unchanged(smoke):
    results, checks, _markdown, _chart = smoke
    first = [r for r in results["rerun"] if r["first"]]
    assert first and all(first[0]["changed"].values()), "the first run creates assistant, thread, message and run"
    check = _check(checks, "unchanged rerun")
    assert check.met, check.detail


@pytest.mark.timeout(900)
def test_smoke_responses_create_and_wait_takes_the_documented_requests(smoke):
    """api: responses: exactly the journal's five requests per created-and-waited response, one create, no poll."""
    results, checks, _markdown, _chart = smoke
    check = _check(checks, "Responses API: exactly")
    assert check.met, check.detail
    module = [s for s in results["latency"] if s["client"] == "module_responses"]
    assert module and all(s["requests"] == suite.RESPONSES_CREATE_REQUESTS and s["posts"] == 3 and s["polls"] == 0 for s in module)
    assert not _check(checks, "Responses API: at most 3 requests").met, "the issue's target is reported missed, not hidden"


@pytest.mark.timeout(900)
def test_smoke_responses_unchanged_rerun_is_cheap_and_unchanged(smoke):
    results, checks, _markdown, _chart = smoke
    first = [r for r in results["rerun_responses"] if r["first"]]
    assert first and all(first[0]["changed"].values()), "the first run creates conversation, message item and response"
    check = _check(checks, "Responses API unchanged rerun")
    assert check.met, check.detail


@pytest.mark.timeout(900)
def test_smoke_responses_sdk_baselines_ran(smoke):
    """The SDK's stream is one request; its background-polling loop one create and at least one retrieve."""
    results, _checks, _markdown, _chart = smoke
    stream = [s for s in results["latency"] if s["client"] == "sdk_responses_stream"]
    polled = [s for s in results["latency"] if s["client"] == "sdk_responses_poll"]
    assert stream and all(s["requests"] == 1 and s["posts"] == 1 and not s["error"] for s in stream)
    assert polled and all(s["posts"] == 1 and s["polls"] >= 1 and s["requests"] == 1 + s["polls"] and not s["error"] for s in polled)


@pytest.mark.timeout(900)
def test_smoke_writes_the_report_and_chart(smoke):
    _results, _checks, markdown, chart = smoke
    with open(markdown, encoding="utf-8") as handle:
        text = handle.read()
    for heading in ("## Targets", "## Detection latency", "## Requests per created-and-waited run", "## Task overhead",
                    "## Scaling", "## Rerun cost", "## The Responses API", "## How each number is measured"):
        assert heading in text
    with open(chart, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
