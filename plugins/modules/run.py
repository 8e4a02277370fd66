#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: run
short_description: Run an OpenAI model on a thread or conversation and wait for the answer
version_added: 0.1.0
description:
  - Creates a run of an assistant on a thread of the OpenAI Assistants API v2, or a response in a
    conversation of the Responses API (see O(api)), waits for it within O(completion_window), and
    returns the run, its steps, the messages it added and their text, in the same shape on both APIs.
  - On the Responses API a run is a response created with C(conversation), C(store), C(background) and,
    while the task waits, C(stream); the model, instructions and tools come from the task (or a stored
    O(prompt)), because that API has no assistants. A broken stream is resumed with C(starting_after),
    then polled.
  - The Ansible counterpart of the Terraform C(openai_run) resource. It takes the same arguments
    (O(thread_id), O(assistant_id), O(model), O(instructions), O(tools), O(metadata),
    O(temperature), O(max_tokens), O(top_p), O(stream_for_tool), O(completion_window), O(timeouts)),
    the rest of the API's create-run options, and returns every attribute the resource exports.
  - B(Idempotent.) A run created by this module carries one metadata key, C(aiops_openai_run), whose
    value is a digest of the run's defining options and of the newest user message on the thread
    (or of O(idempotency_key)). With O(state=present), the newest run with the same digest is
    reused (C(changed=false)) while it is active or completed; one that ended C(failed),
    C(cancelled), C(expired) or C(incomplete) is replaced by a new run. So running a playbook again
    does not run the model again, and adding a user message to the thread does.
  - On the Responses API, which cannot list responses and keeps no metadata on conversation items,
    the conversation's metadata keeps a journal (the keys C(aiops_openai_journal) and
    C(aiops_openai_journal_2)), which says which response answered which digest. A rerun reads the conversation,
    its newest items and the journaled response (three requests) and is C(changed=false).
  - B(Nothing is lost.) A create request whose response is lost (dropped connection, timeout,
    gateway error) is never sent again blindly; the module looks for the run it may have created first.
    When O(completion_window) runs out, the task fails naming the run; running the task again
    waits for that same run instead of starting a second one.
  - On the Responses API the journal marks the create as pending before it is sent, so a create whose
    answer was lost is never sent again; the module waits for its output to show in the conversation.
    If it never shows (the server did not create it), the task says so and what to do, which is to run it
    once with O(state=absent), which forgets the pending create, then again with O(state=present).
  - With O(run_id) the module works on an existing run instead (the Terraform import,
    C(thread_id:run_id)). It reads it, waits for it, submits O(tool_outputs) to it or cancels it.
    On the Responses API, O(run_id) is a response ID, C(resp_...) or C(conv_...:resp_...).
author:
  - aiops.openai contributors (!UNKNOWN)
extends_documentation_fragment:
  - aiops.openai.api
  - aiops.openai.message.run
  - aiops.openai.tools
  - aiops.openai.attributes
  - aiops.openai.attributes.state
attributes:
  check_mode:
    details: Reads the thread and its runs, predicts C(changed), and sends no POST.
  diff_mode:
    details: Shows the definition of the existing matching run (if any) and of the run the task wants.
