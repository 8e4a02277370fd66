# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option specs and input checks shared by several modules (tools, metadata, ranges, ids).

Every check raises ``ValidationError`` with a message that names the option and the rule;
none of them sends a request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER, RUN_MARKER, digest

FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
METADATA_MAX_KEYS = 16
METADATA_KEY_MAX = 64
METADATA_VALUE_MAX = 512
MAX_TOOLS = 128
TOOL_TYPES = ["code_interpreter", "file_search", "function", "retrieval"]
REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]
# Metadata keys a user may not set on a message: they carry the collection's markers.
RESERVED_MESSAGE_KEYS = (MESSAGE_MARKER, RUN_MARKER)
CONTENT_PART_TYPES = ("text", "image_file", "image_url")


def tools_argument_spec():
    """The ``tools`` option, shaped like the API's tool objects (run and assistant share it)."""
    return dict(
        type="list",
        elements="dict",
        options=dict(
            type=dict(type="str", required=True, choices=TOOL_TYPES),
            function=dict(
                type="dict",
                options=dict(
                    name=dict(type="str", required=True),
                    description=dict(type="str"),
                    parameters=dict(type="raw"),
                    strict=dict(type="bool"),
                ),
            ),
            file_search=dict(
                type="dict",
                options=dict(
                    max_num_results=dict(type="int"),
                    ranking_options=dict(type="dict"),
                    vector_store_ids=dict(type="list", elements="str"),
                ),
            ),
        ),
    )


def _parameters(value, where):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValidationError("{0}.parameters: is not valid JSON ({1})".format(where, exc))
    if not isinstance(value, dict):
        raise ValidationError("{0}.parameters: must be a JSON Schema object (a dict or a JSON string of an object), got {1}".format(
            where, type(value).__name__))
    if "type" in value and value["type"] != "object":
        raise ValidationError("{0}.parameters: the schema's type must be 'object', got {1!r}".format(where, value["type"]))
    return value


def normalize_tools(tools, warn, option="tools"):
    """Check ``tools`` and return them as API tool objects (``retrieval`` becomes ``file_search``)."""
    if tools is None:
        return None
    if len(tools) > MAX_TOOLS:
        raise ValidationError("{0}: at most {1} tools are allowed, got {2}".format(option, MAX_TOOLS, len(tools)))
    result = []
    names = set()
    for index, tool in enumerate(tools):
        where = "{0}[{1}]".format(option, index)
        kind = tool["type"]
        if kind == "retrieval":
            warn("{0}: the 'retrieval' tool of Assistants v1 is 'file_search' in v2; sending file_search".format(where))
            kind = "file_search"
        function = tool.get("function")
        if kind == "function" and not function:
            raise ValidationError("{0}.function: required when type is 'function'".format(where))
        if kind != "function" and function:
            raise ValidationError("{0}.function: only allowed when type is 'function' (type is {1!r})".format(where, tool["type"]))
        if kind != "file_search" and tool.get("file_search"):
            raise ValidationError("{0}.file_search: only allowed when type is 'file_search'".format(where))
        item = {"type": kind}
        if kind == "function":
            name = function["name"]
            if not FUNCTION_NAME.match(name or ""):
                raise ValidationError("{0}.function.name: {1!r} must be 1 to 64 characters of a-z, A-Z, 0-9, _ or -".format(where, name))
            if name in names:
                raise ValidationError("{0}.function.name: {1!r} is defined twice".format(where, name))
            names.add(name)
            spec = {"name": name}
            if function.get("description") is not None:
                spec["description"] = function["description"]
            if function.get("parameters") is not None:
                spec["parameters"] = _parameters(function["parameters"], where + ".function")
            if function.get("strict") is not None:
                spec["strict"] = function["strict"]
            item["function"] = spec
        if kind == "file_search" and tool.get("file_search"):
            options = dict((k, v) for k, v in tool["file_search"].items() if v is not None)
            count = options.get("max_num_results")
            if count is not None and not 1 <= count <= 50:
                raise ValidationError("{0}.file_search.max_num_results: must be between 1 and 50, got {1}".format(where, count))
            if options:
                item["file_search"] = options
        result.append(item)
    return result


def refuse_tool_vector_stores(tools, option="tools"):
    """On the Assistants API a file_search tool names no vector stores (tool_resources do): refuse them, naming the option."""
    for index, tool in enumerate(tools or []):
        if (tool.get("file_search") or {}).get("vector_store_ids"):
            raise ValidationError(
                "{0}[{1}].file_search.vector_store_ids: used on the Responses API only; on the Assistants API give the "
                "vector stores in the tool_resources of the assistant or the thread".format(option, index))


def normalize_metadata(metadata, reserved=(), room=0, option="metadata"):
    """Check metadata against the API's rules and return it with string values.

    ``reserved`` keys belong to the collection; ``room`` is how many keys it will add.
    """
    if metadata is None:
        return None
    limit = METADATA_MAX_KEYS - room
    if len(metadata) > limit:
        extra = " (one of the {0} is reserved for the collection's marker)".format(METADATA_MAX_KEYS) if room else ""
        raise ValidationError("{0}: at most {1} keys are allowed{2}, got {3}".format(option, limit, extra, len(metadata)))
    result = {}
    for key, value in metadata.items():
        if key in reserved:
            raise ValidationError("{0}: the key {1!r} is reserved for the collection's idempotency marker".format(option, key))
        if not isinstance(key, str) or not key or len(key) > METADATA_KEY_MAX:
            raise ValidationError("{0}: keys must be 1 to {1} characters, got {2!r}".format(option, METADATA_KEY_MAX, key))
        if isinstance(value, (dict, list)) or value is None:
            raise ValidationError("{0}.{1}: values must be strings, got {2}".format(option, key, type(value).__name__))
        text = value if isinstance(value, str) else json.dumps(value)
        if len(text) > METADATA_VALUE_MAX:
            raise ValidationError("{0}.{1}: values must be at most {2} characters, got {3}".format(option, key, METADATA_VALUE_MAX, len(text)))
        result[key] = text
    return result


