# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark timing callback: when each task started and when its result reached the controller.

Writes one JSON object per line to the file named by ``AIOPS_BENCH_EVENTS``. ``t`` is
``time.time()`` in the controller's main process, taken as the callback fires: for ``ok`` that is
the moment the result of the task is back in the playbook, i.e. when the playbook moves on.
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timing
type: aggregate
short_description: record task start and result times for the benchmarks (tests/bench)
description:
  - Writes a JSON line per task start and result to the file in the environment variable C(AIOPS_BENCH_EVENTS).
requirements:
  - enable with C(ANSIBLE_CALLBACKS_ENABLED=bench_timing)
"""


def _run_fields(result):
    """Run id, status and thread id from a run module result or a uri result."""
    run = result.get("run") if isinstance(result.get("run"), dict) else None
    if run is None and isinstance(result.get("json"), dict):
        run = result["json"]
    run = run or {}
    return {"run_id": run.get("id"), "status": run.get("status"), "thread_id": run.get("thread_id")}


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        path = os.environ.get("AIOPS_BENCH_EVENTS")
        self._out = open(path, "a", encoding="utf-8") if path else None  # pylint: disable=consider-using-with

    def _write(self, event, host, task, **fields):
        now = time.time()
        if self._out is None:
            return
        record = {"event": event, "t": now, "host": host, "task": task}
        record.update(fields)
        self._out.write(json.dumps(record) + "\n")
        self._out.flush()

    def v2_playbook_on_start(self, playbook):
        self._write("playbook_start", None, None)

    def v2_runner_on_start(self, host, task):
        self._write("start", host.get_name(), task.get_name())

    def v2_runner_on_ok(self, result):
        res = result._result  # pylint: disable=protected-access
        self._write("ok", result._host.get_name(), result._task.get_name(),  # pylint: disable=protected-access
                    changed=bool(res.get("changed")), attempts=res.get("attempts"), **_run_fields(res))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        res = result._result  # pylint: disable=protected-access
        self._write("failed", result._host.get_name(), result._task.get_name(),  # pylint: disable=protected-access
                    msg=str(res.get("msg"))[:500], **_run_fields(res))

    def v2_runner_on_unreachable(self, result):
        self._write("failed", result._host.get_name(), result._task.get_name(), msg="unreachable")  # pylint: disable=protected-access

    def v2_playbook_on_stats(self, stats):
        self._write("playbook_end", None, None)
        if self._out is not None:
            self._out.close()
            self._out = None
