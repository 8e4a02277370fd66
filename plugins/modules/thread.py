#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: thread
short_description: Create, update and delete OpenAI threads or conversations
version_added: 0.1.0
description:
  - Creates a thread of the OpenAI Assistants API v2, updates the metadata and tool resources of an existing one
    (O(thread_id)), or deletes one.
  - On the Responses API (see O(api)) the thread is a conversation (C(conv_...)), created with its metadata and first
    O(messages) as items, read, updated (metadata) and deleted the same way. Conversations have no tool resources.
  - B(A thread is known by its ID only.) The API cannot list threads, so without O(thread_id) the module cannot
    tell whether "the" thread exists, and O(state=present) B(creates a new thread every time) (C(changed=true)).
    To keep a playbook idempotent, keep the ID of the thread it created (in a file, a fact, an inventory
    variable...) and pass it back as O(thread_id) the next time; see the examples.
  - With O(thread_id), only the options you set are compared; an option you leave out is left as it is.
  - On the Responses API the collection keeps a journal in two metadata keys of the conversation,
    C(aiops_openai_journal) and C(aiops_openai_journal_2) (see M(aiops.openai.run)). The module does not show,
    compare or change them, and refuses them in O(metadata).
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.message.thread
  - aiops.openai.tools.tool_resources
  - aiops.openai.attributes
  - aiops.openai.attributes.state
attributes:
  check_mode:
    details: Reads the thread (with O(thread_id)), predicts C(changed), and sends no POST or DELETE.
  diff_mode:
    details: Shows the options you set, as they are on the server and as they will be.
options:
  state:
    description:
      - V(present) creates a thread (without O(thread_id)) or updates the thread O(thread_id) to the options you set.
      - V(absent) deletes the thread O(thread_id), with its messages and runs. A thread that does not exist
        (any more) is C(changed=false).
    type: str
    choices: [present, absent]
    default: present
  thread_id:
    description:
      - The ID of an existing thread to update or delete.
      - Without it, O(state=present) creates a new thread. Required with O(state=absent).
      - With O(state=present), the thread must exist; the task fails if it does not (for example after it was deleted).
      - On the Responses API, the ID of a conversation (C(conv_...)).
    type: str
  metadata:
    description:
      - Key-value pairs attached to the thread, at most 16, keys up to 64 and values up to 512 characters.
      - Values that are not strings are sent as JSON text.
      - Compared as a whole; a key missing here is removed from the thread.
      - On the Responses API, the conversation's metadata; at most 14 keys there (the journal takes two).
    type: dict
notes:
  - If the response to the create request is lost (dropped connection, timeout, gateway error), the task fails
    instead of sending the request again, because the API cannot list threads to find out whether the first request
    created one. Running the task again creates a thread; the first one may be left over, empty.
    The same holds for conversations on the Responses API.
  - On the Responses API, O(tool_resources) is refused before any request (name vector stores in the run's
    O(aiops.openai.run#module:tools[].file_search.vector_store_ids) instead), and O(messages) take no
    attachments and no metadata (conversation items have none).
seealso:
  - module: aiops.openai.thread_info
  - module: aiops.openai.message
  - module: aiops.openai.run
"""

EXAMPLES = r"""
# One-off: a new thread every time the task runs.
- name: Start a conversation
  aiops.openai.thread:
    metadata:
      ticket: INC-1234
    messages:
      - content: Which S3 buckets are public?
  register: thread

# Idempotent: keep the thread's ID in a file and pass it back on the next run.
- name: Read the ID of the thread an earlier run created
  ansible.builtin.slurp:
    src: /var/lib/aiops/thread_id
  register: kept
  failed_when: false

- name: Create the thread the first time, reuse it afterwards
  aiops.openai.thread:
    thread_id: "{{ (kept.content | b64decode | trim) if kept.content is defined else omit }}"
    metadata:
      ticket: INC-1234
  register: thread

- name: Keep its ID for the next run
  ansible.builtin.copy:
    content: "{{ thread.thread.id }}"
    dest: /var/lib/aiops/thread_id
    mode: "0600"

# The same with a fact, kept between runs by a persistent fact cache
# (for example fact_caching = jsonfile in ansible.cfg).
- name: Create the thread unless this host remembers one
  aiops.openai.thread:
    thread_id: "{{ aiops_thread_id | default(omit) }}"
  register: thread

- name: Remember it
  ansible.builtin.set_fact:
    aiops_thread_id: "{{ thread.thread.id }}"
    cacheable: true

- name: Attach a vector store to the thread
  aiops.openai.thread:
    thread_id: "{{ thread.thread.id }}"
    tool_resources:
      file_search:
        vector_store_ids: [vs_abc123]

- name: Delete the thread
  aiops.openai.thread:
    thread_id: "{{ thread.thread.id }}"
    state: absent
"""

RETURN = r"""
thread:
  description:
    - The thread as the API returns it.
    - In check mode, the thread as it is now (empty when it would be created).
    - With O(state=absent), the thread as it was before it was deleted (empty when there was none).
  returned: success
  type: dict
  contains:
    id:
      description: The thread's ID (on the Responses API the conversation's, C(conv_...)); keep it to use the thread again.
      type: str
      sample: thread_abc123
    object:
      description: Always C(thread) (on the Responses API C(conversation)).
      type: str
      sample: thread
    created_at:
      description: Unix time the thread was created.
      type: int
      sample: 1767225600
    tool_resources:
      description: The files and vector stores of the thread (not on the Responses API).
      type: dict
      sample: {}
    metadata:
      description: The thread's metadata (on the Responses API without the journal's keys).
      type: dict
      sample: {"ticket": "INC-1234"}
