# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``wait_for_run``: stream first, poll the same run when the stream fails, one deadline."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ResponseLostError, StreamInterruptedError
from ansible_collections.aiops.openai.plugins.module_utils._assistants import AssistantsAPI
from ansible_collections.aiops.openai.plugins.module_utils._errors import WaitTimeout
from ansible_collections.aiops.openai.plugins.module_utils._statuses import TERMINAL_STATUSES
from ansible_collections.aiops.openai.plugins.module_utils._waiter import RunProgress, wait_for_run
from ansible_collections.aiops.openai.tests.unit.utils import (
    cut_stream,
    json_response,
    run_event,
    run_object,
    sse_event,
    sse_response,
)

RUN_PATH = "GET /threads/thread_1/runs/run_1"
DONE = b"event: done\ndata: [DONE]\n\n"
MESSAGE = {"id": "msg_1", "object": "thread.message", "thread_id": "thread_1", "run_id": "run_1", "role": "assistant",
           "content": [{"type": "text", "text": {"value": "You said: hi", "annotations": []}}]}
STEP = {"id": "step_1", "object": "thread.run.step", "run_id": "run_1", "type": "message_creation", "status": "completed"}


def poll_reply(status, poll_after_ms=None, **extra):
    headers = {"openai-poll-after-ms": str(poll_after_ms)} if poll_after_ms is not None else {}
    return json_response(run_object(status, **extra), headers=headers)


def wait(client, clock, **kwargs):
    kwargs.setdefault("clock", clock)
    kwargs.setdefault("sleep", clock.sleep)
    return wait_for_run(AssistantsAPI(client).run_poll, "thread_1", **kwargs)


def start_run(client):
    return client.stream("/threads/thread_1/runs", {"assistant_id": "asst_1"})


# -- streaming ---------------------------------------------------------------------------


def test_a_stream_reaching_completed_needs_no_other_request(make_client, session, clock):
    session.add(sse_response([
        sse_event("thread.run.created", run_object("queued")) + run_event("in_progress"),
        sse_event("thread.run.step.completed", STEP),
        sse_event("thread.message.completed", MESSAGE),
        run_event("completed", usage={"total_tokens": 12}),
        DONE,
    ]))
    client = make_client()
    progress = wait(client, clock, events=start_run(client))

    assert progress.status == "completed"
    assert progress.run["usage"] == {"total_tokens": 12}
    assert progress.messages == {"msg_1": MESSAGE}
    assert progress.steps == {"step_1": STEP}
    assert (progress.streamed, progress.stream_error) == (True, None)
    assert session.paths == ["POST /threads/thread_1/runs"]
    assert clock.sleeps == []


def test_a_stream_stops_at_requires_action(make_client, session, clock):
    required = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [{"id": "call_1"}]}}
    # Anything read after requires_action would hit the cut and record a stream error.
    session.add(sse_response([run_event("queued"), run_event("requires_action", required_action=required)], error=cut_stream()))
    client = make_client()
    progress = wait(client, clock, events=start_run(client))

    assert progress.status == "requires_action"
    assert progress.run["required_action"] == required
    assert progress.stream_error is None
    assert len(session.calls) == 1


@pytest.mark.parametrize("status", ["failed", "cancelled", "expired", "incomplete"])
def test_a_stream_stops_at_every_terminal_status(make_client, session, clock, status):
    session.add(sse_response([run_event("in_progress"), run_event(status), DONE]))
    client = make_client()

    assert wait(client, clock, events=start_run(client)).status == status
    assert len(session.calls) == 1


def test_a_stream_cut_midway_falls_back_to_polling_the_same_run(make_client, session, clock):
    session.add(
        sse_response([run_event("queued"), run_event("in_progress")], error=cut_stream()),
        poll_reply("in_progress"),
        poll_reply("completed"),
    )
    client = make_client()
    progress = wait(client, clock, events=start_run(client))

    assert progress.status == "completed"
    assert session.paths == ["POST /threads/thread_1/runs", RUN_PATH, RUN_PATH]
    assert isinstance(progress.stream_error, StreamInterruptedError)
    assert clock.sleeps == pytest.approx([0.1, 0.2])


