# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every API class (``AssistantsAPI``, ``ResponsesAPI``) has: its client, the task's warn,
the clock of its waits, and reading one object, a 404 as ``None``, or a list, through readers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, MissingPath, UnexpectedResponse


def read_object(value, request, field="the body", redact=None, required=("id",)):
    """``value`` if it is an object whose ``required`` fields are non-empty strings; else ``UnexpectedResponse``."""
    if not isinstance(value, dict):
        raise UnexpectedResponse(request, field, "an object", value, redact)
    for name in required:
        if not isinstance(value.get(name), str) or not value[name]:
            raise UnexpectedResponse(request, "{0}.{1}".format(field, name) if field != "the body" else name,
                                     "a non-empty string", value.get(name), redact)
    return value


def read_items(items, request, redact=None, required=("id",), reader=read_object):
    """Yield the objects of a list endpoint, each read by ``reader`` (``read_object`` or one of its signature)."""
    for index, item in enumerate(items):
        yield reader(item, request, "data[{0}]".format(index), redact, required)


class APIBase:
    """Base of the API classes: constructed with the module run's ``Client``.

    ``warn`` receives warnings for the task; ``clock`` and ``sleep`` drive the waits. ``read`` is
    how objects of this API are read (``read_object``'s signature; an API class may also even out
    its servers' variations there), and ``explained(exc)`` the error a task reports for ``exc``
    (an API class says there what a missing path means, as ``MissingPath``).
    """

    read = staticmethod(read_object)

    def __init__(self, client, warn=None, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.warn = warn or (lambda text: None)
        self.clock = clock
        self.sleep = sleep
        self.redact = client.redactor.text

    def explained(self, exc):
        """The error to raise for ``exc`` (an ``APIError``); this base class adds nothing."""
        return exc

    def _get(self, path, deadline=None, reader=None):
        try:
            return (reader or self.read)(self.client.get(path, deadline=deadline), "GET " + path, redact=self.redact)
        except APIError as exc:
            raise self.explained(exc)

    def _get_or_none(self, path):
        """The object, or None when the server says it is not there (a 404 that is not a ``MissingPath``)."""
        try:
            return self._get(path)
        except APIError as exc:
            if exc.status == 404 and not isinstance(exc, MissingPath):
                return None
            raise

    def _post(self, path, body, create=False, deadline=None, reader=None):
        try:
            return (reader or self.read)(self.client.post(path, body, create=create, deadline=deadline), "POST " + path,
                                         redact=self.redact)
        except APIError as exc:
            raise self.explained(exc)

    def _list(self, path, order="desc", params=None, page_size=100, deadline=None, required=("id",)):
        """Iterate over the objects of a list endpoint, read by ``read``."""
        pages = self.client.paginate(path, params=params, order=order, limit=page_size, deadline=deadline)
        try:
            yield from read_items(pages, "GET " + path, self.redact, required, self.read)
        except APIError as exc:
            raise self.explained(exc)

    def _pause(self, deadline=None):
        """``create_once``'s pause: the client's backoff under its one retry rule."""
        return lambda attempt: self.client.pause(attempt, deadline)
