# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wait for a run: follow its event stream when there is one, poll when there is not.

One monotonic deadline bounds the whole wait, whichever way it goes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.aiops.openai.plugins.module_utils._client import RETRY_STATUSES
from ansible_collections.aiops.openai.plugins.module_utils._errors import (
    APIError,
    ResponseLostError,
    StreamInterruptedError,
    WaitTimeout,
)
from ansible_collections.aiops.openai.plugins.module_utils._statuses import STOP_STATUSES

POLL_START = 0.1
POLL_CAP = 2.0


class RunProgress:
    """What has been seen of a run: its latest state, steps and messages, and how."""

    def __init__(self, run=None):
        self.run = run
        self.steps = {}
        self.messages = {}
        self.thread = None
        self.streamed = False
        self.stream_complete = False
        self.stream_error = None

    def take(self, data):
        """Record an object from a stream event or a response, by its ``object`` type.

        Objects without an ``id`` are not recorded; the run is read again by the poll if needed.
        """
        kind = data.get("object") if isinstance(data, dict) else None
        if kind is None or not isinstance(data.get("id"), str):
            return
        if kind == "thread.run" and isinstance(data.get("status"), str):
            self.run = data
        elif kind == "thread.run.step":
            self.steps[data["id"]] = data
        elif kind == "thread.message":
            self.messages[data["id"]] = data
        elif kind == "thread":
            self.thread = data

    @property
    def status(self):
        return self.run.get("status") if self.run else None


def _poll_interval(headers, previous):
    """The server's ``openai-poll-after-ms`` if it sends one, else a doubling backoff.

    ``previous`` is the last sleep, None before the first one.
    """
    value = headers.get("openai-poll-after-ms") if headers is not None else None
    if value:
        try:
            return max(float(value) / 1000.0, 0.0)
        except ValueError:
            pass
    if previous is None:
        return POLL_START
    # Never below POLL_START: after a hint of 0 the backoff must not stay at 0 (a busy loop).
    return min(max(previous * 2, POLL_START), POLL_CAP)


def _transient(exc):
    """A network failure or a status worth retrying (not a 4xx about the request itself)."""
    return exc.status is None or exc.status in RETRY_STATUSES


def follow_stream(events, progress, stop_statuses=STOP_STATUSES, deadline=None, clock=time.monotonic):
    """Consume ``(event, data)`` pairs into ``progress`` until a stop status or the end.

    Returns True when the run reached a stop status. A broken stream is recorded in
    ``progress.stream_error`` and returns False, so the caller can poll instead.
    """
    progress.streamed = True
    try:
        for _event, data in events:
            progress.take(data)
            if progress.status in stop_statuses:
                progress.stream_complete = True
                return True
            if deadline is not None and clock() >= deadline:
                return False
    except StreamInterruptedError as exc:
        progress.stream_error = exc
    return False


def wait_for_run(poll, thread_id=None, run_id=None, deadline=None, events=None, progress=None,
                 stop_statuses=STOP_STATUSES, action="waiting for", clock=time.monotonic, sleep=time.sleep):
    """Wait until the run stops (terminal status or ``requires_action``) and return its ``RunProgress``.

    ``events`` is an optional stream of ``(event, data)`` from ``Client.stream``; when it breaks
    or ends early, the same run is polled with ``poll(thread_id, run_id, deadline)`` (a ``Reply``
    whose data is the run, from the API layer), sleeping what ``openai-poll-after-ms`` says or a
    backoff from 100 ms up to 2 s. Raises ``WaitTimeout`` with the last run seen once
    ``deadline`` (monotonic) passes, and ``ResponseLostError`` when a creating stream broke
    before it named its run.
    """
    started = clock()
    progress = progress or RunProgress()
    if events is not None and follow_stream(events, progress, stop_statuses, deadline, clock):
        return progress
    run = progress.run
    run_id = run_id or (run or {}).get("id")
    if not run_id:
        cause = progress.stream_error
        raise ResponseLostError(
            "the stream broke before the server said which run it created{0}".format(
                ": {0}".format(cause) if cause else ""),
            method=getattr(cause, "method", None), path=getattr(cause, "path", None))
    thread_id = thread_id or run.get("thread_id")
    interval = POLL_START
    # Without a known state the first GET goes at once; every later one waits its interval.
    pause = run is not None
    while True:
        if run is not None and run.get("status") in stop_statuses:
            return progress
        now = clock()
        if deadline is not None and now >= deadline:
            raise WaitTimeout(run or {"id": run_id, "thread_id": thread_id, "status": "unknown"}, now - started, action)
        if pause:
            sleep(interval if deadline is None else min(interval, deadline - now))
        try:
            reply = poll(thread_id, run_id, deadline)
        except APIError as exc:
            # The client has spent its retries; a flaky network still gets the rest of the window.
            if not _transient(exc) or deadline is None or clock() + interval >= deadline:
                raise
            interval = min(interval * 2, POLL_CAP) if pause else interval
            pause = True
            continue
        run = reply.data
        progress.take(run)
        interval = _poll_interval(reply.headers, interval if pause else None)
        pause = True