def test_a_stream_that_ends_without_done_falls_back_to_polling(make_client, session, clock):
    session.add(sse_response([run_event("in_progress")]), poll_reply("completed"))
    client = make_client()

    assert wait(client, clock, events=start_run(client)).status == "completed"
    assert session.paths[1:] == [RUN_PATH]


def test_a_stream_broken_before_naming_its_run_is_a_lost_response(make_client, session, clock):
    session.add(sse_response([b": ping\n\n"], error=cut_stream()))
    client = make_client()

    with pytest.raises(ResponseLostError) as error:
        wait(client, clock, events=start_run(client))
    assert "before the server said which run it created" in str(error.value)
    assert (error.value.method, error.value.path) == ("POST", "/threads/thread_1/runs")
    assert session.paths == ["POST /threads/thread_1/runs"]


def test_a_thread_and_run_stream_broken_after_the_thread_is_a_lost_response(make_client, session, clock):
    session.add(sse_response([sse_event("thread.created", {"id": "thread_9", "object": "thread"})], error=cut_stream()))
    client = make_client()
    progress = RunProgress()

    with pytest.raises(ResponseLostError):
        wait_for_run(AssistantsAPI(client).run_poll, None, events=client.stream("/threads/runs", {}), progress=progress, clock=clock, sleep=clock.sleep)
    assert progress.thread["id"] == "thread_9"
    assert len(session.calls) == 1


def test_a_server_without_streaming_answers_json_and_is_polled(make_client, session, clock):
    session.add(json_response(run_object("queued")), poll_reply("completed"))
    client = make_client()

    assert wait(client, clock, events=start_run(client)).status == "completed"
    assert session.paths == ["POST /threads/thread_1/runs", RUN_PATH]


def test_an_error_event_fails_the_wait(make_client, session, clock):
    session.add(sse_response([run_event("queued"), sse_event("error", {"error": {"message": "Server overloaded"}})]))
    client = make_client()

    with pytest.raises(APIError) as error:
        wait(client, clock, events=start_run(client))
    assert "Server overloaded" in str(error.value)
    assert len(session.calls) == 1


def test_the_deadline_stops_a_slow_stream_without_another_request(clock):
    def slow_events():
        for status in ("queued", "in_progress", "in_progress", "in_progress"):
            clock.advance(1.0)
            yield "thread.run." + status, run_object(status)

    with pytest.raises(WaitTimeout) as error:
        wait_for_run(None, "thread_1", events=slow_events(), deadline=clock() + 2.0, clock=clock, sleep=clock.sleep)
    assert error.value.run["status"] == "in_progress"
    assert error.value.waited == 2.0


# -- polling -----------------------------------------------------------------------------


def test_polling_honours_openai_poll_after_ms(make_client, session, clock):
    session.add(poll_reply("queued", 250), poll_reply("in_progress", 1500), poll_reply("in_progress", 40), poll_reply("completed"))
    progress = wait(make_client(), clock, run_id="run_1")

    assert progress.status == "completed"
    assert progress.streamed is False
    assert clock.sleeps == [0.25, 1.5, 0.04]
    assert session.paths == [RUN_PATH] * 4


def test_polling_backs_off_from_100_ms_doubling_to_2_s(make_client, session, clock):
    session.add(*[poll_reply("in_progress") for dummy in range(7)] + [poll_reply("completed")])
    wait(make_client(), clock, run_id="run_1")

    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0])


def test_polling_after_a_stream_backs_off_the_same_way(make_client, session, clock):
    session.add(sse_response([run_event("in_progress")], error=cut_stream()), *[poll_reply("in_progress") for dummy in range(3)])
    session.add(poll_reply("completed"))
    client = make_client()
    wait(client, clock, events=start_run(client))

    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8])


