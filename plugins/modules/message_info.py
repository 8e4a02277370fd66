#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: message_info
short_description: Read the messages of an OpenAI thread or conversation
version_added: 0.1.0
description:
  - With O(message_id), reads one message of a thread of the OpenAI Assistants API v2.
  - On the Responses API (see O(api)) it reads the C(message) items of a conversation, in the shape of Assistants
    messages (C(content[].text.value)), so a playbook reads both alike.
  - Without it, lists the thread's messages, optionally only those one run added (O(run_id)).
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
      - The ID of the thread. Listing the messages of a thread that does not exist fails.
      - On the Responses API, the ID of a conversation (C(conv_...)).
    type: str
    required: true
  message_id:
    description:
      - The ID of the message to read. A message that does not exist gives an empty RV(message), not an error.
    type: str
  run_id:
    description:
      - Without O(message_id), list only the messages this run added.
      - On the Responses API, a response ID (C(resp_...)), whose output messages are listed.
    type: str
  limit:
    description: Without O(message_id), the most messages to return, between V(1) and V(10000).
    type: int
    default: 20
  order:
    description: Without O(message_id), V(desc) lists the newest messages first, V(asc) the oldest.
    type: str
    choices: [asc, desc]
    default: desc
seealso:
  - module: aiops.openai.message
  - module: aiops.openai.run_info
"""

EXAMPLES = r"""
- name: The ten newest messages of a thread
  aiops.openai.message_info:
    thread_id: thread_abc123
    limit: 10
  register: recent

- name: Show their text
  ansible.builtin.debug:
    msg: "{{ recent.messages | map(attribute='content') | flatten | selectattr('type', 'equalto', 'text')
             | map(attribute='text.value') | list }}"

- name: The messages one run added, oldest first
  aiops.openai.message_info:
    thread_id: thread_abc123
    run_id: run_xyz789
    order: asc
  register: answer

- name: Read one message
  aiops.openai.message_info:
    thread_id: thread_abc123
    message_id: msg_abc123
  register: one
"""

RETURN = r"""
message:
  description: With O(message_id), the message as the API returns it; empty when it does not exist.
  returned: when O(message_id) is given
  type: dict
  sample: {"id": "msg_abc123", "object": "thread.message", "role": "user", "run_id": null,
           "content": [{"type": "text", "text": {"value": "Which S3 buckets are public?", "annotations": []}}]}
messages:
  description: Without O(message_id), the thread's messages as the API returns them, in O(order) and at most O(limit).
  returned: when O(message_id) is not given
  type: list
  elements: dict
  sample: [{"id": "msg_abc123", "object": "thread.message", "role": "assistant", "run_id": "run_xyz789",
            "content": [{"type": "text", "text": {"value": "None of them.", "annotations": []}}]}]
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


class MessageInfoModule(OpenAIModule):

    apis = ("assistants", "responses")

    argument_spec = dict(
        thread_id=dict(type="str", required=True),
        message_id=dict(type="str"),
        run_id=dict(type="str"),
        limit=dict(type="int", default=20),
        order=dict(type="str", choices=["asc", "desc"], default="desc"),
    )

    def validate(self):
        p = self.params
        self.thread_id = check_id(p["thread_id"], "thread_id")
        self.message_id = check_id(p["message_id"], "message_id")
        self.run_id = check_id(p["run_id"], "run_id")
        if self.message_id is not None and self.run_id is not None:
            raise ValidationError("run_id: only used to filter a list, not with message_id")
        check_limit(p)

    def execute(self):
        if self.message_id is not None:
            self.result["message"] = self.api.message_get(self.thread_id, self.message_id) or {}
            return
        limit = self.params["limit"]
        self.result["messages"] = first(self.api.messages(self.thread_id, self.params["order"], run_id=self.run_id,
                                                          page_size=min(limit, 100)), limit)


def main():
    MessageInfoModule.main()


if __name__ == "__main__":
    main()