api:
  description: The API the task used, V(assistants) or V(responses) (see O(api)).
  returned: success
  type: str
  sample: responses
"""

from ansible_collections.aiops.openai.plugins.module_utils._errors import ResponseLostError
from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._resources import (
    ResourceModule,
    normalize_tool_resources,
    tool_resources_argument_spec,
)
from ansible_collections.aiops.openai.plugins.module_utils._specs import (
    check_id,
    drop_none,
    message_options,
    message_request,
    normalize_metadata,
)

FIELDS = ("metadata", "tool_resources")


class ThreadModule(ResourceModule):

    result_key = "thread"
    apis = ("assistants", "responses")

    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        thread_id=dict(type="str"),
        metadata=dict(type="dict"),
        tool_resources=tool_resources_argument_spec(),
        messages=dict(type="list", elements="dict", options=message_options()),
    )

    def validate(self):
        p = self.params
        self.thread_id = check_id(p["thread_id"], "thread_id")
        if p["state"] == "absent" and self.thread_id is None:
            raise ValidationError("thread_id: required with state=absent (the API cannot list threads to find one)")
        self.wanted = drop_none(dict(
            metadata=normalize_metadata(p["metadata"]),
            tool_resources=normalize_tool_resources(p["tool_resources"]),
        ))
        self.messages = [message_request(m, "messages[{0}]".format(i))[0] for i, m in enumerate(p["messages"] or [])]

    def validate_for(self, api):
        """The create body on ``api`` (on the Responses API: a conversation, which refuses tool_resources)."""
        self.body = api.thread_body(self.wanted, self.messages)

    def execute(self):
        if self.params["state"] == "absent":
            return self.remove(lambda: self.api.thread_delete(self.thread_id), self.api.thread_get(self.thread_id), FIELDS)
        if self.thread_id is None:
            return self.create()
        current = self.api.thread_get(self.thread_id)
        if current is None:
            raise ValidationError("thread_id: no thread has the ID {0!r} (was it deleted?); leave thread_id out to create a new thread".format(
                self.thread_id))
        self.update(lambda body: self.api.thread_update(self.thread_id, body), current, self.wanted)

    def create(self):
        wanted = dict(self.wanted)
        if self.messages:
            wanted["messages"] = self.messages
        if self.module.check_mode:
            return self.created(wanted)
        try:
            thread = self.api.thread_create(self.body)
        except ResponseLostError as exc:
            # Threads cannot be listed: there is no way to find the one the server may have created.
            self.fail_api(exc, msg="{0}. The API cannot list threads, so the module cannot find out whether the thread was created, "
                          "and did not send the request again. Run the task again to create a thread (an empty one may be left over)".format(
                              exc.message))
        self.created(wanted, thread)


def main():
    ThreadModule.main()


if __name__ == "__main__":
    main()
