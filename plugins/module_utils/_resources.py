# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the assistant, thread and message modules (and their ``_info`` twins) share.

- ``ResourceModule``: the base of the three state modules: bring an object up to the fields
  the user set (``update``), delete it (``remove``), each with ``--diff``, check mode and a
  truthful ``changed``.
- ``same`` / ``changed_fields``: how a wanted definition is compared with the server's object.
- The ``tool_resources`` option of assistants and threads.
- ``first`` / ``check_limit``: the ``limit`` of the ``_info`` modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, MissingPath, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id

# (tool, its field of ids, the API's limit, what the limit counts)
TOOL_RESOURCE_LIMITS = (
    ("code_interpreter", "file_ids", 20, "files are"),
    ("file_search", "vector_store_ids", 1, "vector store is"),
)
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
    if isinstance(wanted, (int, float)) and isinstance(actual, (int, float)):
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


def first(items, limit):
    """The first ``limit`` objects of an iterator (a list endpoint is read no further)."""
    return list(itertools.islice(items, limit))


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
    for tool, field, limit, allowed in TOOL_RESOURCE_LIMITS:
        if value.get(tool) is None:
            continue
        where = "{0}.{1}.{2}".format(option, tool, field)
        ids = [check_id(i, where) for i in value[tool][field]]
        if len(ids) > limit:
            raise ValidationError("{0}: at most {1} {2} allowed, got {3}".format(where, limit, allowed, len(ids)))
        result[tool] = {field: ids}
    return result


# -- the state modules' base ------------------------------------------------------------------


class ResourceModule(OpenAIModule):
    """Base of the assistant, thread and message modules.

    ``result_key`` names the result that holds the object; ``exact_fields`` and
    ``unreadable_fields`` tune ``changed_fields``.
    """

    result_key = None
    exact_fields = ("metadata",)
    unreadable_fields = ()

    def created(self, wanted, obj=None, identity=None):
        """Record a creation (done, or predicted in check mode)."""
        self.result["changed"] = True
        self.set_diff({}, dict(identity or {}, **wanted))
        self.result[self.result_key] = obj or {}

    def update(self, send, current, wanted, identity=None):
        """Bring ``current`` up to ``wanted`` (only the fields the user set) with ``send(body)`` (an API update).

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
        body = dict((name, wanted[name]) for name in wanted if name in fields or (name in self.unreadable_fields and name not in current))
        updated = send(body)
        self.result[self.result_key] = updated
        return updated

    def remove(self, delete, current, fields):
        """Call ``delete()`` (an API delete) if ``current`` exists; an object already gone is ``changed=false``."""
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
            delete()
        except APIError as exc:
            if exc.status != 404 or isinstance(exc, MissingPath):
                raise
            # Deleted by someone else between our read and our delete.
            self.result["changed"] = False
