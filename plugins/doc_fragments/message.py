# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The options of one message, written once: the message module's own options (DOCUMENTATION),
# the messages a new thread starts with (THREAD) and a run's additional messages (RUN).
# Each use adds its own line about when content is required and what metadata may hold.
_MESSAGE = r"""
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
    - {content}
  type: raw
  required: {required}
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
    - Key-value pairs attached to the message, at most 15 (the API allows 16; the module's marker C({marker}) takes one),
      keys up to 64 and values up to 512 characters. {reserved}
    - Values that are not strings are sent as JSON text.
    - {metadata}
  type: dict
"""


def _message(indent, content, required, marker, metadata):
    reserved = ("The keys C(aiops_openai_message) and C(aiops_openai_run) are reserved." if marker == "aiops_openai_message"
                else "The key C(aiops_openai_run) is reserved.")
    text = _MESSAGE.replace("{content}", content).replace("{required}", required).replace(
        "{marker}", marker).replace("{metadata}", metadata).replace("{reserved}", reserved)
    return "".join(" " * indent + line + "\n" if line else "\n" for line in text.strip("\n").split("\n"))


def _list_option(name, description):
    lines = ["options:", "  {0}:".format(name), "    description:"]
    lines += ["      - " + item for item in description]
    lines += ["    type: list", "    elements: dict", "    suboptions:"]
    return "\n".join(lines) + "\n"


class ModuleDocFragment:

    # The message module's options role, content, attachments and metadata.
    DOCUMENTATION = "options:\n" + _message(
        2, "Required with O(state=present), and with O(state=absent) unless O(message_id) is given. Must not be empty.",
        "false", "aiops_openai_message",
        "Not part of the message's identity; when the message is already there, its metadata is updated if it differs.")

    # The messages option of the thread module.
    THREAD = _list_option("messages", [
        "Messages to start a new thread with.",
        "Only used when the thread is created; with O(thread_id) they are ignored. Use M(aiops.openai.message)"
        " to add messages to an existing thread.",
        "Each message is marked like the messages of M(aiops.openai.message) (without a key), so a later"
        " M(aiops.openai.message) task with the same role and content finds it and does not add it again.",
    ]) + _message(6, "Must not be empty.", "true", "aiops_openai_message", "Not part of the message's identity.")

    # The additional_messages option of the run module.
    RUN = _list_option("additional_messages", [
        "Messages added to the thread just before the run starts.",
        "The module marks them with its metadata key, so they do not count as new user input when the task runs again.",
    ]) + _message(6, "Must not be empty.", "true", "aiops_openai_run", "Part of the run's definition, like the rest of the message.")
