# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Responses API with Conversations: every path, body and object shape of the second protocol.

The modules say thread, message and run; here a thread is a conversation, a message is a
``message`` item of it, and a run is a response in it (``POST /responses`` with
``conversation``, ``store: true``, ``background: true`` and ``stream: true`` when the task
waits). ``ResponsesAPI`` implements the same small interface as the Assistants class, so the
modules never write a URL. The pure functions map the run module's options onto a
``CreateResponse`` body and a ``Response`` back onto the run module's result keys.

Identity and "nothing lost" without a list endpoint
----------------------------------------------------
The Responses API cannot list responses, and conversation items carry no metadata. The
conversation does carry metadata (16 keys, 512 characters a value), and that is where the
collection keeps its journal: two reserved keys (``JOURNAL_KEYS``) hold entries
``<kind><marker>=<value>``, where the marker is the digest of what the task wants (a run:
its definition and the newest user message item it answers; a message: its role, content
and key) and the value is the id of the response or item that answers it, or ``?<item id>``
while a create is pending (the item id is the conversation's newest item when the create
was sent, the *watermark*).

- A rerun reads the conversation (the journal), the newest items down to the newest user
  message (the anchor, so the marker can be computed) and the journaled response: three
  requests, ``changed: false``. A new user message moves the anchor, so the marker differs
  and a new response answers it.
