# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runs, apart from any HTTP: the run module's options made into a request (the definition,
its identity marker, the body), and the lost-response-safe create and submit flows, which call
the API layer (``AssistantsAPI`` or a class of the same methods) through ``create_once``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aiops.openai.plugins.module_utils._create import create_once
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._markers import RUN_MARKER, digest
from ansible_collections.aiops.openai.plugins.module_utils._specs import (
    check_id,
    drop_none,
    normalize_attachments,
    normalize_content,
    normalize_metadata,
    normalize_response_format,
    normalize_tools,
)

# Options that define a new run; they make no sense with run_id.
DEFINING_OPTIONS = (
    "assistant_id", "model", "instructions", "additional_instructions", "additional_messages", "tools",
    "metadata", "temperature", "top_p", "max_tokens", "max_prompt_tokens", "truncation_strategy",
    "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "idempotency_key",
)


def parse_run_reference(value, thread_id=None):
    """Split ``run_id`` or the Terraform import form ``thread_id:run_id``; return ``(thread_id, run_id)``."""
    thread_part, sep, run_part = value.strip().rpartition(":")
    if sep:
        if not thread_part or not run_part or ":" in thread_part:
            raise ValidationError("run_id: {0!r} is not of the form run_id or thread_id:run_id".format(value))
        thread_part = check_id(thread_part, "run_id (thread part)")
        if thread_id and thread_id != thread_part:
            raise ValidationError("run_id: names thread {0!r} but thread_id is {1!r}".format(thread_part, thread_id))
        thread_id = thread_part
    elif not thread_id:
        raise ValidationError("run_id: a plain run ID needs thread_id too (or use the form thread_id:run_id)")
    return thread_id, check_id(run_part, "run_id")


def run_reference(params):
    """``(thread_id, run_id)`` from the ``thread_id`` and ``run_id`` options; run_id is None when not given."""
    thread_id = check_id(params["thread_id"], "thread_id")
    if params["run_id"] is None:
        return thread_id, None
    return parse_run_reference(params["run_id"], thread_id)


# -- the request ------------------------------------------------------------------------------


def _truncation(value):
    if not value:
        return value
    if value.get("last_messages") is not None and value["type"] != "last_messages":
        raise ValidationError("truncation_strategy.last_messages: only used with type=last_messages")
    if value["type"] == "last_messages" and (value.get("last_messages") or 0) < 1:
        raise ValidationError("truncation_strategy.last_messages: must be at least 1 with type=last_messages")
    return drop_none(value)


def _additional_messages(messages):
    if messages is None:
        return None
    result = []
    for index, message in enumerate(messages):
        where = "additional_messages[{0}]".format(index)
        normalize_content(message["content"], where + ".content")
        item = drop_none(dict(message, attachments=normalize_attachments(message["attachments"], where + ".attachments")))
        if "metadata" in item:
            item["metadata"] = normalize_metadata(item["metadata"], reserved=(RUN_MARKER,), room=1, option=where + ".metadata")
        result.append(item)
    return result


def _tool_choice(choice, tools):
    if choice is None or choice in ("none", "auto", "required"):
        return choice
    if not isinstance(choice, dict) or choice.get("type") not in ("function", "code_interpreter", "file_search"):
        raise ValidationError("tool_choice: must be none, auto, required, or a dict with type function, code_interpreter or file_search")
    if choice["type"] == "function":
        name = (choice.get("function") or {}).get("name")
        if not name:
            raise ValidationError("tool_choice.function.name: required when tool_choice.type is function")
        if tools is not None and name not in [t["function"]["name"] for t in tools if t["type"] == "function"]:
            raise ValidationError("tool_choice.function.name: {0!r} is not one of the functions in tools".format(name))
    return choice


