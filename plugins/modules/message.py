#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: message
short_description: Add a message to an OpenAI thread or conversation, once
version_added: 0.1.0
description:
  - Adds a message to a thread of the OpenAI Assistants API v2, or deletes one.
  - On the Responses API (see O(api)) the message is a C(message) item of the conversation O(thread_id).
    Items carry no metadata, so the module recognises its own through the journal that the collection keeps in
    the conversation's metadata (keys C(aiops_openai_journal) and C(aiops_openai_journal_2)), which maps the digest of
    the message (role, content, O(key)) to the ID of the item that holds it. Running the task again reads the
    conversation and that item (two requests) and adds nothing; an item added by anything else, or a first
    message of M(aiops.openai.thread), never matches. Before an item is added, the journal notes it as pending; after
    a lost answer the item is looked for by role and content among the newer items before it is sent again.
  - B(Idempotent.) A message added by this module carries one metadata key, C(aiops_openai_message), whose value is a
    digest of its O(role), O(content), O(attachments) (if any) and O(key). With O(state=present), if a message with
    the same digest is anywhere on the thread, nothing is added (C(changed=false)); only its O(metadata) is updated
    if you set it and it differs. So running a playbook again does not repeat its questions.
  - To ask the same question again on purpose, give the task a new O(key) (for example a date, a build number or a
    loop index). A different key makes a different message.
  - A message added by M(aiops.openai.run) with its C(additional_messages), or written by the assistant, never
    matches; a message a new thread was started with (M(aiops.openai.thread) with C(messages)) matches when it has
    the same role and content and the task has no O(key).
  - The API does not accept new messages on a thread while a run is active on it; the task then fails and says so.
  - On the Responses API, O(attachments) and O(metadata) are refused before any request (items have neither; put
    files in a vector store and name it in the run's C(tools[].file_search.vector_store_ids)).
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.message
  - aiops.openai.attributes
  - aiops.openai.attributes.state
attributes:
  check_mode:
    details: Reads the thread's messages, predicts C(changed), and sends no POST or DELETE.
  diff_mode:
    details: Shows the message as it is on the thread (if it is) and as the task wants it.
options:
  state:
    description:
      - V(present) adds the message unless the thread already has it.
      - V(absent) deletes the message O(message_id), or every message this module added with the same O(role),
        O(content), O(attachments) and O(key). A message that does not exist is C(changed=false).
    type: str
    choices: [present, absent]
    default: present
  thread_id:
    description:
      - The ID of the thread.
      - On the Responses API, the ID of the conversation (C(conv_...)).
    type: str
    required: true
  message_id:
    description:
      - With O(state=absent), the ID of the message to delete (any message of the thread, not only ones this module added).
      - Not used with O(state=present).
      - On the Responses API, the ID of a conversation item.
    type: str
  key:
    description:
      - Part of the message's identity besides its role, content and attachments.
      - Give a new value to add the same text again (another question that happens to have the same words).
    type: str
notes:
  - Finding the message reads the thread's messages, newest first, 100 per request, until it is found (all of them
    when it is not there).
  - If the response to the create request is lost, the module looks for the message (by its marker) before it sends
    the request again.
  - On the Responses API, finding the message reads the conversation's metadata and the item the journal names.
seealso:
  - module: aiops.openai.message_info
  - module: aiops.openai.thread
  - module: aiops.openai.run
"""

EXAMPLES = r"""
- name: Ask a question (added once, however often the playbook runs)
  aiops.openai.message:
    thread_id: "{{ thread.thread.id }}"
    content: Which S3 buckets are public?
  register: question

- name: Get the answer
  aiops.openai.run:
    thread_id: "{{ thread.thread.id }}"
    assistant_id: "{{ assistant.assistant.id }}"
    completion_window: 60

- name: Ask the same question again every day
  aiops.openai.message:
    thread_id: "{{ thread.thread.id }}"
    content: Which S3 buckets are public?
    key: "{{ now(utc=true, fmt='%Y-%m-%d') }}"

- name: Send a file to the code interpreter, with a picture
  aiops.openai.message:
    thread_id: "{{ thread.thread.id }}"
    content:
      - type: text
        text: Plot the costs in this CSV like the chart in the picture.
      - type: image_url
        image_url:
          url: https://example.com/chart.png
    attachments:
      - file_id: file-abc123
        tools:
          - type: code_interpreter
    metadata:
      source: ansible

- name: Delete the question
  aiops.openai.message:
    thread_id: "{{ thread.thread.id }}"
    message_id: "{{ question.message.id }}"
    state: absent