def test_a_zero_poll_hint_does_not_turn_into_a_busy_loop(make_client, session, clock):
    session.add(poll_reply("in_progress", 0), poll_reply("in_progress"), poll_reply("in_progress"), poll_reply("completed"))
    wait(make_client(), clock, run_id="run_1")

    assert clock.sleeps[0] == 0.0
    assert all(s > 0 for s in clock.sleeps[1:])


def test_the_deadline_raises_with_the_last_run_seen_and_the_time_waited(make_client, session, clock):
    session.add(*[poll_reply("in_progress", 250, step=i) for i in range(10)])
    started = clock()

    with pytest.raises(WaitTimeout) as error:
        wait(make_client(), clock, run_id="run_1", deadline=started + 1.0)
    assert error.value.waited == 1.0
    assert error.value.run == run_object("in_progress", step=4)
    assert str(error.value) == "run run_1 on thread thread_1 was still in_progress after waiting 1.0s"
    assert clock.sleeps == [0.25] * 4
    assert len(session.calls) == 5


def test_no_sleep_goes_past_the_deadline(make_client, session, clock):
    session.add(*[poll_reply("queued") for dummy in range(10)])
    deadline = clock() + 0.5

    with pytest.raises(WaitTimeout):
        wait(make_client(), clock, run_id="run_1", deadline=deadline)
    assert clock() == pytest.approx(deadline)
    assert sum(clock.sleeps) == pytest.approx(0.5)


def test_a_run_already_stopped_in_the_given_progress_is_returned_at_once(make_client, session, clock):
    progress = RunProgress(run_object("completed"))

    assert wait(make_client(), clock, progress=progress) is progress
    assert session.calls == []


def test_the_default_stop_statuses_include_requires_action(make_client, session, clock):
    session.add(poll_reply("in_progress"), poll_reply("requires_action"))

    assert wait(make_client(), clock, run_id="run_1").status == "requires_action"


def test_waiting_for_a_cancellation_goes_through_requires_action(make_client, session, clock):
    session.add(poll_reply("requires_action"), poll_reply("cancelling"), poll_reply("cancelled"))
    progress = wait(make_client(), clock, run_id="run_1", stop_statuses=TERMINAL_STATUSES)

    assert progress.status == "cancelled"
    assert session.paths == [RUN_PATH] * 3


def test_waiting_for_a_cancellation_streams_past_requires_action_then_polls(make_client, session, clock):
    session.add(sse_response([run_event("requires_action"), DONE]), poll_reply("cancelled"))
    client = make_client()
    progress = wait(client, clock, events=start_run(client), stop_statuses=TERMINAL_STATUSES)

    assert progress.status == "cancelled"
    assert session.paths == ["POST /threads/thread_1/runs", RUN_PATH]


def test_a_polling_error_is_raised(make_client, session, clock):
    session.add(json_response({"error": {"message": "No run found with id 'run_1'."}}, status=404))

    with pytest.raises(APIError) as error:
        wait(make_client(), clock, run_id="run_1")
    assert error.value.status == 404


def test_polling_keeps_going_through_a_failure_the_client_gave_up_on(make_client, session, clock):
    # max_retries=0: each 503 reaches the waiter, which still has most of its window left.
    session.add(poll_reply("in_progress"), json_response({"error": {"message": "busy"}}, status=503),
                json_response({"error": {"message": "busy"}}, status=503), poll_reply("completed"))
    progress = wait(make_client(max_retries=0), clock, run_id="run_1", deadline=clock() + 30)

    assert progress.status == "completed"
    assert session.paths == [RUN_PATH] * 4
    assert all(s > 0 for s in clock.sleeps)


def test_a_failure_near_the_deadline_is_raised_not_hidden(make_client, session, clock):
    session.add(poll_reply("in_progress"), json_response({"error": {"message": "busy"}}, status=503))

    with pytest.raises(APIError) as error:
        wait(make_client(max_retries=0), clock, run_id="run_1", deadline=clock() + 0.15)
    assert error.value.status == 503
