# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # The message module's options role, content, attachments and metadata. The same options are in
    # THREAD (the thread module's messages) and RUN (the run module's additional_messages), each with
    # its own lines about content and metadata; ansible-test reads each fragment as one string literal.
    DOCUMENTATION = r"""
options:
  role:
    description:
      - Who wrote the message. V(user) is a question or instruction; V(assistant) inserts an answer into the conversation.
    type: str
    choices: [user, assistant]
    default: user
  content:
    description:
      - >-
        The text of the message, or a list of content parts as the API accepts them, for example
        C({"type": "text", "text": "..."}), C({"type": "image_file", "image_file": {"file_id": "file-abc"}}) or
        C({"type": "image_url", "image_url": {"url": "https://..."}}).
      - Required with O(state=present), and with O(state=absent) unless O(message_id) is given. Must not be empty.
    type: raw
    required: false
  attachments:
    description:
      - Files attached to the message, and the tools they are added to.
      - On the Responses API, refused (message items have no attachments; name a vector store in the run's
        C(tools[].file_search.vector_store_ids)).
    type: list
    elements: dict
    suboptions:
      file_id:
        description: The ID of the file.
        type: str
        required: true
      tools:
        description: The tools the file is added to.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description: The tool.
            type: str
            required: true
            choices: [code_interpreter, file_search]
  metadata:
    description:
      - Key-value pairs attached to the message, at most 15 (the API allows 16; the module's marker C(aiops_openai_message) takes one),
        keys up to 64 and values up to 512 characters. The keys C(aiops_openai_message) and C(aiops_openai_run) are reserved.
      - Values that are not strings are sent as JSON text.
      - On the Responses API, refused (conversation items carry no metadata).
      - Not part of the message's identity; when the message is already there, its metadata is updated if it differs.
    type: dict
"""

    # The messages option of the thread module.
    THREAD = r"""
options:
  messages:
    description:
      - Messages to start a new thread with.
      - Only used when the thread is created; with O(thread_id) they are ignored. Use M(aiops.openai.message) to add messages to an existing thread.
      - Each message is marked like the messages of M(aiops.openai.message) (without a key), so a later
        M(aiops.openai.message) task with the same role and content finds it and does not add it again.
      - On the Responses API they are the conversation's first items, without attachments or metadata (items have
        none), and M(aiops.openai.message) does not recognise them (it knows the items it added itself).
    type: list
    elements: dict
    suboptions:
      role:
        description:
          - Who wrote the message. V(user) is a question or instruction; V(assistant) inserts an answer into the conversation.
        type: str
        choices: [user, assistant]
        default: user
      content:
        description:
          - >-
            The text of the message, or a list of content parts as the API accepts them, for example
            C({"type": "text", "text": "..."}), C({"type": "image_file", "image_file": {"file_id": "file-abc"}}) or
            C({"type": "image_url", "image_url": {"url": "https://..."}}).
          - Must not be empty.
        type: raw
        required: true
      attachments:
        description: Files attached to the message, and the tools they are added to.
        type: list
        elements: dict
        suboptions:
          file_id:
            description: The ID of the file.
            type: str
            required: true
          tools:
            description: The tools the file is added to.
            type: list
            elements: dict
            required: true
            suboptions:
              type:
                description: The tool.
                type: str
                required: true
                choices: [code_interpreter, file_search]
      metadata:
        description:
          - Key-value pairs attached to the message, at most 15 (the API allows 16; the module's marker C(aiops_openai_message) takes one),
            keys up to 64 and values up to 512 characters. The keys C(aiops_openai_message) and C(aiops_openai_run) are reserved.
          - Values that are not strings are sent as JSON text.
          - Not part of the message's identity.
        type: dict
"""

    # The additional_messages option of the run module.
    RUN = r"""
options:
  additional_messages:
    description:
      - Messages added to the thread just before the run starts.
      - The module marks them with its metadata key, so they do not count as new user input when the task runs again.
      - On the Responses API they are input items of the response (they join the conversation with it), without
        attachments or metadata (items have none); the module recognises them by their content.
    type: list
    elements: dict
    suboptions:
      role:
        description:
          - Who wrote the message. V(user) is a question or instruction; V(assistant) inserts an answer into the conversation.
        type: str
        choices: [user, assistant]
        default: user
      content:
        description:
          - >-
            The text of the message, or a list of content parts as the API accepts them, for example
            C({"type": "text", "text": "..."}), C({"type": "image_file", "image_file": {"file_id": "file-abc"}}) or
            C({"type": "image_url", "image_url": {"url": "https://..."}}).
          - Must not be empty.
        type: raw
        required: true
      attachments:
        description: Files attached to the message, and the tools they are added to.
        type: list
        elements: dict
        suboptions:
          file_id:
            description: The ID of the file.
            type: str
            required: true
          tools:
            description: The tools the file is added to.
            type: list
            elements: dict
            required: true
            suboptions:
              type:
                description: The tool.
                type: str
                required: true
                choices: [code_interpreter, file_search]
      metadata:
        description:
          - Key-value pairs attached to the message, at most 15 (the API allows 16; the module's marker C(aiops_openai_run) takes one),
            keys up to 64 and values up to 512 characters. The key C(aiops_openai_run) is reserved.
          - Values that are not strings are sent as JSON text.
          - Part of the run's definition, like the rest of the message.
        type: dict
"""
