#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: assistant_info
short_description: Read OpenAI assistants by ID or name, or list them
version_added: 0.1.0
description:
  - The Assistants API only. On the Responses API (O(api=responses), or O(api=auto) at the hosted OpenAI URL or at a
    server that offers no Assistants API) the task fails before any creating request and says where the definition
    goes instead - the model, instructions and tools on the M(aiops.openai.run) task (C(module_defaults) keeps them in
    one place) or a stored prompt (the run module's C(prompt) option).
  - With O(assistant_id), reads one assistant.
  - With O(name), finds the assistants with that name (the API does not keep names unique, so there may be several).
  - With neither, lists the assistants.
  - Never changes anything.
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.attributes
  - aiops.openai.attributes.info
options:
  assistant_id:
    description:
      - The ID of the assistant to read. An assistant that does not exist gives empty results, not an error.
    type: str
  name:
    description:
      - Find the assistants with this exact name. All assistants are read to find them.
    type: str
  limit:
    description: The most assistants to return in RV(assistants), between V(1) and V(10000).
    type: int
    default: 20
  order:
    description: V(desc) returns the newest assistants first, V(asc) the oldest.
    type: str
    choices: [asc, desc]
    default: desc
seealso:
  - module: aiops.openai.assistant
"""

EXAMPLES = r"""
- name: Find the assistant by name
  aiops.openai.assistant_info:
    name: terraform-expert
  register: found

- name: Use its ID
  ansible.builtin.debug:
    msg: "{{ found.assistant.id }}"
  when: found.assistant

- name: Read one assistant
  aiops.openai.assistant_info:
    assistant_id: asst_abc123
  register: one

- name: List the 100 oldest assistants
  aiops.openai.assistant_info:
    limit: 100
    order: asc
  register: listing
"""

RETURN = r"""
assistant:
  description:
    - With O(assistant_id), the assistant; with O(name), the assistant with that name when there is exactly one.
    - Empty when there is none (or, with O(name), several).
  returned: always
  type: dict
  sample: {"id": "asst_abc123", "object": "assistant", "name": "terraform-expert", "model": "gpt-4o", "tools": []}
assistants:
  description:
    - The assistants found, as the API returns them, in O(order) and at most O(limit).
    - With O(assistant_id), a list of the one assistant (or empty).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "asst_abc123", "object": "assistant", "name": "terraform-expert", "model": "gpt-4o", "tools": []}]
api:
  description: The API the task used, always V(assistants) (see O(api)).
  returned: success
  type: str
  sample: assistants
"""

from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._responses import no_assistants
from ansible_collections.aiops.openai.plugins.module_utils._resources import check_limit, first
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id, check_length


class AssistantInfoModule(OpenAIModule):

    argument_spec = dict(
        assistant_id=dict(type="str"),
        name=dict(type="str"),
        limit=dict(type="int", default=20),
        order=dict(type="str", choices=["asc", "desc"], default="desc"),
    )
    module_options = dict(mutually_exclusive=[("assistant_id", "name")])
    apis = ("assistants",)

    def refusal(self, name):
        return no_assistants(self.params["base_url"])

    def validate(self):
        self.assistant_id = check_id(self.params["assistant_id"], "assistant_id")
        check_length(self.params, "name", 256, allow_empty=False)
        check_limit(self.params)

    def execute(self):
        p = self.params
        matches = []
        if self.assistant_id is not None:
            found = self.api.assistant_get(self.assistant_id)
            matches = [found] if found else []
            assistants = matches
        elif p["name"] is not None:
            matches = self.api.assistants_named(p["name"], p["order"])
            assistants = matches[:p["limit"]]
        else:
            assistants = first(self.api.assistants(p["order"], page_size=min(p["limit"], 100)), p["limit"])
        self.result["assistants"] = assistants
        self.result["assistant"] = matches[0] if len(matches) == 1 else {}


def main():
    AssistantInfoModule.main()


if __name__ == "__main__":
    main()
