# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the assistant, thread and message modules (and their ``_info`` twins) share.

- ``ResourceModule``: the base of the three state modules: read an object (``None`` on 404),
  bring it up to the fields the user set (``update``), delete it (``remove``), each with
  ``--diff``, check mode and a truthful ``changed``.
- ``same`` / ``changed_fields``: how a wanted definition is compared with the server's object.
- Option specs and checks for ``tool_resources`` and for messages (content, attachments), and
  the ``aiops_openai_message`` marker that makes adding a message idempotent.
- ``get_or_none`` / ``list_objects``: reading for the ``_info`` modules (404 is "none", lists cut at ``limit``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible.module_utils.six import integer_types, string_types

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._runs import RUN_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id, drop_none, normalize_metadata

# Metadata key of the messages this collection adds; its value is ``message_marker(...)``.
MESSAGE_MARKER = "aiops_openai_message"
MARKER_LENGTH = 40
# Metadata keys a user may not set on a message: they carry the collection's markers.
RESERVED_MESSAGE_KEYS = (MESSAGE_MARKER, RUN_MARKER)
MAX_CODE_INTERPRETER_FILES = 20
MAX_VECTOR_STORES = 1
CONTENT_PART_TYPES = ("text", "image_file", "image_url")
FLOAT_TOLERANCE = 1e-9


# -- comparing a wanted definition with the server's object -----------------------------------


def _empty(value):
    return value is None or value == {} or value == [] or value == ""


def same(wanted, actual):
    """Whether ``actual`` (from the server) already is what ``wanted`` asks for.

    Dicts are compared on ``wanted``'s keys only, so defaults the server adds (a function's
    ``strict``, a file search's ``ranking_options``) do not count as differences; lists item by
    item; numbers within a rounding error; an empty value equals a missing one.
    """
    if _empty(wanted) and _empty(actual):
        return True
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            return False
        return all(same(value, actual.get(key)) for key, value in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(wanted) != len(actual):
            return False
        return all(same(w, a) for w, a in zip(wanted, actual))
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return wanted is actual
    if isinstance(wanted, integer_types + (float,)) and isinstance(actual, integer_types + (float,)):
        return abs(wanted - actual) <= FLOAT_TOLERANCE
    return wanted == actual


def changed_fields(wanted, actual, exact=("metadata",), unreadable=()):
    """The names of the fields of ``wanted`` that ``actual`` does not match yet.

    ``exact`` fields must be equal as a whole (a metadata key the user removed is a change);
    ``unreadable`` fields are ones the API does not return: missing from ``actual``, they cannot
    be compared and are not reported.
    """
    changed = []
    for name, value in wanted.items():
        if name not in actual and name in unreadable:
            continue
        current = actual.get(name)
        if name in exact:
            equal = (current or {}) == (value or {}) if isinstance(value, dict) or value is None else current == value
        else:
            equal = same(value, current)
        if not equal:
            changed.append(name)
    return changed


def managed_view(obj, fields):
    """The ``fields`` of a server object (those it has), for ``--diff``."""
    return dict((name, obj.get(name)) for name in fields if name in obj)


def _project(actual, wanted):
    """``actual`` cut to the shape of ``wanted``: what ``same`` looked at, so --diff shows only real differences."""
    if same(wanted, actual):
        return wanted
    if isinstance(wanted, dict) and isinstance(actual, dict):
        return dict((key, _project(actual[key], value)) for key, value in wanted.items() if key in actual)
    if isinstance(wanted, list) and isinstance(actual, list) and len(wanted) == len(actual):
        return [_project(a, w) for a, w in zip(actual, wanted)]
    return actual


def compared_view(obj, wanted, exact=("metadata",)):
    """The fields of ``wanted`` as the server object has them, for the ``before`` of ``--diff``."""
    return dict((name, obj.get(name) if name in exact else _project(obj.get(name), value))
                for name, value in wanted.items() if name in obj)


def get_or_none(client, path):
    """GET one object; ``None`` when the server answers 404."""
    try:
        return client.get(path)
    except APIError as exc:
        if exc.status == 404:
            return None
        raise


def list_objects(client, path, limit, order="desc", params=None, deadline=None):
    """The first ``limit`` objects of a list endpoint, in ``order``."""
    found = []
    for item in client.paginate(path, params=params, order=order, limit=min(limit, 100), deadline=deadline):
        found.append(item)
        if len(found) >= limit:
            break
    return found


def check_limit(params, name="limit", maximum=10000):
    value = params.get(name)
    if value is not None and not 1 <= value <= maximum:
        raise ValidationError("{0}: must be between 1 and {1}, got {2}".format(name, maximum, value))


# -- tool_resources ---------------------------------------------------------------------------


def tool_resources_argument_spec():
    """The ``tool_resources`` option of assistants and threads (file ids and vector store ids)."""
    return dict(
        type="dict",
        options=dict(
            code_interpreter=dict(type="dict", options=dict(
                file_ids=dict(type="list", elements="str", required=True),
            )),
            file_search=dict(type="dict", options=dict(
                vector_store_ids=dict(type="list", elements="str", required=True),
            )),
        ),
    )


def normalize_tool_resources(value, option="tool_resources"):
    """Check ``tool_resources`` against the API's limits; return it without unset parts."""
    if value is None:
        return None
    result = {}
    code = value.get("code_interpreter")
    if code is not None:
        ids = [check_id(i, "{0}.code_interpreter.file_ids".format(option)) for i in code["file_ids"]]
        if len(ids) > MAX_CODE_INTERPRETER_FILES:
            raise ValidationError("{0}.code_interpreter.file_ids: at most {1} files are allowed, got {2}".format(
                option, MAX_CODE_INTERPRETER_FILES, len(ids)))
        result["code_interpreter"] = {"file_ids": ids}
    search = value.get("file_search")
    if search is not None:
        ids = [check_id(i, "{0}.file_search.vector_store_ids".format(option)) for i in search["vector_store_ids"]]
        if len(ids) > MAX_VECTOR_STORES:
            raise ValidationError("{0}.file_search.vector_store_ids: at most {1} vector store is allowed, got {2}".format(
                option, MAX_VECTOR_STORES, len(ids)))
        result["file_search"] = {"vector_store_ids": ids}
    return result


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
        if not isinstance(part.get("text"), string_types) or not part["text"].strip():
            raise ValidationError("{0}.text: must be a non-empty string".format(where))
    elif kind == "image_file":
        check_id((part.get("image_file") or {}).get("file_id") or "", where + ".image_file.file_id")
    elif not (part.get("image_url") or {}).get("url"):
        raise ValidationError("{0}.image_url.url: required for an image_url part".format(where))
    return part


def normalize_content(content, where="content"):
    """Check message content (a string or a list of content parts); return its canonical parts."""
    if isinstance(content, string_types):
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
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:MARKER_LENGTH]


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


def marked_messages(client, thread_id, marker):
    """The thread's messages carrying ``marker``, newest first."""
    return [m for m in client.paginate("/threads/{0}/messages".format(thread_id), order="desc")
            if (m.get("metadata") or {}).get(MESSAGE_MARKER) == marker]


# -- the state modules' base ------------------------------------------------------------------


class ResourceModule(OpenAIModule):
    """Base of the assistant, thread and message modules.

    ``result_key`` names the result that holds the object; ``exact_fields`` and
    ``unreadable_fields`` tune ``changed_fields``.
    """

    result_key = None
    exact_fields = ("metadata",)
    unreadable_fields = ()

    def read(self, path):
        """GET one object; ``None`` when the server answers 404."""
        return get_or_none(self.client, path)

    def created(self, wanted, obj=None, identity=None):
        """Record a creation (done, or predicted in check mode)."""
        self.result["changed"] = True
        self.set_diff({}, dict(identity or {}, **wanted))
        self.result[self.result_key] = obj or {}

    def update(self, path, current, wanted, identity=None):
        """Bring ``current`` up to ``wanted`` (only the fields the user set) with POST ``path``.

        Fields the API does not return are sent along when something else changes.
        Returns the object as it is now (unchanged in check mode).
        """
        identity = identity or {"id": current.get("id")}
        fields = changed_fields(wanted, current, exact=self.exact_fields, unreadable=self.unreadable_fields)
        # A field the server does not show is in the diff only when it is sent.
        shown = wanted if fields else dict((k, v) for k, v in wanted.items() if k in current or k not in self.unreadable_fields)
        self.set_diff(dict(identity, **compared_view(current, wanted, self.exact_fields)), dict(identity, **shown))
        self.result[self.result_key] = current
        if not fields:
            return current
        self.result["changed"] = True
        if self.module.check_mode:
            return current
        body = dict((name, wanted[name]) for name in wanted if name in fields or name in self.unreadable_fields)
        updated = self.client.post(path, body)
        self.result[self.result_key] = updated
        return updated

    def remove(self, path, current, fields):
        """DELETE ``path`` if ``current`` exists; an object already gone is ``changed=false``."""
        if current is None:
            self.set_diff({}, {})
            self.result[self.result_key] = {}
            return
        self.set_diff(dict({"id": current.get("id")}, **managed_view(current, fields)), {})
        self.result[self.result_key] = current
        self.result["changed"] = True
        if self.module.check_mode:
            return
        try:
            self.client.delete(path)
        except APIError as exc:
            if exc.status != 404:
                raise
            # Deleted by someone else between our read and our delete.
            self.result["changed"] = False