options:
  state:
    description:
      - V(present) makes sure a run of this definition exists for the newest user input on the thread
        (creating it if needed), waits for it if O(completion_window) is set, and submits O(tool_outputs).
      - V(absent) cancels the matching (or adopted, O(run_id)) run if it is still active and waits up to
        O(timeouts.delete) for it to settle. A run that already ended is left alone (C(changed=false)).
        Runs cannot be deleted in the Assistants API; cancelling is the nearest thing.
      - On the Responses API, V(absent) cancels the response (C(POST /responses/{id}/cancel)); a create whose
        answer was lost is forgotten from the journal instead.
    type: str
    choices: [present, absent]
    default: present
  thread_id:
    description:
      - The ID of the thread to run the assistant on.
      - Required unless O(run_id) is given in the form C(thread_id:run_id).
      - On the Responses API, the ID of the conversation (C(conv_...)) the response is created in.
    type: str
  assistant_id:
    description:
      - The ID of the assistant to run. Required on the Assistants API unless O(run_id) is given.
      - On the Responses API, refused (it has no assistants); give O(model), O(instructions) and O(tools),
        or a stored O(prompt), instead.
    type: str
  run_id:
    description:
      - Work on this existing run instead of finding or creating one.
      - Either a plain run ID together with O(thread_id), or the Terraform import format C(thread_id:run_id).
      - On the Responses API, a response ID, C(resp_...) (its conversation is read from it) or C(conv_...:resp_...).
      - Cannot be combined with the options that define a new run (O(assistant_id), O(model), O(tools), ...).
    type: str
  model:
    description:
      - The model to use for the run instead of the assistant's.
      - On the Responses API, the model of the response; required unless O(prompt) is given.
    type: str
  instructions:
    description:
      - Instructions that replace the assistant's instructions for this run.
      - On the Responses API, the response's C(instructions).
    type: str
  additional_instructions:
    description:
      - Instructions appended to the assistant's instructions for this run.
      - On the Responses API, appended to O(instructions) after a blank line.
    type: str
  metadata:
    description:
      - Key-value pairs attached to the run. At most 15 keys (the API allows 16; the module's marker
        C(aiops_openai_run) takes one), keys up to 64 and values up to 512 characters.
      - Values that are not strings are sent as JSON text.
      - On the Responses API, the response's metadata, with the same marker.
    type: dict
  temperature:
    description: Sampling temperature between V(0) and V(2).
    type: float
  top_p:
    description: Nucleus sampling probability mass between V(0) and V(1).
    type: float
  max_tokens:
    description:
      - The maximum number of completion tokens the run may use (the Terraform resource's name).
      - Sent as the API's C(max_completion_tokens); at least V(256).
      - On the Responses API, sent as C(max_output_tokens); at least V(16).
    type: int
  max_prompt_tokens:
    description:
      - The maximum number of prompt tokens the run may use; at least V(256).
      - On the Responses API, refused (it has no such limit); use O(truncation_strategy) with V(auto).
    type: int
  truncation_strategy:
    description:
      - How the thread is truncated before the run.
      - On the Responses API, sent as C(truncation); only V(auto) exists there (V(last_messages) is refused).
    type: dict
    suboptions:
      type:
        description: V(auto) or V(last_messages).
        type: str
        required: true
        choices: [auto, last_messages]
      last_messages:
        description: How many recent messages to keep, with O(truncation_strategy.type=last_messages).
        type: int
  tool_choice:
    description:
      - >-
        Which tool the model must call, V(none), V(auto), V(required), or a dict such as
        C({"type": "function", "function": {"name": "my_function"}}).
      - >-
        On the Responses API, a function is sent in that API's form, C({"type": "function", "name": "my_function"}).
    type: raw
  parallel_tool_calls:
    description: Whether the model may call several functions at once.
    type: bool
  response_format:
    description:
      - >-
        The format of the answer, V(auto) or a dict such as C({"type": "json_object"}) or
        C({"type": "json_schema", "json_schema": {...}}).
      - On the Responses API, sent as C(text.format) (a json_schema needs its C(name) and C(schema)).
    type: raw
  reasoning_effort:
    description:
      - Reasoning effort for reasoning models.
      - On the Responses API, sent as C(reasoning.effort).
    type: str
    choices: [none, minimal, low, medium, high, xhigh, max]
  stream_for_tool:
    description:
      - Accepted for compatibility with the Terraform resource, where it asks to stream tool outputs.
      - The Assistants API v2 has no per-tool streaming; a stream belongs to a request. This module
        already streams the run's events whenever it waits (O(wait_strategy=stream)), including after
        submitting O(tool_outputs), so this option changes nothing.
    type: bool
    default: false
  completion_window:
    description:
      - Seconds to wait for the run to finish (a terminal status or C(requires_action)).
      - Without it the run is created (or found) and returned at once, as in the Terraform resource.
      - The wait also stops at O(timeouts.create) (a new run) or O(timeouts.read) (an existing run).
      - When it runs out the task fails with the run's ID and last status; running the task again
        picks the same run up.
      - On the Responses API the same holds; the response is created in background mode and waited for.
    type: float
  wait_strategy:
    description:
      - How to wait. V(stream) follows the server-sent events of the create request (one request,
        the answer arrives as soon as the server has it) and polls if the stream breaks;
        V(poll) polls the run, at the interval the server asks for in C(openai-poll-after-ms).
      - On the Responses API, V(stream) follows the C(response.*) events of the create request and resumes a
        broken stream once or twice with C(starting_after) before it polls C(GET /responses/{id}).
    type: str
    choices: [stream, poll]
    default: stream
  timeouts:
    description: Limits in seconds, as in the Terraform resource.
    type: dict
    default: {}
    suboptions:
      create:
        description: Limit for creating a run (or submitting tool outputs) and waiting for it.
        type: float
        default: 600
      read:
        description: Limit for reading and waiting for an existing run.
        type: float
        default: 300
      delete:
        description: Limit for cancelling a run and waiting until it is cancelled.
        type: float
        default: 300
  tool_outputs:
    description:
      - Outputs for the tool calls of a run in C(requires_action), submitted to the matching run
        (same options as the task that created it) or to O(run_id).
      - They must answer exactly the tool calls the run asks for (returned as RV(tool_calls)).
      - A run that has already moved on is left alone (C(changed=false)), so the task is idempotent.
      - On the Responses API, the outputs are sent as C(function_call_output) items in a new response of the
        same conversation (with the model, instructions and tools of the response that asked), and the task
        returns that response; the journal then names it, so the task and the one before it are idempotent.
    type: list
    elements: dict
    suboptions:
      tool_call_id:
        description: The ID of the tool call, from RV(tool_calls).
        type: str
        required: true
      output:
        description: The output of the call, as text.
        type: str
        required: true
  prompt:
    description:
      - On the Responses API, a stored prompt (created in the OpenAI dashboard) that holds the model,
        instructions and tools of the run, instead of O(model), O(instructions) and O(tools) on the task.
      - On the Assistants API, refused (the assistant, O(assistant_id), holds the definition there).
    type: dict
    suboptions:
      id:
        description: The prompt's ID (C(pmpt_...)).
        type: str
        required: true
      version:
        description: The prompt's version; the current one when left out.
        type: str
      variables:
        description: Values for the prompt's variables, each a string or an input content part
          (C(input_text), C(input_image), C(input_file)).
        type: dict
  idempotency_key:
    description:
      - Identify the run by this key instead of by the newest user message on the thread.
      - The same key and definition always mean the same run, even after new messages; use a new key
        to ask again.
      - On the Responses API, the same (the key goes into the journal's digest).
    type: str
notes:
  - The Assistants API v2 run object has no C(file_ids) (v1 had). The module returns RV(run.file_ids) as
    the IDs of the files attached to or produced by the run's messages (attachments, image files,
    file citations and file paths), the nearest v2 equivalent.
  - A thread can have one active run at a time. If another active run (not made by this task) is on
    the thread, the task fails and names it.
  - With O(completion_window) and O(wait_strategy=stream), creating and waiting for a run takes three
    requests; running the unchanged task again takes three too.
  - On the Responses API, creating and waiting for a response takes five requests (the conversation, its
    newest items, the pending journal entry, the streamed create, the journal entry naming the response);
    running the unchanged task again takes three; answering function calls with O(tool_outputs) takes six.
  - On the Responses API, one play should not run two tasks on the same conversation at the same time
    (the journal is read, changed and written back).
seealso:
  - module: aiops.openai.run_info
  - module: aiops.openai.thread
  - module: aiops.openai.message
  - module: aiops.openai.assistant
"""

EXAMPLES = r"""
# The Terraform resource's first example.
- name: Run the assistant with overrides
  aiops.openai.run:
    thread_id: "{{ thread.thread.id }}"
    assistant_id: "{{ assistant.assistant.id }}"
    model: gpt-4o
    instructions: You are a helpful terraform expert focusing on AWS resources
    tools:
      - type: code_interpreter
      - type: file_search
      - type: function
        function:
          name: get_resource_documentation
          description: Get documentation for an AWS resource
          parameters:
            type: object
            properties:
              resource:
                type: string
                description: The AWS resource type
            required: [resource]
    metadata:
      purpose: infrastructure-planning
      priority: high
    temperature: 0.7
    max_tokens: 2048
    top_p: 0.95

# The Terraform resource's second example: wait up to 60 seconds.
- name: Run and wait for the answer
  aiops.openai.run:
    thread_id: "{{ thread.thread.id }}"
    assistant_id: "{{ assistant.assistant.id }}"
    completion_window: 60
  register: answer

- name: Show the answer
  ansible.builtin.debug:
    msg: "{{ answer.output_text }}"

# A function call: the run stops in requires_action, the playbook computes the outputs,
# the same task with tool_outputs submits them and waits for the answer.
- name: Ask a question that needs a tool
  aiops.openai.run:
    thread_id: "{{ thread_id }}"
    assistant_id: "{{ assistant_id }}"
    completion_window: 120
  register: asked

- name: Compute one output per tool call
  ansible.builtin.set_fact:
    weather_outputs: >-
      {{ weather_outputs | default([]) + [{'tool_call_id': item.id,
         'output': 'Sunny in ' ~ (item.function.arguments | from_json).city}] }}
  loop: "{{ asked.tool_calls }}"

- name: Submit the outputs and wait for the answer
  aiops.openai.run:
    thread_id: "{{ thread_id }}"
    assistant_id: "{{ assistant_id }}"
    completion_window: 120
    tool_outputs: "{{ weather_outputs }}"
  when: asked.tool_calls | length > 0

# Simpler when there is one known tool call.
- name: Submit one tool output
  aiops.openai.run:
    run_id: "{{ asked.run.thread_id }}:{{ asked.run.id }}"
    completion_window: 120
    tool_outputs:
      - tool_call_id: "{{ asked.tool_calls[0].id }}"
        output: "21 degrees and sunny"
  when: asked.run.status == 'requires_action'

# The Terraform import format: adopt an existing run and wait for it.
- name: Wait for a run started elsewhere
  aiops.openai.run:
    run_id: thread_abc123:run_xyz789
    completion_window: 300

- name: Cancel it
  aiops.openai.run:
    run_id: thread_abc123:run_xyz789
    state: absent
"""

RETURN = r"""
run:
  description:
    - The run as the API returns it, with the Terraform resource's attributes.
    - On the Responses API, the response as that API returns it, with the same attributes added (see each).
    - Empty in check mode when the run would be created.
  returned: success
  type: dict
  contains:
    id:
      description:
        - The run's ID (on the Responses API the response's, C(resp_...)).
        - On the Responses API null for a response whose create answer was lost and whose output was read from
          the conversation's items.
      type: str
      sample: run_abc123
    object:
      description: Always C(thread.run) (on the Responses API C(response)).
      type: str
      sample: thread.run
    thread_id:
      description: The thread the run belongs to (on the Responses API the conversation's ID, C(conv_...)).
      type: str
      sample: thread_abc123
    assistant_id:
      description: The assistant that ran (not on the Responses API).
      type: str
      sample: asst_abc123
    status:
      description:
        - C(queued), C(in_progress), C(requires_action), C(cancelling), C(cancelled), C(failed), C(completed), C(incomplete) or C(expired).
        - On the Responses API the response's status, except that a completed response that ends with function
          calls nobody answered yet is C(requires_action), as on the Assistants API.
      type: str
      sample: completed
    created_at:
      description: Unix time the run was created.
      type: int
      sample: 1767225600
    started_at:
      description: Unix time the run started, or null (on the Responses API null where the server does not say).
      type: int
      sample: 1767225601
    completed_at:
      description: Unix time the run completed, or null.
      type: int
      sample: 1767225603
    file_ids:
      description: IDs of the files attached to or produced by the run's messages (see the notes).
      type: list
      elements: str
      sample: []
    usage:
      description:
        - Token usage (C(prompt_tokens), C(completion_tokens), C(total_tokens)), null until the run ends.
        - On the Responses API the response's (C(input_tokens), C(output_tokens), C(total_tokens)).
      type: dict
      sample: {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    steps:
      description:
        - The run's steps (C(message_creation) and C(tool_calls)), oldest first.
        - On the Responses API the response's output items (C(message), C(function_call), C(reasoning), tool calls).
      type: list
      elements: dict
    required_action:
      description: In C(requires_action), the tool calls to answer (on the Responses API made from the unanswered
        C(function_call) items, in the Assistants API's shape).
      type: dict
    last_error:
      description: Why the run failed, or null.
      type: dict
    incomplete_details:
      description: Why the run is incomplete, or null.
      type: dict
    metadata:
      description: The run's metadata (on the Responses API the response's), including the module's C(aiops_openai_run) marker.
      type: dict
messages:
  description:
    - The messages the run added to the thread, oldest first.
    - On the Responses API the response's output messages, in the shape of Assistants messages (C(content[].text.value)).
  returned: success
  type: list
  elements: dict
output_text:
  description: The text of the assistant messages the run added, joined by blank lines.
  returned: success
  type: str
  sample: The answer is 42.
tool_calls:
  description:
    - In C(requires_action), the tool calls to answer with O(tool_outputs); else empty.
    - On the Responses API the same shape; the C(id) of each tool call is the function call's C(call_id).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]
waited:
  description: Seconds spent waiting for the run.
  returned: success
  type: float
  sample: 2.3
api:
  description: The API the task used, V(assistants) or V(responses) (see O(api)).
  returned: success
  type: str
  sample: responses
"""

import time

from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._runs import DEFINING_OPTIONS, create_run, run_marker, submit_tool_outputs
from ansible_collections.aiops.openai.plugins.module_utils._specs import (
    REASONING_EFFORTS,
    check_id,
    check_range,
    message_options,
    tools_argument_spec,
)
from ansible_collections.aiops.openai.plugins.module_utils._statuses import (
    ACTIVE_STATUSES,
    FAILED_STATUSES,
    RUNNING_STATUSES,
    STOP_STATUSES,
    TERMINAL_STATUSES,
)


# The options that define a new run on either API (prompt: the Responses API's stored prompt).
DEFINING = DEFINING_OPTIONS + ("prompt",)


class RunModule(OpenAIModule):

    resumes_runs = True
    apis = ("assistants", "responses")

    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        thread_id=dict(type="str"),
        assistant_id=dict(type="str"),
        run_id=dict(type="str"),
        model=dict(type="str"),
        instructions=dict(type="str"),
        additional_instructions=dict(type="str"),
        additional_messages=dict(type="list", elements="dict", options=message_options()),
        tools=tools_argument_spec(),
        metadata=dict(type="dict"),
        temperature=dict(type="float"),
        top_p=dict(type="float"),
        max_tokens=dict(type="int", no_log=False),
        max_prompt_tokens=dict(type="int", no_log=False),
        truncation_strategy=dict(type="dict", options=dict(
            type=dict(type="str", required=True, choices=["auto", "last_messages"]),
            last_messages=dict(type="int"),
        )),
        tool_choice=dict(type="raw"),
        parallel_tool_calls=dict(type="bool"),
        response_format=dict(type="raw"),
        reasoning_effort=dict(type="str", choices=REASONING_EFFORTS),
        stream_for_tool=dict(type="bool", default=False),
        completion_window=dict(type="float"),
        wait_strategy=dict(type="str", choices=["stream", "poll"], default="stream"),
        timeouts=dict(type="dict", default={}, apply_defaults=True, options=dict(
            create=dict(type="float", default=600),
            read=dict(type="float", default=300),
            delete=dict(type="float", default=300),
        )),
        tool_outputs=dict(type="list", elements="dict", options=dict(
            tool_call_id=dict(type="str", required=True),
            output=dict(type="str", required=True),
        )),
        idempotency_key=dict(type="str", no_log=False),
        prompt=dict(type="dict", options=dict(
            id=dict(type="str", required=True),
            version=dict(type="str"),
            variables=dict(type="dict"),
        )),
    )
    # run_id excludes every option of DEFINING; validate() checks that, since Ansible's
    # mutually_exclusive would also count options given as null, which the module has always ignored.
    # assistant_id (or run_id) is required on the Assistants API only: validate_for() says so.
    module_options = dict(required_one_of=[("thread_id", "run_id")])

    # -- validation (no HTTP) -------------------------------------------------------------

    def validate(self):
        """The checks that hold on both APIs."""
        p = self.params
        self.thread_id = check_id(p["thread_id"], "thread_id")
        if p["run_id"] is not None:
            given = [name for name in DEFINING if p.get(name) is not None]
            if given:
                raise ValidationError("run_id: adopts an existing run, so these options that define a new run cannot be used with it: {0}".format(
                    ", ".join(given)))
        elif not self.thread_id:
            missing = [name for name in ("thread_id", "assistant_id") if not p.get(name)]
            raise ValidationError("{0}: required to find or create the run (or give run_id to work on an existing run)".format(
                " and ".join(missing)))
        check_id(p["assistant_id"], "assistant_id")
        if p["state"] == "absent" and p["tool_outputs"]:
            raise ValidationError("tool_outputs: only used with state=present")
        for name in ("completion_window",):
            if p[name] is not None and p[name] <= 0:
                raise ValidationError("{0}: must be a positive number of seconds, got {1}".format(name, p[name]))
        for name, value in p["timeouts"].items():
            if value is None or value <= 0:
                raise ValidationError("timeouts.{0}: must be a positive number of seconds, got {1}".format(name, value))
        check_range(p, "temperature", 0, 2)
        check_range(p, "top_p", 0, 1)
        if p["idempotency_key"] is not None and not p["idempotency_key"].strip():
            raise ValidationError("idempotency_key: must not be empty")
        for index, output in enumerate(p["tool_outputs"] or []):
            check_id(output["tool_call_id"], "tool_outputs[{0}].tool_call_id".format(index))
        ids = [o["tool_call_id"] for o in p["tool_outputs"] or []]
        if len(set(ids)) != len(ids):
            raise ValidationError("tool_outputs: each tool_call_id may appear once, got {0}".format(", ".join(ids)))
        if p["tool_outputs"] is not None and not p["tool_outputs"]:
            raise ValidationError("tool_outputs: must list at least one output when given")

    def validate_for(self, api):
        """The run reference and the definition of the run on ``api`` (which checks what it cannot take)."""
        p = self.params
        thread_id = check_id(p["thread_id"], "thread_id")
        self.thread_id, self.run_id = thread_id, None
        if p["run_id"] is not None:
            self.thread_id, self.run_id = api.parse_run_reference(p["run_id"], thread_id)
        self.definition = None
        if self.run_id is None:
            self.definition = api.run_definition(p, self.warn)

    # -- execution ------------------------------------------------------------------------

    def execute(self):
        self.started = time.monotonic()
        self.result.update(run={}, messages=[], output_text="", tool_calls=[], waited=0.0)
        if self.run_id:
            self.adopt()
        elif self.params["state"] == "present":
            self.present()
        else:
            self.absent()

    def _window(self, limit):
        """The wait deadline: the smaller of completion_window and the given timeout."""
        window = self.params["completion_window"]
        return None if window is None else self.deadline(min(window, limit))

    def _marker(self, view):
        return run_marker(self.definition, view.anchor, self.params["idempotency_key"])

    def present(self):
        timeouts = self.params["timeouts"]
        view = self.api.thread_view(self.thread_id, deadline=self.deadline(timeouts["read"]))
        marker = self._marker(view)
        ours, active = self.api.run_find(self.thread_id, marker, deadline=self.deadline(timeouts["read"]))
        wanted = dict(self.definition, thread_id=self.thread_id)
        if ours is not None and ours["status"] not in FAILED_STATUSES:
            self.set_diff(dict(wanted, id=ours["id"]), dict(wanted, id=ours["id"]))
            if self.params["tool_outputs"] is not None:
                return self.resume(ours, messages=view.messages_of(ours["id"]))
            return self.follow(ours, self._window(timeouts["read"]), messages=view.messages_of(ours["id"]))
        if self.params["tool_outputs"] is not None:
            raise ValidationError(
                "tool_outputs: no run of this definition is waiting for them on thread {0}{1}; run the task without "
                "tool_outputs first, or give run_id".format(
                    self.thread_id, " (the last one ended {0})".format(ours["status"]) if ours else ""))
        if active is not None:
            raise ValidationError(
                "thread {0} already has an active run {1} ({2}) that this task did not start, and the API allows one "
                "active run per thread; wait for it (aiops.openai.run_info with completion_window) or cancel it "
                "(aiops.openai.run with run_id={0}:{1} and state=absent)".format(self.thread_id, active["id"], active["status"]))
        self.set_diff({"id": ours["id"], "status": ours["status"]} if ours else {}, wanted)
        self.result["changed"] = True
        if self.module.check_mode:
            return
        self.create(marker, replaced=ours)

    def _create_deadline(self):
        """With completion_window, the wait deadline; without, the create limit alone."""
        timeouts = self.params["timeouts"]
        wait = self.params["completion_window"] is not None
        return wait, self._window(timeouts["create"]) if wait else self.deadline(timeouts["create"])

    def create(self, marker, replaced):
        """Create the run (lost responses resolved by looking for it: ``create_run``) and report it."""
        wait, deadline = self._create_deadline()
        stream = wait and self.params["wait_strategy"] == "stream"
        body = self.api.run_body(self.definition, marker)
        progress = create_run(self.api, self.thread_id, body, marker, replaced, wait, stream, deadline)
        self.finish(progress, waited=wait)

    def follow(self, run, deadline, messages=None):
        """Wait for an existing run (when there is a deadline) and report it."""
        progress = self.api.progress(run)
        if deadline is not None and run["status"] not in STOP_STATUSES:
            progress = self.api.run_wait(progress, deadline)
            messages = None
        elif run["status"] in ACTIVE_STATUSES:
            messages = None
        self.finish(progress, waited=deadline is not None, messages=messages)

    def resume(self, run, messages=None):
        """Submit tool_outputs to a run waiting for them, then wait; a run that moved on is reported."""
        wait, deadline = self._create_deadline()
        if run["status"] in RUNNING_STATUSES and wait:
            run = self.api.run_wait(run, deadline).run
        if run["status"] != "requires_action":
            return self.follow(run, None, messages=messages)
        outputs_given = self.params["tool_outputs"]
        expected = sorted(str(call.get("id")) for call in self.api.tool_calls(run))
        given = sorted(o["tool_call_id"] for o in outputs_given)
        if expected != given:
            raise ValidationError("tool_outputs: {0} {1} waits for outputs for tool calls {2}, got {3}".format(
                self.api.run_noun, run["id"], ", ".join(expected), ", ".join(given)))
        self.result["changed"] = True
        if self.module.check_mode:
            return self.finish(self.api.progress(run), waited=False)
        progress = submit_tool_outputs(self.api, run, outputs_given, wait, self.params["wait_strategy"] == "stream", deadline)
        # A stream shows only this leg of the run: read all its steps and messages.
        self.finish(self.api.progress(progress.run), waited=wait)

    def absent(self):
        view = self.api.thread_view(self.thread_id, deadline=self.deadline(self.params["timeouts"]["read"]))
        ours, _active = self.api.run_find(self.thread_id, self._marker(view), deadline=self.deadline(self.params["timeouts"]["read"]))
        self.cancel(ours)

    def adopt(self):
        run = self.api.run_get(self.thread_id, self.run_id, deadline=self.deadline(self.params["timeouts"]["read"]))
        if self.params["state"] == "absent":
            return self.cancel(run)
        self.set_diff({"id": run["id"], "status": run["status"]}, {"id": run["id"], "status": run["status"]})
        if self.params["tool_outputs"] is not None:
            return self.resume(run)
        self.follow(run, self._window(self.params["timeouts"]["read"]))

    def cancel(self, run):
        if run is None or run["status"] in TERMINAL_STATUSES:
            if run is not None:
                self.set_diff({"id": run["id"], "status": run["status"]}, {"id": run["id"], "status": run["status"]})
                self.finish(self.api.progress(run), waited=False)
            return
        self.set_diff({"id": run["id"], "status": run["status"]}, {"id": run["id"], "status": "cancelled"})
        self.result["changed"] = True
        if self.module.check_mode:
            self.result["run"] = dict(run)
            return
        deadline = self.deadline(self.params["timeouts"]["delete"])
        latest = self.api.run_cancel(run, deadline=deadline)
        if latest["status"] in TERMINAL_STATUSES and latest["status"] != "cancelled":
            # It ended on its own before the cancel arrived: nothing was changed.
            self.result["changed"] = False
        progress = self.api.run_wait(latest, deadline, stop_statuses=TERMINAL_STATUSES, action="cancelling")
        self.finish(progress, waited=False)

    # -- results --------------------------------------------------------------------------

    def finish(self, progress, waited, messages=None):
        """Fill the result from what was seen of the run, reading steps and messages not seen yet."""
        run = progress.run
        deadline = self.deadline(self.params["timeouts"]["read"])
        if progress.stream_complete:
            steps, messages = list(progress.steps.values()), list(progress.messages.values())
        else:
            steps = self.api.run_steps(run, deadline=deadline) if run["status"] != "queued" else []
            if messages is None:
                messages = self.api.run_messages(run, deadline=deadline) if run["status"] != "queued" else []
        self.result.update(self.api.run_outputs(run, steps, messages))
        self.result["waited"] = round(time.monotonic() - self.started, 3)
        if waited and run["status"] in FAILED_STATUSES:
            self.fail("{0} ended {1}: {2}{3}".format(
                self.api.describe(run), run["status"], self.api.failure_reason(run),
                "" if self.run_id else "; running the task again starts a new run"),
                last_error=run.get("last_error"), incomplete_details=run.get("incomplete_details"))


def main():
    RunModule.main()


if __name__ == "__main__":
    main()
