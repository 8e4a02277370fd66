# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The only code in the collection that talks HTTP to an Assistants API server.

``Client`` owns one ``requests.Session`` (keep-alive) for a module run and provides
``request`` (JSON in, JSON out, with retries), ``paginate`` (list endpoints as a generator)
and ``stream`` (``stream: true`` responses as parsed server-sent events).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import random
import re
import time
import traceback

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.aiops.openai.plugins.module_utils._errors import (
    APIError,
    ResponseLostError,
    StreamInterruptedError,
    UnexpectedResponse,
)
from ansible_collections.aiops.openai.plugins.module_utils._redact import Redactor

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# The collection's version lives in galaxy.yml only; a module cannot read that file at run time.
USER_AGENT = "aiops.openai (Ansible collection; ansible-core {0})".format(ANSIBLE_VERSION)

# Statuses that mean "try again": the server did not (or may not have) done the work.
RETRY_STATUSES = frozenset([408, 409, 429, 500, 502, 503, 504])
# Of those, the ones where the server says it rejected the request before doing anything,
# so even a creating POST can be sent again safely.
REJECTED_STATUSES = frozenset([409, 429, 503])

# A list endpoint is read for at most this many pages (a server that ignores ``after`` or always
# says ``has_more`` must not keep a module paging until its deadline).
MAX_PAGES = 100

BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0
MIN_ATTEMPT_TIMEOUT = 0.5


def _parse_retry_after(headers, now=None):
    """Seconds the server asks us to wait, from ``retry-after-ms`` or ``Retry-After``."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(float(value) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(email.utils.mktime_tz(parsed) - (now if now is not None else time.time()), 0.0)


class SSEDecoder:
    """Incremental decoder for ``text/event-stream`` bodies.

    Feed it byte chunks as they arrive, split anywhere; it returns complete
    ``(event, data)`` pairs. Comments and keep-alives are skipped.
    """

    _NEWLINE = re.compile(b"\r\n|\r|\n")

    def __init__(self):
        self._buffer = b""
        self._event = None
        self._data = []
        self._after_cr = False

    def feed(self, chunk):
        if self._after_cr and chunk:
            # The previous chunk ended with "\r": a "\n" here is the rest of that "\r\n".
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
            self._after_cr = False
        self._buffer += chunk
        events = []
        start = 0
        for match in self._NEWLINE.finditer(self._buffer):
            event = self._line(self._buffer[start:match.start()].decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
            start = match.end()
        # A "\r" ending the buffer ends its line now (the last event of a stream may end so),
        # but may be the first half of a "\r\n" split between chunks.
        self._after_cr = start == len(self._buffer) and self._buffer.endswith(b"\r")
        self._buffer = self._buffer[start:]
        return events

    def _line(self, line):
        if not line:
            if not self._data and self._event is None:
                return None
            event = (self._event or "message", "\n".join(self._data))
            self._event, self._data = None, []
            return event
        if line.startswith(":"):
            return None
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        return None


def iter_stream_events(chunks):
    """Yield ``(event, data)`` from SSE byte chunks; ``data`` is JSON-decoded where it is JSON.

    Stops after the ``done`` or ``error`` event.
    """
    decoder = SSEDecoder()
    for chunk in chunks:
        for event, data in decoder.feed(chunk):
            if event == "done" or data == "[DONE]":
                yield "done", None
                return
            try:
                payload = json.loads(data) if data else None
            except ValueError:
                payload = data
            yield event, payload
            if event == "error":
                return


def _keep_headers(request):
    """A requests auth handler that changes nothing: the session's own headers authenticate."""
    return request


class Reply:
    """A decoded JSON response and its headers."""

    def __init__(self, data, headers, status):
        self.data = data
        self.headers = headers
        self.status = status