"""

RETURN = r"""
message:
  description:
    - The message as the API returns it.
    - In check mode, the message as it is now (empty when it would be added).
    - With O(state=absent), the message as it was before it was deleted (empty when there was none).
  returned: success
  type: dict
  contains:
    id:
      description: The message's ID.
      type: str
      sample: msg_abc123
    object:
      description: Always C(thread.message) (on the Responses API C(conversation.item)).
      type: str
      sample: thread.message
    created_at:
      description: Unix time the message was created.
      type: int
      sample: 1767225600
    thread_id:
      description: The thread the message belongs to.
      type: str
      sample: thread_abc123
    status:
      description: C(in_progress), C(incomplete) or C(completed).
      type: str
      sample: completed
    role:
      description: C(user) or C(assistant).
      type: str
      sample: user
    content:
      description: The content parts of the message.
      type: list
      elements: dict
      sample: [{"type": "text", "text": {"value": "Which S3 buckets are public?", "annotations": []}}]
    attachments:
      description: The files attached to the message.
      type: list
      elements: dict
      sample: []
    assistant_id:
      description: The assistant that wrote the message, or null.
      type: str
    run_id:
      description: The run that wrote the message, or null.
      type: str
    metadata:
      description:
        - The message's metadata, including the module's C(aiops_openai_message) marker.
        - On the Responses API always empty (items have no metadata).
      type: dict
      sample: {"aiops_openai_message": "3f1c0a9e7b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e"}
api:
  description: The API the task used, V(assistants) or V(responses) (see O(api)).
  returned: success
  type: str
  sample: responses
"""

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, MissingPath
from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._resources import ResourceModule
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id, message_options, message_request

FIELDS = ("role", "content", "attachments", "metadata")


class MessageModule(ResourceModule):

    result_key = "message"
    apis = ("assistants", "responses")

    argument_spec = dict(
        message_options(content_required=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        thread_id=dict(type="str", required=True),
        message_id=dict(type="str"),
        key=dict(type="str", no_log=False),
    )

    def validate(self):
        p = self.params
        self.thread_id = check_id(p["thread_id"], "thread_id")
        self.message_id = check_id(p["message_id"], "message_id")
        if p["state"] == "present" and self.message_id is not None:
            raise ValidationError("message_id: only used with state=absent; with state=present the message is found by its content")
        if p["content"] is None and self.message_id is None:
            raise ValidationError("content: required with state={0}{1}".format(
                p["state"], " (or give message_id)" if p["state"] == "absent" else ""))
        if p["key"] is not None and not p["key"].strip():
            raise ValidationError("key: must not be empty")
        self.body = self.marker = None
        if p["content"] is not None:
            self.body, self.marker = message_request(p, key=p["key"])

    def validate_for(self, api):
        """On the Responses API the message must fit a message item (no attachments, no metadata of its own)."""
        if self.body is not None:
            # The message's options are the module's top-level ones (metadata, attachments, content).
            api.message_body(self.body, where="")

    def find(self, missing_thread_ok=False):
        """The messages this task's marker is on, newest first."""
        try:
            # The body lets an API settle an add whose answer was lost by role and content (the Responses API's journal).
            return self.api.marked_messages(self.thread_id, self.marker, body=self.body)
        except APIError as exc:
            if exc.status != 404 or isinstance(exc, MissingPath):
                raise
            if missing_thread_ok:
                return []
            raise ValidationError("thread_id: no thread has the ID {0!r}".format(self.thread_id))

    def execute(self):
        if self.params["state"] == "absent":
            return self.absent()
        identity = {"thread_id": self.thread_id, "role": self.body["role"], "content": self.body["content"]}
        found = self.find()
        if found:
            wanted = {"metadata": self.body["metadata"]} if self.params["metadata"] is not None else {}
            return self.update(lambda body: self.api.message_update(self.thread_id, found[0]["id"], body), found[0], wanted,
                               identity=dict(identity, id=found[0]["id"]))
        if self.module.check_mode:
            return self.created(self.body, identity={"thread_id": self.thread_id})
        self.created(self.body, self.create(), identity={"thread_id": self.thread_id})

    def create(self):
        """Add the message (``create_once``: a lost response is looked for by its marker before sending again)."""
        try:
            return self.api.message_create(self.thread_id, self.body, self.marker)
        except APIError as exc:
            if exc.status == 400 and "active" in (exc.message or "").lower():
                self.refused_by_active_run(exc)
            raise

    def refused_by_active_run(self, exc):
        """Fail naming the run that keeps the thread busy, and how to get past it."""
        active = self.api.active_run(self.thread_id)
        ref = "{0}:{1}".format(self.thread_id, active["id"]) if active else "{0}:<run id>".format(self.thread_id)
        self.fail_api(exc, msg=(
            "thread {0} has an active run{1}, and the API accepts no new messages until it ends; wait for it "
            "(aiops.openai.run_info with run_id={2} and completion_window) or cancel it (aiops.openai.run with run_id={2} "
            "and state=absent), then run this task again. The server said: {3}").format(
                self.thread_id, " {0} ({1})".format(active["id"], active["status"]) if active else "", ref, exc.message))

    def deleter(self, message_id):
        return lambda: self.api.message_delete(self.thread_id, message_id)

    def absent(self):
        if self.message_id is not None:
            current = self.api.message_get(self.thread_id, self.message_id)
            return self.remove(self.deleter(self.message_id), current, FIELDS)
        found = self.find(missing_thread_ok=True)
        if not found:
            return self.remove(None, None, FIELDS)
        # Oldest first, so that the result is the newest.
        changed = False
        for message in reversed(found):
            self.remove(self.deleter(message["id"]), message, FIELDS)
            changed = changed or self.result["changed"]
        self.result["changed"] = changed


def main():
    MessageModule.main()


if __name__ == "__main__":
    main()