def run_definition(params, warn):
    """What defines a new run (the API's CreateRunRequest without the marker), from the run module's options.

    Raises ``ValidationError``; ``warn`` receives warnings (a v1 tool name, for one).
    """
    tools = normalize_tools(params["tools"], warn)
    truncation = _truncation(params["truncation_strategy"])
    messages = _additional_messages(params["additional_messages"])
    return drop_none(dict(
        assistant_id=params["assistant_id"],
        model=params["model"],
        instructions=params["instructions"],
        additional_instructions=params["additional_instructions"],
        additional_messages=messages,
        tools=tools,
        metadata=normalize_metadata(params["metadata"], reserved=(RUN_MARKER,), room=1),
        temperature=params["temperature"],
        top_p=params["top_p"],
        max_completion_tokens=params["max_tokens"],
        max_prompt_tokens=params["max_prompt_tokens"],
        truncation_strategy=truncation,
        tool_choice=_tool_choice(params["tool_choice"], tools),
        parallel_tool_calls=params["parallel_tool_calls"],
        response_format=normalize_response_format(params["response_format"]),
        reasoning_effort=params["reasoning_effort"],
    ))


def marker_value(definition, anchor):
    """A stable digest of what a run is (``definition``) and what it answers (``anchor``)."""
    return digest({"definition": definition, "anchor": anchor})


def run_marker(definition, anchor_message_id, key=None):
    """The marker of the run answering ``anchor_message_id`` (or the user's ``key``, when given)."""
    return marker_value(definition, {"key": key} if key is not None else {"message": anchor_message_id})


def run_body(definition, marker):
    """The create request: the definition with the marker on the run and on each additional message."""
    body = dict(definition)
    body["metadata"] = dict(definition.get("metadata") or {}, **{RUN_MARKER: marker})
    if "additional_messages" in body:
        body["additional_messages"] = [
            dict(m, metadata=dict(m.get("metadata") or {}, **{RUN_MARKER: marker})) for m in body["additional_messages"]]
    return body


# -- the lost-response-safe flows -------------------------------------------------------------


def _late_commit(exc):
    # After a lost response, "already has an active run" may be our first request, committed late.
    return exc.status == 400 and "active run" in (exc.message or "")


def create_run(api, thread_id, body, marker, replaced, wait, stream, deadline):
    """Create the run (and with ``wait`` wait for it); return its progress.

    After a lost response the run is looked for by its marker; one found (other than
    ``replaced``, the failed run it replaces) is the one we made, and it is followed instead.
    """
    def find():
        found, _active = api.run_find(thread_id, marker, deadline=deadline)
        if found is None or (replaced is not None and found["id"] == replaced["id"]):
            return None
        return api.run_wait(found, deadline) if wait else api.progress(found)

    return create_once(lambda: api.run_create(thread_id, body, wait, stream, deadline),
                       find, lambda attempt: api.client.pause(attempt, deadline), _late_commit)


def submit_tool_outputs(api, run, outputs, wait, stream, deadline):
    """Submit ``outputs`` to a run in ``requires_action`` (and with ``wait`` wait for it); return its progress.

    After a lost response, the outputs are sent again only while the run still asks for the same calls.
    """
    calls = api.tool_calls(run)
    sent = []

    def send():
        # Only the first try streams: after a loss the plain POST plus polling is simpler to reason about.
        first = not sent
        sent.append(True)
        return api.run_submit_tool_outputs(run, outputs, wait, stream and first, deadline)

    def find():
        if not run.get("id"):
            # A run read from a conversation's items (its own create answer was lost) has no id to read it by:
            # never GET a null id, and never send the outputs again on a guess.
            raise APIError(
                "the answer to the tool outputs for the {0} in {1} was lost, and that {0} has no id to look it up by (the "
                "answer to its own create was lost too), so the module did not send them again; run the task again to pick "
                "up what the server did".format(api.run_noun, run.get("thread_id")))
        latest = api.run_get(run["thread_id"], run["id"], deadline=deadline)
        if latest["status"] == "requires_action" and api.tool_calls(latest) == calls:
            return None
        return api.run_wait(latest, deadline) if wait else api.progress(latest)

    return create_once(send, find, lambda attempt: api.client.pause(attempt, deadline))
