# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # The tools option of run and assistant (one spec in module_utils/_specs.py).
    DOCUMENTATION = r"""
options:
  tools:
    description:
      - The tools the model may use, at most 128.
      - On M(aiops.openai.assistant), the assistant's tools. The whole list replaces them, and fields the server
        adds to a tool (for example a function's C(strict) when you did not set it) are not counted as differences.
      - On M(aiops.openai.run), tools that replace the assistant's tools for this run only.
    type: list
    elements: dict
    suboptions:
      type:
        description:
          - The kind of tool.
          - V(retrieval) is the Assistants v1 name of V(file_search); it is accepted, sent as V(file_search), and warned about.
        type: str
        required: true
        choices: [code_interpreter, file_search, function, retrieval]
      function:
        description: The function the model may call. Required exactly when O(tools[].type=function).
        type: dict
        suboptions:
          name:
            description: The function's name, 1 to 64 characters of C(a-z), C(A-Z), C(0-9), C(_) and C(-).
            type: str
            required: true
          description:
            description: What the function does, used by the model to decide when to call it.
            type: str
          parameters:
            description:
              - The function's parameters as a JSON Schema object.
              - A dict, or a string holding JSON (what C(jsonencode) gives in Terraform).
            type: raw
          strict:
            description: Whether the model must follow the schema exactly (Structured Outputs).
            type: bool
      file_search:
        description: Overrides for the V(file_search) tool.
        type: dict
        suboptions:
          max_num_results:
            description: Maximum number of results, 1 to 50.
            type: int
          ranking_options:
            description: Ranking options as the API accepts them (C(ranker), C(score_threshold)).
            type: dict
          vector_store_ids:
            description:
              - On the Responses API, the vector stores the tool searches; required there (conversations have no
                C(tool_resources)).
              - On the Assistants API, refused by M(aiops.openai.run) and M(aiops.openai.assistant); give the vector
                stores in the C(tool_resources) of the assistant or the thread instead.
            type: list
            elements: str
"""

    # The tool_resources option of assistant and thread.
    TOOL_RESOURCES = r"""
options:
  tool_resources:
    description:
      - Files and vector stores the tools use (on M(aiops.openai.thread), in that thread only).
      - The API's C(vector_stores) helper (create a vector store on the fly) is not offered, because it would create
        a new vector store every time; create the vector store first and give its ID.
    type: dict
    suboptions:
      code_interpreter:
        description: Resources of the V(code_interpreter) tool.
        type: dict
        suboptions:
          file_ids:
            description: IDs of the files the tool can use, at most 20.
            type: list
            elements: str
            required: true
      file_search:
        description: Resources of the V(file_search) tool.
        type: dict
        suboptions:
          vector_store_ids:
            description: The ID of the vector store the tool searches (at most one).
            type: list
            elements: str
            required: true
"""