def check_range(params, name, low=None, high=None, integer_min=None):
    """Fail when ``params[name]`` is set and outside ``[low, high]``."""
    value = params.get(name)
    if value is None:
        return
    if low is not None and value < low or high is not None and value > high:
        if high is None:
            rule = "at least {0}".format(low)
        else:
            rule = "between {0} and {1}".format(low, high)
        raise ValidationError("{0}: must be {1}, got {2}".format(name, rule, value))


def check_id(value, option, prefix=None):
    """Fail on an empty or malformed object id; return it stripped."""
    if value is None:
        return None
    text = value.strip()
    if not text or "/" in text or any(c.isspace() for c in text) or len(text) > 256:
        raise ValidationError("{0}: {1!r} is not a valid id".format(option, value))
    if prefix and not text.startswith(prefix):
        raise ValidationError("{0}: {1!r} is not a valid id (expected it to start with {2!r})".format(option, value, prefix))
    return text


def drop_none(data):
    """A copy of ``data`` without the keys whose value is None."""
    return dict((k, v) for k, v in data.items() if v is not None)


def check_length(params, name, maximum, allow_empty=True):
    """Fail when the string ``params[name]`` is set and longer than ``maximum`` characters (or empty)."""
    value = params.get(name)
    if value is None:
        return
    if not allow_empty and not value.strip():
        raise ValidationError("{0}: must not be empty".format(name))
    if len(value) > maximum:
        raise ValidationError("{0}: must be at most {1} characters, got {2}".format(name, maximum, len(value)))


def normalize_response_format(value, option="response_format"):
    """Check a ``response_format``: V(auto) or a dict of type text, json_object or json_schema."""
    if value is None or value == "auto":
        return value
    if not isinstance(value, dict) or value.get("type") not in ("text", "json_object", "json_schema"):
        raise ValidationError("{0}: must be auto or a dict with type text, json_object or json_schema".format(option))
    if value["type"] == "json_schema" and not isinstance(value.get("json_schema"), dict):
        raise ValidationError("{0}.json_schema: required (a dict with name and schema) when type is json_schema".format(option))
    return value


# -- messages ---------------------------------------------------------------------------------


def message_options(content_required=True):
    """The options of one message (the message module's, and each of a new thread's ``messages``)."""
    return dict(
        role=dict(type="str", choices=["user", "assistant"], default="user"),
        content=dict(type="raw", required=content_required),
        attachments=dict(type="list", elements="dict", options=dict(
            file_id=dict(type="str", required=True),
            tools=dict(type="list", elements="dict", required=True, options=dict(
                type=dict(type="str", required=True, choices=["code_interpreter", "file_search"]),
            )),
        )),
        metadata=dict(type="dict"),
    )


def _content_part(part, where):
    if not isinstance(part, dict) or part.get("type") not in CONTENT_PART_TYPES:
        raise ValidationError("{0}: each content part must be a dict with type text, image_file or image_url".format(where))
    kind = part["type"]
    if kind == "text":
        if not isinstance(part.get("text"), str) or not part["text"].strip():
            raise ValidationError("{0}.text: must be a non-empty string".format(where))
    elif kind == "image_file":
        check_id((part.get("image_file") or {}).get("file_id") or "", where + ".image_file.file_id")
    elif not (part.get("image_url") or {}).get("url"):
        raise ValidationError("{0}.image_url.url: required for an image_url part".format(where))
    return part


def normalize_content(content, where="content"):
    """Check message content (a string or a list of content parts); return its canonical parts."""
    if isinstance(content, str):
        if not content.strip():
            raise ValidationError("{0}: must not be empty".format(where))
        return [{"type": "text", "text": content}]
    if not isinstance(content, list) or not content:
        raise ValidationError("{0}: must be a non-empty string or a non-empty list of content parts".format(where))
    return [_content_part(part, "{0}[{1}]".format(where, index)) for index, part in enumerate(content)]


def normalize_attachments(attachments, where="attachments"):
    if attachments is None:
        return None
    result = []
    for index, attachment in enumerate(attachments):
        item = "{0}[{1}]".format(where, index)
        if not attachment["tools"]:
            raise ValidationError("{0}.tools: list at least one tool (code_interpreter or file_search) for the file".format(item))
        result.append({"file_id": check_id(attachment["file_id"], item + ".file_id"),
                       "tools": [{"type": tool["type"]} for tool in attachment["tools"]]})
    return result


def message_marker(role, parts, attachments=None, key=None):
    """The marker value of a message: a digest of its role, content, attachments (if any) and key."""
    identity = {"role": role, "content": parts, "key": key}
    if attachments:
        identity["attachments"] = attachments
    return digest(identity)


def message_request(message, where="", key=None):
    """Check one message's options; return ``(CreateMessageRequest body, marker value)``.

    The body's metadata carries the marker, so the message is recognised when the task runs again.
    """
    prefix = where + "." if where else ""
    parts = normalize_content(message["content"], prefix + "content")
    attachments = normalize_attachments(message.get("attachments"), prefix + "attachments")
    metadata = normalize_metadata(message.get("metadata"), reserved=RESERVED_MESSAGE_KEYS, room=1, option=prefix + "metadata")
    marker = message_marker(message["role"], parts, attachments, key)
    body = drop_none(dict(role=message["role"], content=message["content"], attachments=attachments))
    body["metadata"] = dict(metadata or {}, **{MESSAGE_MARKER: marker})
    return body, marker
