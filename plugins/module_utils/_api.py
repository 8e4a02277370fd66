# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every API class (``AssistantsAPI``, ``ResponsesAPI``) has: its client, the task's warn,
the clock of its waits, and reading one object, a 404 as ``None``, or a list, through readers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, UnexpectedResponse


def read_object(value, request, field="the body", redact=None, required=("id",)):
    """``value`` if it is an object whose ``required`` fields are non-empty strings; else ``UnexpectedResponse``."""
    if not isinstance(value, dict):
        raise UnexpectedResponse(request, field, "an object", value, redact)
    for name in required:
        if not isinstance(value.get(name), str) or not value[name]:
            raise UnexpectedResponse(request, "{0}.{1}".format(field, name) if field != "the body" else name,
                                     "a non-empty string", value.get(name), redact)
    return value


def read_items(items, request, redact=None, required=("id",)):
    """Yield the objects of a list endpoint, each checked like ``read_object``."""
    for index, item in enumerate(items):
        yield read_object(item, request, "data[{0}]".format(index), redact, required)


class APIBase:
    """Base of the API classes: constructed with the module run's ``Client``.

    ``warn`` receives warnings for the task; ``clock`` and ``sleep`` drive the waits.
    """

    def __init__(self, client, warn=None, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.warn = warn or (lambda text: None)
        self.clock = clock
        self.sleep = sleep
        self.redact = client.redactor.text

    def _get(self, path, deadline=None, reader=read_object):
        return reader(self.client.get(path, deadline=deadline), "GET " + path, redact=self.redact)

    def _get_or_none(self, path):
        try:
            return self._get(path)
        except APIError as exc:
            if exc.status == 404:
                return None
            raise

    def _post(self, path, body, create=False, deadline=None, reader=read_object):
        return reader(self.client.post(path, body, create=create, deadline=deadline), "POST " + path, redact=self.redact)

    def _list(self, path, order="desc", params=None, page_size=100, deadline=None, required=("id",)):
        pages = self.client.paginate(path, params=params, order=order, limit=page_size, deadline=deadline)
        return read_items(pages, "GET " + path, self.redact, required)

    def _pause(self, deadline=None):
        """``create_once``'s pause: the client's backoff under its one retry rule."""
        return lambda attempt: self.client.pause(attempt, deadline)