- Before ``POST /responses`` the pending entry is written. The create is sent once: after a
  lost answer (dropped connection, timeout, 5xx, a stream cut before ``response.created``)
  it is never sent again while the entry is pending, in this task or a later one. A
  response's input and output items join the conversation only when it completes, so a lost
  in-flight response is invisible until then; the module waits (within the task's window)
  for items newer than the watermark. When they appear, the response existed and the result
  is read from them (its id stays unknown). When the window ends first, the task fails and
  says what to do: run it again later (the module picks the response up once it completed),
  or, if nothing ever appears because the server never created it, run it with
  ``state: absent`` (which forgets the pending entry) and again with ``state: present``.
  So a lost create can never leave two responses; the price is that a lost create the server
  did not carry out needs that explicit step, and that creating and waiting takes five
  requests (conversation, items, pending entry, the streamed create, the entry naming the
  response as soon as ``response.created`` arrives) where the Assistants API takes three.
- A message item is added with the same pending entry. Items are added synchronously, so
  after a lost answer the module looks among the items newer than the watermark for one with
  the same role and content; found, it is journaled; not found, the item is sent again.
- The journal is read-modify-write on the conversation's metadata: one play should not run
  two tasks on the same conversation at the same time (the Assistants API forbids two active
  runs on a thread for the same reason).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import time

from urllib.parse import urlsplit

from ansible_collections.aiops.openai.plugins.module_utils._api import APIBase, read_object
from ansible_collections.aiops.openai.plugins.module_utils._create import create_once
from ansible_collections.aiops.openai.plugins.module_utils._errors import (
    APIError,
    ResponseLostError,
    StreamInterruptedError,
    UnexpectedResponse,
    ValidationError,
)
from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER, RUN_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._runs import parse_run_reference
from ansible_collections.aiops.openai.plugins.module_utils._specs import (
    check_id,
    check_range,
    drop_none,
    normalize_content,
    normalize_metadata,
    normalize_response_format,
    normalize_tools,
)
from ansible_collections.aiops.openai.plugins.module_utils._statuses import STOP_STATUSES, TERMINAL_STATUSES
from ansible_collections.aiops.openai.plugins.module_utils._waiter import POLL_CAP, POLL_START, RunProgress, wait_for_run

API_NAMES = ("assistants", "responses")
HOSTED_OPENAI = ("api.openai.com",)
ID_PREFIXES = (
    ("conv_", "responses"), ("resp_", "responses"),
    ("thread_", "assistants"), ("run_", "assistants"), ("asst_", "assistants"),
)

# The conversation metadata keys of the journal; the thread module leaves them alone.
JOURNAL_KEYS = ("aiops_openai_journal", "aiops_openai_journal_2")
JOURNAL_VALUE_MAX = 512
JOURNAL_MARKER_LENGTH = 24
RUN_KIND = "r"
MESSAGE_KIND = "m"
PENDING = "?"

# How many times a broken stream is picked up again with starting_after before polling takes over.
MAX_RESUMES = 2
# Items that are input (a user's message, a tool's output), not a response's output: they are no
# evidence that a lost response was carried out.
INPUT_ROLES = ("user", "system", "developer")
INPUT_ITEM_TYPES = ("function_call_output", "computer_call_output", "custom_tool_call_output", "item_reference")
CANCEL_IGNORED = (400, 409)


# -- choosing the API -------------------------------------------------------------------------


def api_of_id(value):
    """``assistants`` or ``responses`` for an ID (or ``a:b`` reference) whose prefix says so, else None."""
    if not isinstance(value, str):
        return None
    kinds = set()
    for part in value.strip().split(":"):
        for prefix, kind in ID_PREFIXES:
            if part.startswith(prefix):
                kinds.add(kind)
    return kinds.pop() if len(kinds) == 1 else None


def choose_api(option, base_url, ids, probe):
    """Which API a task talks to.

    ``option`` is the ``api`` option (``assistants``, ``responses`` or ``auto``); ``ids`` maps
    option names to the IDs given to the task; ``probe()`` asks the server (``probe_api``) and
    is called at most once, only when neither an ID nor the URL decides. Raises
    ``ValidationError`` when the IDs name both APIs.
    """
    if option in API_NAMES:
        # (An assistant_id on the Responses API is left to the refusal that says where an assistant's definition goes.)
        for name in sorted(n for n in ids or {} if n != "assistant_id"):
            kind = api_of_id(ids[name])
            if kind is not None and kind != option:
                # Sent anyway, it would only come back as a 404: say what is wrong before any request.
                raise ValidationError(
                    "{0}: {1!r} is an ID of the {2} API, but api (or AIOPS_OPENAI_API) is {3}; give an ID of the {4} API, "
                    "or set api to {5} or auto".format(name, ids[name], kind.capitalize(), option, option.capitalize(), kind))
        return option
    if option not in (None, "auto"):
        raise ValidationError("api: must be assistants, responses or auto, got {0!r}".format(option))
    named = {}
    for name in sorted(ids or {}):
        kind = api_of_id(ids[name])
        if kind is not None:
            named.setdefault(kind, name)
    if len(named) > 1:
        raise ValidationError("{0} is an Assistants API ID but {1} is a Responses API ID; use IDs of one API".format(
            named["assistants"], named["responses"]))
    if named:
        return list(named)[0]
    host = (urlsplit(base_url or "").hostname or "").lower()
    if host in HOSTED_OPENAI:
        return "responses"
    return probe()


def probe_api(client, deadline=None):
    """Ask a server which API it speaks, with one request that creates nothing: ``GET /assistants?limit=1``.

    200 means the Assistants API; 404, 405 or 501 (no such path) the Responses API. Any other
    error (a wrong key, an unreachable server) is raised as it is.
    """
    try:
        client.request("GET", "/assistants", params={"limit": 1}, deadline=deadline)
    except APIError as exc:
        if exc.status in (404, 405, 501):
            return "responses"
        raise
    return "assistants"


def no_assistants(base_url):
    """The refusal of the assistant modules on the Responses API: where an assistant's definition goes instead."""
    hosted = (urlsplit(base_url or "").hostname or "").lower() in HOSTED_OPENAI
    return ("api: the Responses API has no assistants{0}. Put model, instructions and tools on the aiops.openai.run task "
            "(module_defaults for aiops.openai.run keeps them in one place) or give it a stored prompt (its prompt option: "
            "id, version, variables), and drop this task; set api to assistants only for a server that still offers the "
            "Assistants API".format(" (the hosted OpenAI API shut its Assistants API down)" if hosted else ""))


def parse_response_reference(value, thread_id=None):
    """Split ``run_id`` on the Responses API: ``resp_...`` (its conversation is read from it) or ``conv_...:resp_...``."""
    if ":" not in value and not thread_id:
        return None, check_id(value, "run_id")
    return parse_run_reference(value, thread_id)


# -- request mapping: the run module's options -> CreateResponse ------------------------------


def _tool_item(tool, where):
    """One tool (as ``normalize_tools`` returns it, Assistants shape) in the flat Responses form."""
    kind = tool["type"]
    if kind == "function":
        function = tool["function"]
        return {
            "type": "function",
            "name": function["name"],
            "description": function.get("description"),
            # The API requires both; these are the Assistants API's defaults (no arguments, not strict).
            "parameters": function.get("parameters", {"type": "object", "properties": {}}),
            "strict": function.get("strict", False),
        }
    if kind == "code_interpreter":
        return {"type": "code_interpreter", "container": {"type": "auto"}}
    options = dict(tool.get("file_search") or {})
    stores = options.pop("vector_store_ids", None)
    if not stores:
        raise ValidationError(
            "{0}.file_search.vector_store_ids: required on the Responses API: a file_search tool searches the vector "
            "stores named on the tool (there are no assistant or thread tool_resources)".format(where))
    item = {"type": "file_search", "vector_store_ids": [check_id(s, where + ".file_search.vector_store_ids") for s in stores]}
    item.update(options)
    return item


def response_tools(tools, option="tools"):
    """Tools as ``normalize_tools`` returns them -> the Responses API's tool objects."""
    if tools is None:
        return None
    return [_tool_item(tool, "{0}[{1}]".format(option, index)) for index, tool in enumerate(tools)]


def response_tool_choice(choice, tools):
    """``tool_choice`` of the run module -> the Responses API's (a function is ``{type, name}`` there)."""
    if choice is None or choice in ("none", "auto", "required"):
        return choice
    if not isinstance(choice, dict) or choice.get("type") not in ("function", "code_interpreter", "file_search"):
        raise ValidationError("tool_choice: must be none, auto, required, or a dict with type function, code_interpreter or file_search")
    if choice["type"] != "function":
        return {"type": choice["type"]}
    name = (choice.get("function") or {}).get("name") or choice.get("name")
    if not name:
        raise ValidationError("tool_choice.function.name: required when tool_choice.type is function")
    if tools is not None and name not in [t["name"] for t in tools if t["type"] == "function"]:
        raise ValidationError("tool_choice.function.name: {0!r} is not one of the functions in tools".format(name))
    return {"type": "function", "name": name}


def response_text_format(value, option="response_format"):
    """``response_format`` -> ``text`` (``{"format": ...}``); json_schema is flattened as the Responses API wants."""
    value = normalize_response_format(value, option)
    if value is None or value == "auto":
        return None
    if value["type"] != "json_schema":
        return {"format": {"type": value["type"]}}
    schema = value["json_schema"]
    for field in ("name", "schema"):
        if not schema.get(field):
            raise ValidationError("{0}.json_schema.{1}: required on the Responses API".format(option, field))
    return {"format": drop_none({
        "type": "json_schema",
        "name": schema["name"],
        "schema": schema["schema"],
        "description": schema.get("description"),
        "strict": schema.get("strict"),
    })}


def response_truncation(value):
    """``truncation_strategy`` -> ``truncation``: only ``auto`` (and ``disabled``) exist on the Responses API."""
    if value is None:
        return None
    kind = value.get("type")
    if value.get("last_messages") is not None and kind != "last_messages":
        raise ValidationError("truncation_strategy.last_messages: only used with type=last_messages")
    if kind in ("auto", "disabled"):
        return kind
    raise ValidationError(
        "truncation_strategy.type: {0!r} is not available on the Responses API, which truncates with type auto "
        "(drop the oldest items when the context is full) or not at all".format(kind))


def response_prompt(value):
    """The ``prompt`` option (a stored prompt: ``id``, ``version``, ``variables``) as the API takes it."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError("prompt: must be a dict with id, and optionally version and variables")
    unknown = sorted(set(value) - set(("id", "version", "variables")))
    if unknown:
        raise ValidationError("prompt: unknown key(s) {0}; allowed are id, version and variables".format(", ".join(unknown)))
    prompt = {"id": check_id(value.get("id") or "", "prompt.id")}
    if value.get("version") is not None:
        prompt["version"] = str(value["version"])
    variables = value.get("variables")
    if variables is not None:
        if not isinstance(variables, dict):
            raise ValidationError("prompt.variables: must be a dict of names to strings (or input content parts)")
        for name, item in variables.items():
            if not isinstance(item, str) and not (isinstance(item, dict) and item.get("type") in (
                    "input_text", "input_image", "input_file")):
                raise ValidationError("prompt.variables.{0}: must be a string or a dict with type input_text, input_image "
                                      "or input_file".format(name))
        prompt["variables"] = variables
    return prompt


def _input_part(part, where):
    """An Assistants content part -> a Responses input content part."""
    kind = part["type"]
    if kind == "text":
        return {"type": "input_text", "text": part["text"]}
    if kind == "image_file":
        image = part["image_file"]
        return {"type": "input_image", "file_id": image["file_id"], "detail": image.get("detail") or "auto"}
    if kind == "image_url":
        image = part["image_url"]
        return {"type": "input_image", "image_url": image["url"], "detail": image.get("detail") or "auto"}
    raise ValidationError("{0}: content parts of type {1!r} cannot be sent on the Responses API".format(where, kind))


def message_item(message, where="message"):
    """A message body of the Assistants shape (``role``, ``content``, ``attachments``, ``metadata``) -> a message item.

    Items carry no metadata and no attachments: both are refused, naming the option: ``where`` is the
    option the message is (``messages[0]``), empty for the message module's own top-level options.
    """
    prefix = where + "." if where else ""
    if message.get("attachments"):
        raise ValidationError(
            "{0}attachments: the Responses API has no message attachments; put the files in a vector store and name it "
            "in the run's tools[].file_search.vector_store_ids".format(prefix))
    extra = sorted(k for k in (message.get("metadata") or {}) if k not in (MESSAGE_MARKER, RUN_MARKER))
    if extra:
        raise ValidationError("{0}metadata: conversation items carry no metadata on the Responses API (got {1})".format(
            prefix, ", ".join(extra)))
    content = message["content"]
    parts = [{"type": "text", "text": content}] if isinstance(content, str) else content
    converted = [_input_part(part, "{0}content[{1}]".format(prefix, index)) for index, part in enumerate(parts)]
    if message.get("role", "user") == "assistant":
        if any(p["type"] != "input_text" for p in converted):
            raise ValidationError("{0}content: an assistant message can only hold text on the Responses API".format(prefix))
        return {"type": "message", "role": "assistant", "content": "\n".join(p["text"] for p in converted)}
    return {"type": "message", "role": message.get("role", "user"), "content": converted}


def content_key(item):
    """What identifies a message item's content: role and (kind, value) of each part, for matching."""
    content = item.get("content")
    if isinstance(content, str):
        content = [{"type": "input_text", "text": content}]
    parts = []
    for part in content or []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text"):
            text = part.get("text")
            parts.append(("text", text.get("value") if isinstance(text, dict) else text))
        elif kind == "input_image":
            parts.append(("image", part.get("file_id") or part.get("image_url")))
        else:
            parts.append((kind, None))
    return json.dumps([item.get("role"), parts])


def _additional_item(message, where):
    """One of the run's ``additional_messages`` as an input item, checked as on the Assistants API first."""
    normalize_content(message["content"], where + ".content")
    if message.get("metadata"):
        # The reserved marker is named as such; any other key is refused by message_item (items have no metadata).
        normalize_metadata(message["metadata"], reserved=(RUN_MARKER,), room=1, option=where + ".metadata")
    return message_item(message, where)


def run_definition(params, warn):
    """The run module's options -> the ``CreateResponse`` fields that define the run (no HTTP).

    ``params`` holds the run module's options (``prompt`` may be absent); ``warn(text)`` is
    called for options that change meaning. Raises ``ValidationError`` naming the option for
    anything the Responses API cannot do.
    """
    p = params
    if p.get("assistant_id"):
        raise ValidationError(
            "assistant_id: the Responses API has no assistants; give model, instructions and tools on the run task "
            "(module_defaults keeps them in one place) or a stored prompt")
    if p.get("max_prompt_tokens") is not None:
        raise ValidationError("max_prompt_tokens: the Responses API has no prompt token limit; use "
                              "truncation_strategy with type auto to keep the input within the model's context")
    prompt = response_prompt(p.get("prompt"))
    if not p.get("model") and prompt is None:
        raise ValidationError("model: required on the Responses API (it has no assistants to take it from), unless "
                              "prompt names a stored prompt")
    instructions = [t for t in (p.get("instructions"), p.get("additional_instructions")) if t]
    tools = response_tools(normalize_tools(p.get("tools"), warn))
    items = None
    if p.get("additional_messages"):
        items = [_additional_item(m, "additional_messages[{0}]".format(i)) for i, m in enumerate(p["additional_messages"])]
    effort = p.get("reasoning_effort")
    return drop_none(dict(
        model=p.get("model"),
        prompt=prompt,
        instructions="\n\n".join(instructions) if instructions else None,
        input=items,
        tools=tools,
        tool_choice=response_tool_choice(p.get("tool_choice"), tools),
        parallel_tool_calls=p.get("parallel_tool_calls"),
        metadata=normalize_metadata(p.get("metadata"), reserved=(RUN_MARKER,), room=1),
        temperature=p.get("temperature"),
        top_p=p.get("top_p"),
        max_output_tokens=p.get("max_tokens"),
        truncation=response_truncation(p.get("truncation_strategy")),
        text=response_text_format(p.get("response_format")),
        reasoning={"effort": effort} if effort else None,
    ))


def run_body(definition, marker):
    """The ``CreateResponse`` body of a run (without ``conversation`` and ``stream``, added when sent)."""
    body = copy.deepcopy(definition)
    body["metadata"] = dict(definition.get("metadata") or {}, **{RUN_MARKER: marker})
    body["store"] = True
    body["background"] = True
    return body


def tool_output_items(outputs):
    """``tool_outputs`` (``tool_call_id``, ``output``) -> ``function_call_output`` input items."""
    return [{"type": "function_call_output", "call_id": o["tool_call_id"], "output": o["output"]} for o in outputs]


# -- result mapping: Response -> the run module's result keys ---------------------------------


def pending_calls(output):
    """The ``function_call`` items of ``output`` that no ``function_call_output`` item answers."""
    answered = set(i.get("call_id") for i in output if isinstance(i, dict) and i.get("type") == "function_call_output")
    return [i for i in output if isinstance(i, dict) and i.get("type") == "function_call" and i.get("call_id") not in answered]


def tool_calls_of(output):
    """Unanswered function calls in the Assistants API's shape: ``{id, type: function, function: {name, arguments}}``."""
    return [{"id": c.get("call_id"), "type": "function", "function": {"name": c.get("name"), "arguments": c.get("arguments")}}
            for c in pending_calls(output)]


def _output_file_ids(output):
    found = []
    for item in output:
        for part in (item.get("content") or []) if isinstance(item, dict) else []:
            for note in (part.get("annotations") or []) if isinstance(part, dict) else []:
                file_id = note.get("file_id") if isinstance(note, dict) else None
                if file_id and file_id not in found:
                    found.append(file_id)
    return found


def run_of(response, conversation_id=None):
    """A ``Response`` as the run module's ``run``: the object plus the seed's attributes.

    ``status`` is the response's, except that a completed response whose output ends with
    function calls nobody answered yet is ``requires_action``, with ``required_action`` in the
    Assistants API's shape. ``steps`` are the output items, ``thread_id`` the conversation.
    """
    run = dict(response)
    output = [i for i in (response.get("output") or []) if isinstance(i, dict)]
    conversation = response.get("conversation")
    run["thread_id"] = (conversation.get("id") if isinstance(conversation, dict) else conversation) or conversation_id
    run.setdefault("object", "response")
    run.setdefault("created_at", None)
    run["started_at"] = response.get("started_at")
    run["completed_at"] = response.get("completed_at")
    run["usage"] = response.get("usage")
    run["metadata"] = response.get("metadata") or {}
    run["last_error"] = response.get("error")
    run["steps"] = output
    run["file_ids"] = _output_file_ids(output)
    calls = tool_calls_of(output) if response.get("status") == "completed" else []
    run["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}} if calls else None
    if calls:
        run["status"] = "requires_action"
    return run


def message_of(item, run=None, conversation_id=None):
    """A message item in the shape of an Assistants message (``content[].text.value``), so playbooks read both alike."""
    content = []
    for part in item.get("content") or []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("output_text", "input_text"):
            content.append({"type": "text", "text": {"value": part.get("text") or "", "annotations": part.get("annotations") or []}})
        else:
            content.append(part)
    if isinstance(item.get("content"), str):
        content = [{"type": "text", "text": {"value": item["content"], "annotations": []}}]
    run = run or {}
    return {
        "id": item.get("id"),
        "object": "conversation.item",
        "type": item.get("type", "message"),
        "thread_id": run.get("thread_id") or conversation_id,
        "run_id": run.get("id"),
        "created_at": run.get("completed_at") or run.get("created_at"),
        "role": item.get("role"),
        "status": item.get("status"),
        "content": content,
        "attachments": [],
        "metadata": {},
    }


def outputs(run):
    """The result keys every run-returning module sets, from a ``run_of`` run."""
    steps = run.get("steps") or []
    messages = [message_of(i, run) for i in steps if i.get("type") == "message" and i.get("role") == "assistant"]
    texts = ["\n".join(p["text"]["value"] for p in m["content"] if p.get("type") == "text") for m in messages]
    return {
        "run": run,
        "messages": messages,
        "output_text": "\n\n".join(t for t in texts if t),
        "tool_calls": (run.get("required_action") or {}).get("submit_tool_outputs", {}).get("tool_calls", []),
    }


def run_from_items(conversation_id, items, status="completed"):
    """A run read from conversation items when the response's id was lost (``id`` is null)."""
    output = [i for i in items if not _is_input(i)]
    run = run_of({"id": None, "object": "response", "status": status, "output": output}, conversation_id)
    run["id_lost"] = True
    return run


def _is_input(item):
    return item.get("type") in INPUT_ITEM_TYPES or (item.get("type") == "message" and item.get("role") in INPUT_ROLES)


# -- the journal in the conversation's metadata -----------------------------------------------


class Journal:
    """The collection's entries in a conversation's metadata: ``<kind><marker>`` -> response/item id or ``?<watermark>``.

    Entries are kept oldest first; when they do not fit the reserved keys, the oldest settled
    ones go (a pending entry is never dropped: it guards a create that may have happened).
    """

    def __init__(self, metadata):
        self.user = dict((k, v) for k, v in (metadata or {}).items() if k not in JOURNAL_KEYS)
        self.entries = []
        for key in JOURNAL_KEYS:
            for word in ((metadata or {}).get(key) or "").split():
                name, sep, value = word.partition("=")
                if sep and name and value:
                    self._drop(name)
                    self.entries.append((name, value))

    @staticmethod
    def name(kind, marker):
        return kind + marker[:JOURNAL_MARKER_LENGTH]

    def _drop(self, name):
        self.entries = [e for e in self.entries if e[0] != name]

    def get(self, kind, marker):
        name = self.name(kind, marker)
        return next((value for key, value in self.entries if key == name), None)

    def set(self, kind, marker, value):
        name = self.name(kind, marker)
        self._drop(name)
        self.entries.append((name, value))
        while self._pack() is None:
            settled = [e for e in self.entries if not e[1].startswith(PENDING) and e[0] != name]
            if not settled:
                raise ValidationError(
                    "the conversation's journal ({0}) is full of pending creates; see the earlier failures of this "
                    "conversation's tasks".format(", ".join(JOURNAL_KEYS)))
            self.entries.remove(settled[0])

    def forget(self, kind, marker):
        self._drop(self.name(kind, marker))

    def _pack(self):
        values = []
        current = ""
        for name, value in self.entries:
            word = "{0}={1}".format(name, value)
            if current and len(current) + 1 + len(word) > JOURNAL_VALUE_MAX:
                values.append(current)
                current = ""
            current = "{0} {1}".format(current, word) if current else word
        if current:
            values.append(current)
        return values if len(values) <= len(JOURNAL_KEYS) else None

    def metadata(self):
        """The conversation's whole metadata: the user's keys and the journal's."""
        result = dict(self.user)
        values = self._pack() or []
        for index, key in enumerate(JOURNAL_KEYS):
            if index < len(values):
                result[key] = values[index]
        return result


def _newer_than(items, item_id):
    """The items (newest first) newer than ``item_id`` (all of them for None); None when it is not among them."""
    if item_id is None:
        return list(items)
    for index, item in enumerate(items):
        if item.get("id") == item_id:
            return items[:index]
    return None


def user_view(conversation):
    """A conversation as the thread module shows and compares it: metadata without the journal keys."""
    view = dict(conversation)
    view["metadata"] = Journal(conversation.get("metadata")).user
    return view


class ConversationView:
    """What a run task needs to know of a conversation: its journal and its newest items down to the anchor.

    ``anchor`` is the id of the newest user message item that is not one of the run's own
    ``additional_messages`` (they join the conversation with the response); ``watermark`` the
    newest item's id; ``items`` the items read, newest first.
    """

    def __init__(self, conversation, items, own_inputs=(), items_read=True):
        self.items_read = items_read
        self.conversation = conversation
        self.id = conversation["id"]
        self.journal = Journal(conversation.get("metadata"))
        self.items = items
        self.watermark = items[0].get("id") if items else None
        self.anchor = None
        for item in items:
            if item.get("type") == "message" and item.get("role") == "user" and content_key(item) not in own_inputs:
                self.anchor = item.get("id")
                break

    def messages_of(self, run_id):
        """None: a response carries its own output messages (``run_messages`` reads them without a request)."""
        return None


def evidence(items, watermark):
    """The items newer than ``watermark`` (oldest first) when they hold a response's output: proof that a
    response sent after the watermark was carried out. None otherwise (also when the watermark is not in ``items``).
    """
    newer = _newer_than(items, watermark or None)
    if not newer:
        return None
    found = [i for i in newer if not _is_input(i)]
    return list(reversed(newer)) if found else None


# -- waiting ----------------------------------------------------------------------------------


class ResponseProgress(RunProgress):
    """What has been seen of a response: the latest ``Response`` (as ``run_of`` maps it), its items, the last event.

    Takes ``response.*`` events (by their ``type``; servers that send no event names work too)
    and ``Response`` objects. ``on_id(response_id)`` is called once, when the id is first seen.
    """

    def __init__(self, conversation_id, response=None, on_id=None):
        super(ResponseProgress, self).__init__()
        self.conversation_id = conversation_id
        self.response = None
        self.sequence = None
        self.on_id = on_id
        self.journal_error = None
        if response is not None:
            self._take_response(response)

    @property
    def response_id(self):
        return (self.response or {}).get("id")

    def _take_response(self, response):
        if not isinstance(response.get("id"), str) or not isinstance(response.get("status"), str):
            return
        first = self.response is None
        self.response = response
        self.run = run_of(response, self.conversation_id)
        if first and self.on_id is not None:
            self.on_id(response["id"])

    def take(self, data):
        if not isinstance(data, dict):
            return
        number = data.get("sequence_number")
        if isinstance(number, int) and not isinstance(number, bool) and (self.sequence is None or number > self.sequence):
            self.sequence = number
        kind = data.get("type")
        if isinstance(kind, str) and kind.startswith("response."):
            if isinstance(data.get("response"), dict):
                self._take_response(data["response"])
            elif kind == "response.output_item.done" and isinstance(data.get("item"), dict) and data["item"].get("id"):
                self.steps[data["item"]["id"]] = data["item"]
        elif kind is None or data.get("object") == "response":
            # A Response (from a poll, or a server that answered the stream request with JSON).
            self._take_response(data)


# -- the API ----------------------------------------------------------------------------------


def read_response(value, request, redact=None):
    """A ``Response``: ``id`` and ``status`` are strings."""
    return read_object(value, request, redact=redact, required=("id", "status"))


def failure_reason(run):
    """Why a response ended failed, cancelled or incomplete, as the server says it."""
    error = run.get("last_error") or run.get("error")
    reason = (error or {}).get("message") if isinstance(error, dict) else None
    details = run.get("incomplete_details")
    reason = reason or ((details or {}).get("reason") if isinstance(details, dict) else None)
    return str(reason).rstrip(".") if reason else "no reason given"


def required_tool_calls(run):
    """The function calls a run in ``requires_action`` waits for (Assistants shape)."""
    action = run.get("required_action") if isinstance(run, dict) else None
    calls = ((action or {}).get("submit_tool_outputs") or {}).get("tool_calls") if isinstance(action, dict) else None
    return [c for c in calls or [] if isinstance(c, dict)]


# The fields of a response that a follow-up response (the answer to its function calls) sends again:
# the Responses API carries the conversation over, but not the model, instructions or tools.
FOLLOW_UP_FIELDS = ("model", "prompt", "instructions", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p",
                    "max_output_tokens", "truncation", "text", "reasoning", "metadata")


def follow_up_body(run):
    """The create body of the response that answers ``run``'s function calls, from the response itself."""
    body = dict((k, run[k]) for k in FOLLOW_UP_FIELDS if run.get(k) is not None)
    if "prompt" in body:
        # A stored prompt brings its own instructions; the response shows them expanded.
        body.pop("instructions", None)
    body["store"] = True
    body["background"] = True
    return body


class ResponsesAPI(APIBase):
    """Threads, messages and runs on the Responses API with Conversations: the methods of ``AssistantsAPI``.

    Methods that read one object return ``None`` on 404 (``*_get``); ``thread_view`` and
    ``run_find`` read the conversation once per task and keep it, so the journal is written
    from what was read. ``warn`` receives warnings for the task.
    """

    name = "responses"
    # What a task's messages call a run of this API.
    run_noun = "response"

    def __init__(self, client, warn=None, clock=time.monotonic, sleep=time.sleep):
        super(ResponsesAPI, self).__init__(client, warn, clock, sleep)
        self._views = {}
        self._definition = None

    # -- pure parts (no HTTP) -------------------------------------------------------------

    def run_definition(self, params, warn):
        """The run's definition on this API (``run_definition``); remembered, so ``thread_view`` knows its own inputs."""
        # The Responses API wants at least 16 output tokens (and has no prompt limit: run_definition refuses it).
        check_range(params, "max_tokens", 16)
        self._definition = run_definition(params, warn)
        return self._definition

    run_body = staticmethod(run_body)
    parse_run_reference = staticmethod(parse_response_reference)

    def runs_reference(self, params):
        """``(conversation_id, response_id)`` of a task that reads a response: responses cannot be listed, so run_id is required."""
        if params["run_id"] is None:
            raise ValidationError("run_id: required on the Responses API, which cannot list the responses of a conversation; "
                                  "give run_id (resp_... or conv_...:resp_..., as the run module returns it)")
        return parse_response_reference(params["run_id"], check_id(params["thread_id"], "thread_id"))

    def describe(self, run):
        """``response R in conversation C`` (also when its id was lost): a run as a task's messages name it."""
        if not run.get("id"):
            return "the response of this task in conversation {0} (its id was lost)".format(run.get("thread_id"))
        return "response {0}{1}".format(run["id"], " in conversation {0}".format(run["thread_id"]) if run.get("thread_id") else "")
    tool_calls = staticmethod(required_tool_calls)
    failure_reason = staticmethod(failure_reason)

    def message_body(self, message, where="message"):
        """Check a message body (``message_request``'s, Assistants shape) for this API, before any request."""
        return message_item(message, where)

    def thread_body(self, wanted, messages=None):
        """A ``CreateConversationBody`` from the thread module's definition; refuses what conversations cannot hold."""
        if wanted.get("tool_resources"):
            raise ValidationError(
                "tool_resources: conversations have no tool resources on the Responses API; name vector stores in the "
                "run's tools[].file_search.vector_store_ids (code_interpreter files go in its container)")
        metadata = wanted.get("metadata")
        if metadata and set(metadata) & set(JOURNAL_KEYS):
            raise ValidationError("metadata: the keys {0} are reserved for the collection's journal".format(", ".join(JOURNAL_KEYS)))
        if metadata and len(metadata) > 16 - len(JOURNAL_KEYS):
            raise ValidationError("metadata: at most {0} keys are allowed on the Responses API ({1} of the 16 hold the "
                                  "collection's journal), got {2}".format(16 - len(JOURNAL_KEYS), len(JOURNAL_KEYS), len(metadata)))
        body = drop_none({"metadata": metadata})
        if messages:
            if len(messages) > 20:
                raise ValidationError("messages: at most 20 first messages are allowed on the Responses API, got {0}".format(len(messages)))
            body["items"] = [message_item(m, "messages[{0}]".format(i)) for i, m in enumerate(messages)]
            # Items carry no marker: the journal goes in with them, each message pending with no watermark, so
            # the message module finds it by role and content among the items (and settles the entry), as an
            # Assistants thread's first messages carry their marker.
            markers = [(m.get("metadata") or {}).get(MESSAGE_MARKER) for m in messages]
            if any(markers):
                journal = Journal(metadata)
                for marker in markers:
                    if marker:
                        journal.set(MESSAGE_KIND, marker, PENDING)
                body["metadata"] = journal.metadata()
        return body

    # -- plumbing -------------------------------------------------------------------------

    def _path(self, conversation_id, *rest):
        return "/".join(("/conversations", conversation_id) + rest)

    def _get_conversation(self, conversation_id, deadline=None):
        path = self._path(conversation_id)
        try:
            return read_object(self.client.get(path, deadline=deadline), "GET " + path, redact=self.redact)
        except APIError as exc:
            if exc.status == 404:
                return None
            raise

    def _conversation(self, thread_id, deadline=None):
        """The conversation as read in this task (read now if it was not), so a metadata write keeps what is there."""
        view = self._views.get(thread_id)
        if view is not None:
            return view.conversation
        conversation = self._get_conversation(thread_id, deadline)
        if conversation is None:
            raise ValidationError("thread_id: no conversation has the ID {0!r}".format(thread_id))
        self._views[thread_id] = ConversationView(conversation, [], items_read=False)
        return conversation

    def _items(self, conversation_id, stop=None, deadline=None, order="desc", page_size=100):
        """The conversation's items in ``order``, until ``stop(item)`` is true (that item included)."""
        path = self._path(conversation_id, "items")
        items = []
        for index, item in enumerate(self.client.paginate(path, order=order, limit=page_size, deadline=deadline)):
            items.append(read_object(item, "GET " + path, "data[{0}]".format(index), self.redact, required=("id", "type")))
            if stop is not None and stop(item):
                break
        return items

    def _journal_write(self, conversation, journal, deadline=None):
        """Write the journal into the conversation's metadata (a plain update, safe to repeat)."""
        path = self._path(conversation["id"])
        updated = self.client.post(path, {"metadata": journal.metadata()}, deadline=deadline)
        conversation["metadata"] = updated.get("metadata") if isinstance(updated, dict) and isinstance(
            updated.get("metadata"), dict) else journal.metadata()

    def _settle(self, conversation, kind, marker, object_id, deadline=None):
        journal = Journal(conversation.get("metadata"))
        journal.set(kind, marker, object_id)
        self._journal_write(conversation, journal, deadline)

    # -- threads = conversations ------------------------------------------------------------

    def thread_get(self, thread_id, deadline=None):
        """The conversation (metadata without the journal keys), None when there is none."""
        conversation = self._get_conversation(thread_id, deadline)
        if conversation is None:
            return None
        self._views[thread_id] = ConversationView(conversation, [], items_read=False)
        return user_view(conversation)

    def thread_create(self, body, deadline=None):
        """POST /conversations (``thread_body``'s body). Conversations cannot be listed: a lost answer is raised at once."""
        created = create_once(lambda: self.client.post("/conversations", body, create=True, deadline=deadline))
        return user_view(read_object(created, "POST /conversations", redact=self.redact))

    def thread_update(self, thread_id, body, deadline=None):
        """Set the user's metadata, keeping the journal's keys as they are."""
        conversation = self._conversation(thread_id, deadline)
        journal = Journal(conversation.get("metadata"))
        journal.user = dict(body.get("metadata") or {})
        self._journal_write(conversation, journal, deadline)
        return user_view(conversation)

    def thread_delete(self, thread_id):
        return self.client.delete(self._path(thread_id))

    # -- messages = message items -------------------------------------------------------------

    def messages(self, thread_id, order="desc", run_id=None, page_size=100, deadline=None):
        """The conversation's message items (or, with ``run_id``, the response's output messages) in the message shape."""
        if run_id:
            run = self.run_get(thread_id, run_id, deadline=deadline)
            return iter(self.run_messages(run))
        items = self._items(thread_id, deadline=deadline, order=order, page_size=page_size)
        return iter([message_of(i, conversation_id=thread_id) for i in items if i.get("type") == "message"])

    def _match_item(self, thread_id, watermark, body, deadline=None):
        """The newest message item newer than ``watermark`` with the role and content of ``body``, or None."""
        wanted = content_key(message_item(body))
        for item in self._items(thread_id, stop=lambda i: i.get("id") == watermark, deadline=deadline):
            if item.get("id") == watermark:
                return None
            if item.get("type") == "message" and content_key(item) == wanted:
                return item
        return None

    def marked_messages(self, thread_id, marker, body=None, deadline=None):
        """The message items the journal names for ``marker``, newest first.

        A pending entry (an add whose answer was lost) is settled here when ``body`` is given
        (by role and content, among the items newer than its watermark), else by ``message_create``.
        A conversation that does not exist is the server's 404, as a thread's is on the Assistants API.
        """
        path = self._path(thread_id)
        conversation = read_object(self.client.get(path, deadline=deadline), "GET " + path, redact=self.redact)
        self._views[thread_id] = ConversationView(conversation, [], items_read=False)
        value = Journal(conversation.get("metadata")).get(MESSAGE_KIND, marker)
        if value is None or (value.startswith(PENDING) and body is None):
            return []
        if value.startswith(PENDING):
            found = self._match_item(thread_id, value[1:] or None, body, deadline)
            if found is None:
                return []
            self._settle(conversation, MESSAGE_KIND, marker, found["id"], deadline)
            return [message_of(found, conversation_id=thread_id)]
        found = self.message_get(thread_id, value)
        return [found] if found is not None else []

    def message_get(self, thread_id, message_id):
        path = self._path(thread_id, "items", message_id)
        try:
            item = read_object(self.client.get(path), "GET " + path, redact=self.redact)
        except APIError as exc:
            if exc.status == 404:
                return None
            raise
        return message_of(item, conversation_id=thread_id)

    def message_create(self, thread_id, body, marker):
        """Add the message item once: a pending journal entry, POST items, then the entry names the item.

        After a lost answer the item is looked for (same role and content, newer than the
        watermark) before it is sent again; items are added synchronously, so not found means
        not added. A pending entry left by an earlier task is settled the same way first.
        """
        item = message_item(body)
        conversation = self._conversation(thread_id)
        journal = Journal(conversation.get("metadata"))
        earlier = journal.get(MESSAGE_KIND, marker)
        if earlier is not None and earlier.startswith(PENDING):
            found = self._match_item(thread_id, earlier[1:] or None, body)
            if found is not None:
                self._settle(conversation, MESSAGE_KIND, marker, found["id"])
                return message_of(found, conversation_id=thread_id)
        newest = self._items(thread_id, stop=lambda i: True, page_size=1)
        watermark = newest[0]["id"] if newest else ""
        journal.set(MESSAGE_KIND, marker, PENDING + watermark)
        self._journal_write(conversation, journal)
        path = self._path(thread_id, "items")

        def send():
            reply = read_object(self.client.post(path, {"items": [item]}, create=True), "POST " + path, redact=self.redact,
                                required=())
            data = reply.get("data")
            if not isinstance(data, list) or not data:
                raise UnexpectedResponse("POST " + path, "data", "a list holding the added item", data, self.redact)
            return read_object(data[0], "POST " + path, "data[0]", self.redact)

        added = create_once(send, lambda: self._match_item(thread_id, watermark or None, body),
                            self.client.pause)
        self._settle(conversation, MESSAGE_KIND, marker, added["id"])
        return message_of(added, conversation_id=thread_id)

    def message_update(self, thread_id, message_id, body):
        raise ValidationError("metadata: conversation items carry no metadata on the Responses API, so a message cannot be "
                              "updated; leave metadata out")

    def message_delete(self, thread_id, message_id):
        return self.client.delete(self._path(thread_id, "items", message_id))

    # -- runs = responses ---------------------------------------------------------------------

    def runs(self, thread_id, order="desc", page_size=100, deadline=None):
        raise ValidationError("the Responses API cannot list the responses of a conversation; give run_id "
                              "(conv_...:resp_...) to read one")

    def active_run(self, thread_id):
        """None: the Responses API has no one-active-response rule to report."""
        return None

    def thread_view(self, thread_id, deadline=None, definition=None):
        """The conversation (with its journal) and its newest items down to the anchor: two requests.

        The anchor skips user items with the content of the run's own ``additional_messages``
        (``definition``, else the one ``run_definition`` made): they join the conversation with the response.
        """
        conversation = self._get_conversation(thread_id, deadline)
        if conversation is None:
            raise ValidationError("thread_id: no conversation has the ID {0!r}".format(thread_id))
        definition = definition if definition is not None else self._definition
        own = set(content_key(i) for i in (definition or {}).get("input") or [] if i.get("role") == "user")
        items = self._items(thread_id, deadline=deadline, stop=lambda i: (
            i.get("type") == "message" and i.get("role") == "user" and content_key(i) not in own))
        view = ConversationView(conversation, items, own)
        self._views[thread_id] = view
        return view

    def _view(self, thread_id, deadline=None):
        view = self._views.get(thread_id)
        return view if view is not None and view.items_read else self.thread_view(thread_id, deadline)

    def run_find(self, thread_id, marker, deadline=None):
        """Return ``(run this marker names, None)``: the Responses API has no one-active-response rule.

        A journaled id is read (GET /responses/{id}); a pending entry gives the run read from the
        items newer than its watermark, or, without them, a run of unknown id still ``in_progress``.
        """
        view = self._view(thread_id, deadline)
        value = view.journal.get(RUN_KIND, marker)
        if value is None:
            return None, None
        if value.startswith(PENDING):
            watermark = value[1:] or None
            items = evidence(view.items, watermark)
            if items is not None:
                found = run_from_items(thread_id, items)
                found["marker"] = marker
                return found, None
            return {"id": None, "object": "response", "thread_id": thread_id, "status": "in_progress", "id_lost": True,
                    "watermark": watermark, "marker": marker}, None
        try:
            return self.run_get(thread_id, value, deadline=deadline), None
        except APIError as exc:
            if exc.status == 404:
                return None, None
            raise

    def run_get(self, thread_id, run_id, deadline=None):
        """GET /responses/{id} as a run; its conversation must be ``thread_id`` when that is given."""
        path = "/responses/{0}".format(run_id)
        run = run_of(read_response(self.client.get(path, deadline=deadline), "GET " + path, self.redact), thread_id)
        if thread_id and run.get("thread_id") not in (None, thread_id):
            raise ValidationError("run_id: response {0} belongs to conversation {1}, not {2}".format(run_id, run["thread_id"], thread_id))
        return run

    def run_poll(self, thread_id, run_id, deadline=None):
        """One GET of the response for the waiter: the ``Reply`` (its data the response, checked, with ``thread_id``)."""
        path = "/responses/{0}".format(run_id)
        reply = self.client.request("GET", path, deadline=deadline)
        reply.data = dict(read_response(reply.data, "GET " + path, self.redact), thread_id=thread_id)
        return reply

    def progress(self, run):
        """A ``ResponseProgress`` that has seen ``run`` (a run of this API) and nothing else."""
        progress = ResponseProgress(run.get("thread_id"))
        if run.get("id"):
            progress.response = dict(run, status="completed" if run.get("status") == "requires_action" else run.get("status"))
        progress.run = run
        return progress

    def run_wait(self, run, deadline=None, stop_statuses=STOP_STATUSES, action="waiting for", events=None):
        """Wait for a run (a run or a progress) until it stops; return its ``ResponseProgress``.

        A run whose id was lost is waited for through the conversation's items (``_await_items``).
        """
        progress = run if isinstance(run, RunProgress) else self.progress(run)
        current = progress.run or {}
        if current.get("status") in stop_statuses and events is None:
            return progress
        if not current.get("id") and events is None:
            return self.progress(self._await_items(current, deadline))
        return wait_for_run(self.run_poll, progress.conversation_id or current.get("thread_id"), current.get("id"),
                            deadline=deadline, events=events, progress=progress, stop_statuses=stop_statuses, action=action,
                            clock=self.clock, sleep=self.sleep)

    def _await_items(self, run, deadline):
        """Wait until items newer than the run's watermark show its output; fail naming what to do when the deadline comes first."""
        started = self.clock()
        interval = POLL_START
        watermark = run.get("watermark")
        while True:
            items = evidence(self._items(run["thread_id"], stop=lambda i: i.get("id") == watermark, deadline=deadline), watermark)
            if items is not None:
                return run_from_items(run["thread_id"], items)
            now = self.clock()
            if deadline is None or now + interval >= deadline:
                # Not ResponseLostError: nothing may be sent again for it (create_once would look and send).
                raise APIError(
                    "a response for this task may have been created in conversation {0}, but its answer was lost{1}, and "
                    "nothing of it shows in the conversation after {2:.1f}s. The module never sends it twice. Run the task "
                    "again to pick it up once it has completed; if nothing ever appears, the server did not create it: run "
                    "the task with state=absent (it forgets the lost request) and then again with state=present".format(
                        run["thread_id"], " ({0})".format(run["cause"]) if run.get("cause") else "", now - started),
                    method="POST", path="/responses")
            self.sleep(interval)
            interval = min(interval * 2, POLL_CAP)

    def _resume_stream(self, response_id, after, deadline):
        """``GET /responses/{id}?stream=true&starting_after=N``: the events after the last one seen."""
        params = {"stream": "true"}
        if after is not None:
            params["starting_after"] = after
        return self.client.stream("/responses/{0}".format(response_id), deadline=deadline, method="GET", params=params)

    def _resumable(self, events, progress, deadline):
        """The events of ``events``; when the stream breaks after the id is known, go on after the last sequence number."""
        resumes = 0
        while True:
            try:
                for event, data in events:
                    yield event, data
                return
            except StreamInterruptedError:
                if progress.response_id is None or resumes >= MAX_RESUMES or (deadline is not None and self.clock() >= deadline):
                    raise
            resumes += 1
            try:
                events = self._resume_stream(progress.response_id, progress.sequence, deadline)
                # Open it now, so a server that cannot resume hands over to polling at once.
                first = next(events, None)
            except APIError as exc:
                raise StreamInterruptedError("resuming the event stream of response {0} failed: {1}".format(
                    progress.response_id, exc.message), method="GET", path="/responses/{0}".format(progress.response_id))
            if first is None:
                raise StreamInterruptedError("the resumed event stream of response {0} was empty".format(progress.response_id))
            yield first

    def _send(self, thread_id, body, marker, wait, stream, deadline):
        """Journal the create as pending, POST it once, name it in the journal as soon as its id is known."""
        view = self._view(thread_id, deadline)
        watermark = view.watermark or ""
        journal = view.journal if marker else None
        previous = journal.get(RUN_KIND, marker) if journal is not None else None
        if journal is not None:
            journal.set(RUN_KIND, marker, PENDING + watermark)
            self._journal_write(view.conversation, journal, deadline)

        def named(response_id):
            if journal is None:
                return
            journal.set(RUN_KIND, marker, response_id)
            try:
                self._journal_write(view.conversation, journal, deadline)
            except APIError as exc:
                # The response exists and is reported; a rerun reads it from the items instead.
                progress.journal_error = exc
                self.warn("could not record response {0} in the metadata of conversation {1}: {2}".format(
                    response_id, thread_id, exc.message))

        progress = ResponseProgress(thread_id, on_id=named)
        payload = dict(body, conversation=thread_id)
        try:
            if wait and stream:
                try:
                    events = self._resumable(self.client.stream("/responses", payload, deadline=deadline), progress, deadline)
                    return self.run_wait(progress, deadline, events=events)
                except APIError as exc:
                    if exc.status != 400 or (exc.param != "stream" and "stream" not in (exc.message or "").lower()):
                        raise
                    self.warn("the server does not stream responses; polling instead")
            progress.take(read_response(self.client.post("/responses", payload, create=True, deadline=deadline),
                                        "POST /responses", self.redact))
            return self.run_wait(progress, deadline) if wait else progress
        except ResponseLostError as exc:
            if progress.response_id is not None:
                # The server named the response before the answer broke off: follow that one, never send again.
                return self.run_wait(progress, deadline) if wait else progress
            return self.run_wait({"id": None, "thread_id": thread_id, "status": "in_progress", "watermark": watermark or None,
                                  "id_lost": True, "cause": exc.message}, deadline)
        except APIError:
            if journal is not None and progress.response_id is None:
                # Refused (a 4xx, or a 5xx the client knows was not carried out): nothing was created, so the
                # pending entry goes back to what it was; else the next task would wait for a response that never was.
                self._journal_restore(view.conversation, journal, marker, previous, deadline)
            raise

    def _journal_restore(self, conversation, journal, marker, previous, deadline):
        """Put the journal entry of ``marker`` back to ``previous`` (None: no entry) after a refused create."""
        if previous is None:
            journal.forget(RUN_KIND, marker)
        else:
            journal.set(RUN_KIND, marker, previous)
        try:
            self._journal_write(conversation, journal, deadline)
        except APIError as exc:
            self.warn("could not take the refused create out of the metadata of conversation {0}: {1}; if the next run of "
                      "this task waits for it, run the task with state=absent once".format(conversation["id"], exc.message))

    def run_create(self, thread_id, body, wait, stream, deadline=None):
        """Send the response (``run_body``'s body) once in the conversation; with ``wait`` wait for it.

        A lost answer is never followed by a second send: the response is waited for through the
        conversation's items (see the file's docstring).
        """
        return self._send(thread_id, body, (body.get("metadata") or {}).get(RUN_MARKER), wait, stream, deadline)

    def run_submit_tool_outputs(self, run, outputs, wait, stream, deadline=None):
        """Answer the run's function calls: a new response in the same conversation whose input is the outputs.

        The new response takes the model, tools and instructions of ``run`` (the conversation
        carries the rest); the journal then names it for the run's marker. A run read from the
        conversation's items (its create answer was lost) shows none of them: the task's
        definition gives them then.
        """
        marker = (run.get("metadata") or {}).get(RUN_MARKER) or run.get("marker")
        if not run.get("id") and self._definition is not None:
            body = run_body(self._definition, marker) if marker else dict(self._definition, store=True, background=True)
            # The definition's own input (additional_messages) went with the lost response already.
            body.pop("input", None)
        else:
            body = follow_up_body(run)
        body["input"] = tool_output_items(outputs)
        return self._send(run["thread_id"], body, marker, wait, stream, deadline)

    def run_cancel(self, run, deadline=None):
        """POST /responses/{id}/cancel; a response that ended meanwhile is returned as it is.

        A run whose id was lost cannot be cancelled: its pending journal entry is forgotten
        instead (so the next ``present`` creates), and it is returned as ``cancelled``.
        """
        if not run.get("id"):
            view = self._view(run["thread_id"], deadline)
            view.journal.forget(RUN_KIND, run["marker"])
            self._journal_write(view.conversation, view.journal, deadline)
            return dict(run, status="cancelled")
        path = "/responses/{0}/cancel".format(run["id"])
        try:
            response = read_response(self.client.post(path, {}, deadline=deadline), "POST " + path, self.redact)
        except APIError as exc:
            if exc.status not in CANCEL_IGNORED:
                raise
            latest = self.run_get(run["thread_id"], run["id"], deadline=deadline)
            if latest["status"] in TERMINAL_STATUSES:
                return latest
            raise
        return run_of(response, run["thread_id"])

    # -- reading what a run did (all in the response: no request) ---------------------------

    def run_steps(self, run, deadline=None):
        return list(run.get("steps") or [])

    def run_messages(self, run, deadline=None):
        return outputs(run)["messages"]

    def run_outputs(self, run, steps=None, messages=None):
        """The ``run``, ``messages``, ``output_text`` and ``tool_calls`` result keys (``steps`` and ``messages`` are in ``run``)."""
        return outputs(run)
