#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: run_info
short_description: Read OpenAI runs or responses, optionally waiting for one to finish
version_added: 0.1.0
description:
  - With O(run_id), reads one run with its steps and the messages it added, like the Terraform
    C(openai_run) resource's read, and can wait for it to finish within O(completion_window).
  - With only O(thread_id), lists the thread's runs.
  - On the Responses API (see O(api)) it reads one response, in the same shape as M(aiops.openai.run) returns it
    (C(run.object) is C(response), C(run.steps) its output items, C(run.thread_id) its conversation). That API cannot
    list the responses of a conversation, so O(run_id) is required there.
  - Never changes anything.
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.attributes
  - aiops.openai.attributes.info
options:
  thread_id:
    description:
      - The thread of the run(s).
      - Required unless O(run_id) is in the form C(thread_id:run_id).
      - On the Responses API, the conversation (C(conv_...)); not needed with a C(resp_...) O(run_id).
    type: str
  run_id:
    description:
      - The run to read, as a plain ID together with O(thread_id) or as C(thread_id:run_id).
      - Without it, the thread's runs are listed.
      - On the Responses API, a response ID, C(resp_...) or C(conv_...:resp_...); required there.
    type: str
  completion_window:
    description:
      - With O(run_id), seconds to wait for the run to finish (a terminal status or C(requires_action)),
        polling at the interval the server asks for.
      - The wait also stops at O(timeouts.read). When it runs out, the task fails with the run's last status.
    type: float
  timeouts:
    description: Limits in seconds, as in the Terraform resource.
    type: dict
    default: {}
    suboptions:
      read:
        description: Limit for reading the run(s) and waiting.
        type: float
        default: 300
  limit:
    description: Without O(run_id), the most runs to return.
    type: int
    default: 20
  order:
    description: Without O(run_id), V(desc) lists the newest runs first, V(asc) the oldest.
    type: str
    choices: [asc, desc]
    default: desc
seealso:
  - module: aiops.openai.run
"""

EXAMPLES = r"""
- name: Read a run with its steps and reply
  aiops.openai.run_info:
    run_id: thread_abc123:run_xyz789
  register: info

- name: Wait up to five minutes for a run started elsewhere
  aiops.openai.run_info:
    thread_id: thread_abc123
    run_id: run_xyz789
    completion_window: 300
  register: finished

- name: Show the answer
  ansible.builtin.debug:
    msg: "{{ finished.output_text }}"

- name: List the ten newest runs of a thread
  aiops.openai.run_info:
    thread_id: thread_abc123
    limit: 10
  register: listing
"""

RETURN = r"""
run:
  description:
    - With O(run_id), the run with its C(steps) and C(file_ids), shaped like the C(run) result of M(aiops.openai.run).
  returned: when O(run_id) is given
  type: dict
  sample: {"id": "run_xyz789", "object": "thread.run", "status": "completed", "steps": [], "file_ids": []}
messages:
  description: With O(run_id), the messages the run added to the thread, oldest first.
  returned: when O(run_id) is given
  type: list
  elements: dict
output_text:
  description: With O(run_id), the text of the assistant messages the run added, joined by blank lines.
  returned: when O(run_id) is given
  type: str
  sample: The answer is 42.
tool_calls:
  description: With O(run_id) and the run in C(requires_action), the tool calls it waits for.
  returned: when O(run_id) is given
  type: list
  elements: dict
runs:
  description: Without O(run_id), the thread's runs as the API returns them.
  returned: when O(run_id) is not given
  type: list
  elements: dict
api:
  description: The API the task used, V(assistants) or V(responses) (see O(api)).
  returned: success
  type: str
  sample: responses
"""

from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._resources import check_limit, first
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id


class RunInfoModule(OpenAIModule):

    apis = ("assistants", "responses")

    argument_spec = dict(
        thread_id=dict(type="str"),
        run_id=dict(type="str"),
        completion_window=dict(type="float"),
        timeouts=dict(type="dict", default={}, apply_defaults=True, options=dict(
            read=dict(type="float", default=300),
        )),
        limit=dict(type="int", default=20),
        order=dict(type="str", choices=["asc", "desc"], default="desc"),
    )
    module_options = dict(required_one_of=[("thread_id", "run_id")], required_by=dict(completion_window="run_id"))

    def validate(self):
        p = self.params
        self.thread_id, self.run_id = check_id(p["thread_id"], "thread_id"), p["run_id"]
        if self.run_id is None and not self.thread_id:
            raise ValidationError("thread_id: required (with run_id to read one run, alone to list the thread's runs)")
        if self.run_id is None and p["completion_window"] is not None:
            raise ValidationError("completion_window: only used with run_id")
        if p["completion_window"] is not None and p["completion_window"] <= 0:
            raise ValidationError("completion_window: must be a positive number of seconds, got {0}".format(p["completion_window"]))
        if p["timeouts"]["read"] is None or p["timeouts"]["read"] <= 0:
            raise ValidationError("timeouts.read: must be a positive number of seconds, got {0}".format(p["timeouts"]["read"]))
        check_limit(p)

    def validate_for(self, api):
        """The run reference on ``api``: the Responses API cannot list responses, so it needs run_id."""
        self.thread_id, self.run_id = api.runs_reference(self.params)

    def execute(self):
        read = self.params["timeouts"]["read"]
        deadline = self.deadline(read)
        limit = self.params["limit"]
        if self.run_id is None:
            self.result["runs"] = first(self.api.runs(self.thread_id, self.params["order"], page_size=min(limit, 100),
                                                      deadline=deadline), limit)
            return
        run = self.api.run_get(self.thread_id, self.run_id, deadline=deadline)
        window = self.params["completion_window"]
        if window is not None:
            run = self.api.run_wait(run, self.deadline(min(window, read))).run
        self.result.update(self.api.run_outputs(run, self.api.run_steps(run, deadline=deadline),
                                                self.api.run_messages(run, deadline=deadline)))


def main():
    RunInfoModule.main()


if __name__ == "__main__":
    main()
