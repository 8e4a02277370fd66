# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The least a module can do to wait for a run: the benchmark's floor for Ansible's own per-task cost.

Creates one streamed run with the standard library, reads the event stream until the run ends,
writes its result and ends the process at once (no AnsiballZ clean-up, no interpreter teardown).
No idempotence, no retries, no checks: a yardstick for the benchmark (tests/bench), not a module
to use. What a playbook waits for beyond this module is Ansible's, and so unavoidable for any
module; what ``aiops.openai.run`` adds on top is its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bench_floor
short_description: benchmark yardstick, create a streamed run and return when it ends
description:
  - Creates a run with C(stream=true) and returns as soon as the stream says the run ended.
options:
  base_url:
    description: Emulator URL, ending in C(/v1).
    type: str
    required: true
  api_key:
    description: Key sent as a bearer token.
    type: str
    required: true
  thread_id:
    description: Thread to run on.
    type: str
    required: true
  assistant_id:
    description: Assistant to run.
    type: str
    required: true
author: aiops.openai contributors
"""

import json
import os
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves import http_client
from ansible.module_utils.six.moves.urllib.parse import urlsplit

END_EVENTS = ("thread.run.completed", "thread.run.failed", "thread.run.cancelled", "thread.run.expired",
              "thread.run.incomplete", "thread.run.requires_action")


def wait(base_url, api_key, thread_id, assistant_id):
    url = urlsplit(base_url)
    connection = http_client.HTTPConnection(url.hostname, url.port, timeout=300)
    connection.request("POST", "{0}/threads/{1}/runs".format(url.path.rstrip("/"), thread_id),
                       body=json.dumps({"assistant_id": assistant_id, "stream": True}),
                       headers={"Authorization": "Bearer " + api_key, "OpenAI-Beta": "assistants=v2",
                                "Content-Type": "application/json"})
    response = connection.getresponse()
    event = None
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: ") and event in END_EVENTS:
            return json.loads(line[len("data: "):])
    raise RuntimeError("the stream ended before the run did")


def main():
    module = AnsibleModule(argument_spec=dict(
        base_url=dict(type="str", required=True), api_key=dict(type="str", required=True, no_log=True),
        thread_id=dict(type="str", required=True), assistant_id=dict(type="str", required=True)))
    p = module.params
    try:
        run = wait(p["base_url"], p["api_key"], p["thread_id"], p["assistant_id"])
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_json(msg="{0}: {1}".format(type(exc).__name__, exc))
    sys.stdout.write(json.dumps({"changed": True, "run": {"id": run["id"], "status": run["status"], "thread_id": run["thread_id"]}}))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
