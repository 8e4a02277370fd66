#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: thread_info
short_description: Read an OpenAI thread or conversation by ID
version_added: 0.1.0
description:
  - Reads one thread of the OpenAI Assistants API v2, and tells whether it exists.
  - On the Responses API (see O(api)) it reads a conversation (its metadata without the collection's journal keys).
  - The API cannot list threads; a thread is known by its ID only.
  - Use M(aiops.openai.message_info) for the thread's messages and M(aiops.openai.run_info) for its runs.
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
      - The ID of the thread. A thread that does not exist gives RV(exists=false), not an error.
      - On the Responses API, the ID of a conversation (C(conv_...)).
    type: str
    required: true
seealso:
  - module: aiops.openai.thread
  - module: aiops.openai.message_info
"""

EXAMPLES = r"""
- name: Is the thread we kept from the last run still there?
  aiops.openai.thread_info:
    thread_id: "{{ kept_thread_id }}"
  register: kept

- name: Start a new one if not
  aiops.openai.thread: {}
  register: thread
  when: not kept.exists
"""

RETURN = r"""
exists:
  description: Whether the thread exists.
  returned: always
  type: bool
  sample: true
thread:
  description: The thread as the API returns it; empty when it does not exist.
  returned: always
  type: dict
  sample: {"id": "thread_abc123", "object": "thread", "created_at": 1767225600, "tool_resources": {}, "metadata": {}}
api:
  description: The API the task used, V(assistants) or V(responses) (see O(api)).
  returned: success
  type: str
  sample: responses
"""

from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id


class ThreadInfoModule(OpenAIModule):

    apis = ("assistants", "responses")

    argument_spec = dict(
        thread_id=dict(type="str", required=True),
    )

    def validate(self):
        self.thread_id = check_id(self.params["thread_id"], "thread_id")

    def execute(self):
        thread = self.api.thread_get(self.thread_id)
        self.result["exists"] = thread is not None
        self.result["thread"] = thread or {}


def main():
    ThreadInfoModule.main()


if __name__ == "__main__":
    main()
