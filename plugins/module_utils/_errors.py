# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The errors of the collection. Standard library only: every layer may import this file.

- ``ValidationError``: bad input, found before any request.
- ``APIError``: an error from the server or on the way to it; ``ResponseLostError``,
  ``StreamInterruptedError`` and ``MissingPath`` are the ones that callers handle; ``UnexpectedResponse`` is an
  answer that arrived but cannot be read.
- ``WaitTimeout``: the awaited run did not stop before the deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

EXCERPT_LENGTH = 200


class ValidationError(Exception):
    """Bad input, found before any request is sent."""


class APIError(Exception):
    """An error from the API or on the way to it, with the details a user needs."""

    def __init__(self, message, status=None, error_type=None, code=None, param=None, request_id=None, method=None, path=None):
        super(APIError, self).__init__(message)
        self.message = message
        self.status = status
        self.type = error_type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.method = method
        self.path = path

    def to_dict(self):
        """The structured ``error`` a failed task returns."""
        return {
            "message": self.message,
            "status": self.status,
            "type": self.type,
            "code": self.code,
            "param": self.param,
            "request_id": self.request_id,
            "request": "{0} {1}".format(self.method, self.path) if self.method else None,
        }

    def __str__(self):
        return self.message


class ResponseLostError(APIError):
    """A creating request may have been carried out, but its response never arrived.

    The caller must look for the object before it sends the request again.
    """


class StreamInterruptedError(APIError):
    """A streamed response broke off before its ``done`` event."""


class MissingPath(APIError):
    """The server has no such path (HTTP 404 or 405 on the path itself, not on an object it names).

    A request for an object that is not there is not this: its 404 names the object.
    """


def excerpt(value, redact=None, length=EXCERPT_LENGTH):
    """A short text of ``value`` (JSON where it can be), redacted before it is cut."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(value)
    if redact is not None:
        text = redact(text)
    return text if len(text) <= length else text[:length] + "..."


def kind_of(value):
    """The JSON name of a value's type, as an error message shows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


class UnexpectedResponse(APIError):
    """An answer that arrived but cannot be read: names the request, the field, what was expected and what came."""

    def __init__(self, request, field, expected, value, redact=None):
        method, _sep, path = (request or "").partition(" ")
        message = "{0} returned an answer the module cannot read: {1} should be {2}, got {3} ({4})".format(
            request or "the server", field or "the body", expected, kind_of(value), excerpt(value, redact))
        super(UnexpectedResponse, self).__init__(message, method=method or None, path=path or None)
        self.field = field
        self.expected = expected


class WaitTimeout(Exception):
    """The run did not reach a stop status before the deadline.

    ``action`` says what was waited for ("waiting for", "cancelling"), for the failure message.
    """

    def __init__(self, run, waited, action="waiting for"):
        super(WaitTimeout, self).__init__(
            "run {0} on thread {1} was still {2} after waiting {3:.1f}s".format(
                run.get("id"), run.get("thread_id"), run.get("status"), waited))
        self.run = run
        self.waited = waited
        self.action = action