class Client:
    """Talks to one Assistants API server for the length of a module run.

    ``deadline`` arguments are ``time.monotonic()`` instants: no retry, backoff or
    per-request timeout goes past them.
    """

    def __init__(self, api_key, base_url=None, organization=None, project=None, api_version=None,
                 request_timeout=60.0, max_retries=3, validate_certs=True, sleep=time.sleep,
                 clock=time.monotonic, session=None):
        if not HAS_REQUESTS and session is None:
            raise RuntimeError("the Python library requests is required")
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.api_version = api_version
        self.request_timeout = float(request_timeout)
        self.max_retries = int(max_retries)
        self.validate_certs = validate_certs
        self.redactor = Redactor([api_key])
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()
        self.session = session if session is not None else requests.Session()
        # Without an auth handler, requests replaces our Authorization header with Basic auth
        # built from user:password in the URL or from ~/.netrc.
        self.session.auth = _keep_headers
        self.request_count = 0
        headers = {
            "User-Agent": USER_AGENT,
            "OpenAI-Beta": "assistants=v2",
            "Accept": "application/json",
        }
        if api_version:
            headers["api-key"] = api_key
        else:
            headers["Authorization"] = "Bearer {0}".format(api_key)
        if organization:
            headers["OpenAI-Organization"] = organization
        if project:
            headers["OpenAI-Project"] = project
        self.session.headers.update(headers)

    # -- public API -----------------------------------------------------------------------

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def request(self, method, path, params=None, body=None, create=False, deadline=None):
        """Send one API call, retrying what is safe to retry; return a ``Reply``.

        ``create=True`` marks a POST that creates something: it is never re-sent after the
        server may have acted on it; ``ResponseLostError`` is raised instead.
        """
        attempt = 0
        while True:
            response = self._send(method, path, params=params, body=body, create=create, deadline=deadline)
            try:
                return Reply(self._decode(response, method, path, create), response.headers, response.status_code)
            except APIError:
                # A garbled answer to a read is a passing fault, like a 5xx: read again.
                if method != "GET":
                    raise
                delay = self._backoff(attempt, None)
                if not self._may_retry(attempt, delay, deadline):
                    raise
            finally:
                response.close()
            self._sleep(delay)
            attempt += 1

    def pause(self, attempt, deadline=None):
        """Sleep the backoff of retry ``attempt`` (0-based) and return True, under the rule of every retry here.

        False, without sleeping, when ``max_retries`` is used up or no useful attempt would fit
        before ``deadline`` (``_may_retry``).
        """
        delay = self._backoff(attempt, None)
        if not self._may_retry(attempt, delay, deadline):
            return False
        self._sleep(delay)
        return True

    def get(self, path, params=None, deadline=None):
        return self.request("GET", path, params=params, deadline=deadline).data

    def post(self, path, body=None, create=False, deadline=None):
        return self.request("POST", path, body=body or {}, create=create, deadline=deadline).data

    def delete(self, path, deadline=None):
        return self.request("DELETE", path, deadline=deadline).data

    def paginate(self, path, params=None, order="desc", limit=100, deadline=None):
        """Yield every object of a list endpoint, page by page (``after`` / ``has_more``).

        Paging stops at a page that brings no object not seen yet (a server that ignores ``after``
        sends the same page again) and after ``MAX_PAGES`` pages; an object seen before is not
        yielded again.
        """
        query = dict(params or {})
        query.update(order=order, limit=limit)
        request = "GET " + path
        seen = set()
        for _page in range(MAX_PAGES):
            page = self.get(path, params=query, deadline=deadline)
            if not isinstance(page, dict):
                raise UnexpectedResponse(request, "the body", "a list object", page, self.redactor.text)
            data = page.get("data")
            if data is None:
                data = []
            if not isinstance(data, list):
                raise UnexpectedResponse(request, "data", "a list", data, self.redactor.text)
            fresh = 0
            for item in data:
                item_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(item_id, str):
                    if item_id in seen:
                        continue
                    seen.add(item_id)
                fresh += 1
                yield item
            if page.get("has_more") is not True or not fresh:
                return
            after = page.get("last_id")
            if not isinstance(after, str) or not after:
                last = data[-1]
                after = last.get("id") if isinstance(last, dict) else None
            if not isinstance(after, str) or not after:
                raise UnexpectedResponse(request, "last_id", "the id of the page's last object", page.get("last_id"), self.redactor.text)
            query["after"] = after

    def stream(self, path, body=None, deadline=None, method="POST", params=None):
        """POST ``body`` with ``stream: true`` (or GET ``path`` with ``params``: a resumed stream); yield ``(event, data)``.

        A server that answers with plain JSON instead yields one ``("response", object)``.
        A body that breaks off raises ``StreamInterruptedError`` (after whatever arrived).
        """
        payload = None
        if method == "POST":
            payload = dict(body or {})
            payload["stream"] = True
        create = method == "POST"
        response = self._send(method, path, params=params, body=payload, create=create, deadline=deadline, stream=True)
        try:
            if "text/event-stream" not in response.headers.get("content-type", ""):
                yield "response", self._decode(response, method, path, create)
                return
            chunks = response.iter_content(chunk_size=None)
            try:
                for event, data in iter_stream_events(chunks):
                    if event == "error":
                        raise self._error_from_body(data, response.status_code, response.headers, method, path)
                    yield event, data
                    if event == "done":
                        return
            except (requests.exceptions.RequestException, OSError) as exc:
                raise StreamInterruptedError(
                    self.redactor.text("the event stream of {0} {1} broke off: {2}".format(method, path, exc)),
                    method=method, path=path, request_id=response.headers.get("x-request-id"))
            raise StreamInterruptedError(
                "the event stream of {0} {1} ended without its done event".format(method, path),
                method=method, path=path, request_id=response.headers.get("x-request-id"))
        finally:
            response.close()

    # -- internals ------------------------------------------------------------------------

    def _remaining(self, deadline):
        return None if deadline is None else deadline - self._clock()

    def _attempt_timeout(self, deadline):
        remaining = self._remaining(deadline)
        read = self.request_timeout if remaining is None else max(min(self.request_timeout, remaining), MIN_ATTEMPT_TIMEOUT)
        return (min(read, 10.0), read)

    def _backoff(self, attempt, retry_after):
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_CAP)
        delay = min(BACKOFF_BASE * (2 ** attempt), BACKOFF_CAP)
        return delay * (0.5 + self._random.random() / 2)

    def _may_retry(self, attempt, delay, deadline):
        if attempt >= self.max_retries:
            return False
        remaining = self._remaining(deadline)
        # A retry must still get a useful attempt before the deadline, not a timeout past it.
        return remaining is None or delay + MIN_ATTEMPT_TIMEOUT <= remaining

    def _send(self, method, path, params=None, body=None, create=False, deadline=None, stream=False):
        url = self.base_url + path
        query = dict(params or {})
        if self.api_version:
            query["api-version"] = self.api_version
        attempt = 0
        while True:
            self.request_count += 1
            try:
                response = self.session.request(
                    method, url, params=query or None, json=body, timeout=self._attempt_timeout(deadline),
                    verify=self.validate_certs, stream=stream)
            except requests.exceptions.RequestException as exc:
                error = self._transport_error(exc, method, path, create)
                # Only the network is worth another try; a bad URL or certificate stays bad.
                transient = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)) and not isinstance(
                    exc, requests.exceptions.SSLError)
                if isinstance(error, ResponseLostError) or not transient:
                    raise error
                delay = self._backoff(attempt, None)
                if not self._may_retry(attempt, delay, deadline):
                    raise error
            else:
                if response.status_code < 400:
                    return response
                retry_after = _parse_retry_after(response.headers)
                error = self._error_from_response(response, method, path)
                response.close()
                if response.status_code not in RETRY_STATUSES:
                    raise error
                if create and response.status_code not in REJECTED_STATUSES:
                    raise ResponseLostError(
                        "{0} {1} answered HTTP {2}; the server may have created the object anyway: {3}".format(
                            method, path, response.status_code, error.message),
                        status=error.status, error_type=error.type, code=error.code, request_id=error.request_id,
                        method=method, path=path)
                delay = self._backoff(attempt, retry_after)
                if not self._may_retry(attempt, delay, deadline):
                    raise error
            self._sleep(delay)
            attempt += 1

    def _transport_error(self, exc, method, path, create):
        text = self.redactor.text("{0} {1} failed: {2}".format(method, path, exc))
        # A refused or timed-out connect, or a failed TLS handshake, never reached the server.
        never_sent = isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)) or (
            isinstance(exc, requests.exceptions.ConnectionError)
            and not isinstance(exc, requests.exceptions.ReadTimeout)
            and "NewConnectionError" in repr(exc))
        if create and not never_sent:
            return ResponseLostError(text + " (the server may have created the object; look it up before retrying)",
                                     method=method, path=path)
        return APIError(text, method=method, path=path)

    def _decode(self, response, method, path, create):
        try:
            content = response.content
            return json.loads(content) if content else {}
        except (ValueError, requests.exceptions.RequestException) as exc:
            text = self.redactor.text("{0} {1} returned HTTP {2} with a body that is not valid JSON: {3}".format(
                method, path, response.status_code, exc))
            error_cls = ResponseLostError if create else APIError
            raise error_cls(text, status=response.status_code, request_id=response.headers.get("x-request-id"),
                            method=method, path=path)

    def _error_from_response(self, response, method, path):
        try:
            body = response.json()
        except ValueError:
            # Redact before truncating: a cut-off secret would no longer match.
            body = {"error": {"message": self.redactor.text(response.text or "")[:500]}}
        return self._error_from_body(body, response.status_code, response.headers, method, path)

    def _error_from_body(self, body, status, headers, method, path):
        error = body.get("error") if isinstance(body, dict) else None
        details = error if isinstance(error, dict) else {}
        message = server_words(body) or "HTTP {0}".format(status)
        text = "{0} {1} failed with HTTP {2}: {3}".format(method, path, status, message) if status else message
        return APIError(self.redactor.text(text), status=status, error_type=self.redactor.text(_text_or_none(details.get("type"))),
                        code=self.redactor.text(_text_or_none(details.get("code"))),
                        param=self.redactor.text(_text_or_none(details.get("param"))),
                        request_id=headers.get("x-request-id"), method=method, path=path)


def _text_or_none(value):
    """A field of an error body as text (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


def server_words(body, length=500):
    """The server's own message in an error body, whatever its shape, or "".

    ``{"error": {"message": ...}}`` (the API's), ``{"error": "..."}``, ``{"detail": "..."}`` (FastAPI),
    ``{"detail": [{"msg": ...}, ...]}`` (FastAPI's validation errors), ``{"message": ...}``, or a
    plain text body.
    """
    if isinstance(body, dict):
        candidates = [body.get("error"), body.get("detail"), body.get("message")]
    else:
        candidates = [body]
    for candidate in candidates:
        if isinstance(candidate, dict):
            candidate = candidate.get("message", candidate.get("msg"))
        if isinstance(candidate, list):
            parts = [part.get("msg", part.get("message")) if isinstance(part, dict) else part for part in candidate]
            candidate = "; ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
        elif candidate is not None and not isinstance(candidate, str) and not isinstance(body, dict):
            candidate = str(candidate)
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:length]
    return ""
