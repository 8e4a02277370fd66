#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: assistant
short_description: Create, update and delete OpenAI assistants, found by name
version_added: 0.1.0
description:
  - The Assistants API only. On the Responses API (O(api=responses), or O(api=auto) at the hosted OpenAI URL or at a
    server that offers no Assistants API) the task fails before any creating request and says where the definition
    goes instead - the model, instructions and tools on the M(aiops.openai.run) task (C(module_defaults) keeps them in
    one place) or a stored prompt (the run module's C(prompt) option).
  - Makes sure an assistant of the OpenAI Assistants API v2 exists with the given settings, or that it does not.
  - B(Found by name.) The assistant is the one whose C(name) is O(name); the module lists all assistants to find it.
    Assistant names are not unique in the API; when several assistants have the name, the task fails and lists
    their IDs, unless O(assistant_id) says which one is meant.
  - B(Idempotent.) Only the options you set are compared with the assistant; an option you leave out is left as
    it is on the server. When something differs, the assistant is updated in place (same ID). When nothing
    differs, nothing is sent and the task reports C(changed=false).
  - B(Nothing is lost.) If the response to the create request is lost (dropped connection, timeout, gateway
    error), the module looks the assistant up by name before it sends the request again, so a retry never
    leaves two assistants behind.
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.tools
  - aiops.openai.tools.tool_resources
  - aiops.openai.attributes
  - aiops.openai.attributes.state
attributes:
  check_mode:
    details: Reads the assistants, predicts C(changed), and sends no POST or DELETE.
  diff_mode:
    details: Shows the options you set, as they are on the server and as they will be.
options:
  state:
    description:
      - V(present) creates the assistant if no assistant has the name, and updates it if it differs from the options you set.
      - V(absent) deletes it. An assistant that does not exist is C(changed=false).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The name of the assistant, at most 256 characters; how the module finds it.
      - Required unless O(assistant_id) is given. With O(assistant_id), the assistant is renamed to O(name) if its name differs.
    type: str
  assistant_id:
    description:
      - Work on the assistant with this ID instead of finding it by O(name).
      - Use it to pick one of several assistants with the same name, or to rename an assistant.
      - With O(state=present), the assistant must exist; the module does not create one with O(assistant_id).
    type: str
  model:
    description:
      - The model the assistant uses, for example V(gpt-4o).
      - Required when the assistant is created.
    type: str
  description:
    description: What the assistant is for, at most 512 characters.
    type: str
  instructions:
    description: The system instructions of the assistant, at most 256000 characters.
    type: str
  reasoning_effort:
    description:
      - Reasoning effort for reasoning models.
      - The API does not return this setting in the assistant object, so the module cannot see whether an existing
        assistant has it. It is sent when the assistant is created, and with every update made for another option.
    type: str
    choices: [none, minimal, low, medium, high, xhigh, max]
  metadata:
    description:
      - Key-value pairs attached to the assistant, at most 16, keys up to 64 and values up to 512 characters.
      - Values that are not strings are sent as JSON text.
      - Compared as a whole; a key missing here is removed from the assistant.
    type: dict
  temperature:
    description: Sampling temperature between V(0) and V(2).
    type: float
  top_p:
    description: Nucleus sampling probability mass between V(0) and V(1).
    type: float
  response_format:
    description:
      - >-
        The format of the answers, V(auto) or a dict such as C({"type": "json_object"}) or
        C({"type": "json_schema", "json_schema": {...}}).
    type: raw
notes:
  - Finding an assistant by name reads the whole list of assistants (100 per request).
  - The API has no unique names. Two tasks that create the same new assistant at the same time can create two;
    the next run of either then fails and lists both IDs.
seealso:
  - module: aiops.openai.assistant_info
  - module: aiops.openai.run
"""

EXAMPLES = r"""
- name: Make sure the assistant exists with these settings
  aiops.openai.assistant:
    name: terraform-expert
    model: gpt-4o
    description: Answers questions about AWS resources in Terraform
    instructions: You are a helpful terraform expert focusing on AWS resources.
    tools:
      - type: code_interpreter
      - type: function
        function:
          name: get_resource_documentation
          description: Get documentation for an AWS resource
          parameters:
            type: object
            properties:
              resource:
                type: string
            required: [resource]
    metadata:
      team: platform
    temperature: 0.7
  register: assistant

- name: Run it on a thread
  aiops.openai.run:
    thread_id: "{{ thread_id }}"
    assistant_id: "{{ assistant.assistant.id }}"
    completion_window: 60

- name: Change only the temperature, leave everything else as it is
  aiops.openai.assistant:
    name: terraform-expert
    temperature: 0.2

- name: Rename one of two assistants that share a name
  aiops.openai.assistant:
    assistant_id: asst_abc123
    name: terraform-expert-old

- name: Delete the assistant
  aiops.openai.assistant:
    name: terraform-expert
    state: absent
"""

RETURN = r"""
assistant:
  description:
    - The assistant as the API returns it.
    - In check mode, the assistant as it is now (empty when it would be created).
    - With O(state=absent), the assistant as it was before it was deleted (empty when there was none).
  returned: success
  type: dict
  contains:
    id:
      description: The assistant's ID.
      type: str
      sample: asst_abc123
    object:
      description: Always C(assistant).
      type: str
      sample: assistant
    created_at:
      description: Unix time the assistant was created.
      type: int
      sample: 1767225600
    name:
      description: The assistant's name.
      type: str
      sample: terraform-expert
    description:
      description: The assistant's description, or null.
      type: str
    model:
      description: The model the assistant uses.
      type: str
      sample: gpt-4o
    instructions:
      description: The system instructions, or null.
      type: str
    tools:
      description: The tools of the assistant.
      type: list
      elements: dict
      sample: [{"type": "code_interpreter"}]
    tool_resources:
      description: The files and vector stores of the assistant's tools.
      type: dict
      sample: {}
    metadata:
      description: The assistant's metadata.
      type: dict
      sample: {"team": "platform"}
    temperature:
      description: Sampling temperature.
      type: float
      sample: 0.7
    top_p:
      description: Nucleus sampling probability mass.
      type: float
      sample: 1.0
    response_format:
      description: C(auto) or the response format object.
      type: raw
      sample: auto
api:
  description: The API the task used, always V(assistants) (see O(api)).
  returned: success
  type: str
  sample: assistants
"""

from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._responses import no_assistants
from ansible_collections.aiops.openai.plugins.module_utils._resources import (
    ResourceModule,
    normalize_tool_resources,
    tool_resources_argument_spec,
)
from ansible_collections.aiops.openai.plugins.module_utils._specs import (
    REASONING_EFFORTS,
    check_id,
    check_length,
    check_range,
    drop_none,
    normalize_metadata,
    normalize_response_format,
    normalize_tools,
    refuse_tool_vector_stores,
    tools_argument_spec,
)

# The settings of an assistant (CreateAssistantRequest), as --diff shows them.
FIELDS = ("name", "model", "description", "instructions", "reasoning_effort", "tools", "tool_resources",
          "metadata", "temperature", "top_p", "response_format")


class AssistantModule(ResourceModule):

    result_key = "assistant"
    apis = ("assistants",)
    # AssistantObject has no reasoning_effort: it cannot be read back and compared. Some servers do not
    # show the model either (null or left out): it is then not compared, and sent along with other changes.
    unreadable_fields = ("reasoning_effort", "model")

    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str"),
        assistant_id=dict(type="str"),
        model=dict(type="str"),
        description=dict(type="str"),
        instructions=dict(type="str"),
        reasoning_effort=dict(type="str", choices=REASONING_EFFORTS),
        tools=tools_argument_spec(),
        tool_resources=tool_resources_argument_spec(),
        metadata=dict(type="dict"),
        temperature=dict(type="float"),
        top_p=dict(type="float"),
        response_format=dict(type="raw"),
    )
    module_options = dict(required_one_of=[("name", "assistant_id")])

    def validate(self):
        p = self.params
        self.assistant_id = check_id(p["assistant_id"], "assistant_id")
        if p["name"] is None and self.assistant_id is None:
            raise ValidationError("name: required to find the assistant (or give assistant_id)")
        check_length(p, "name", 256, allow_empty=False)
        check_length(p, "description", 512)
        check_length(p, "instructions", 256000)
        if p["model"] is not None and not p["model"].strip():
            raise ValidationError("model: must not be empty")
        check_range(p, "temperature", 0, 2)
        check_range(p, "top_p", 0, 1)
        refuse_tool_vector_stores(p["tools"])
        self.wanted = drop_none(dict(
            name=p["name"],
            model=p["model"],
            description=p["description"],
            instructions=p["instructions"],
            reasoning_effort=p["reasoning_effort"],
            tools=normalize_tools(p["tools"], self.module.warn),
            tool_resources=normalize_tool_resources(p["tool_resources"]),
            metadata=normalize_metadata(p["metadata"]),
            temperature=p["temperature"],
            top_p=p["top_p"],
            response_format=normalize_response_format(p["response_format"]),
        ))

    def refusal(self, name):
        return no_assistants(self.params["base_url"])

    def find(self):
        """The assistant meant by assistant_id or name (None when there is none)."""
        if self.assistant_id is not None:
            return self.api.assistant_get(self.assistant_id)
        found = self.api.assistants_named(self.params["name"])
        if len(found) > 1:
            raise ValidationError("name: {0} assistants are named {1!r} ({2}); give assistant_id to say which one is meant".format(
                len(found), self.params["name"], ", ".join(a["id"] for a in found)))
        return found[0] if found else None

    def execute(self):
        current = self.find()
        if self.params["state"] == "absent":
            return self.remove(lambda: self.api.assistant_delete(current["id"]), current, FIELDS)
        if current is not None:
            return self.update(lambda body: self.api.assistant_update(current["id"], body), current, self.wanted)
        if self.assistant_id is not None:
            raise ValidationError("assistant_id: no assistant has the ID {0!r}; leave assistant_id out to create one by name".format(
                self.assistant_id))
        if "model" not in self.wanted:
            raise ValidationError("model: required to create the assistant {0!r} (no assistant has that name yet)".format(
                self.params["name"]))
        if self.module.check_mode:
            return self.created(self.wanted)
        self.created(self.wanted, self.api.assistant_create(self.wanted))


def main():
    AssistantModule.main()


if __name__ == "__main__":
    main()
