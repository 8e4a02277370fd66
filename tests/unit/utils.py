# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fakes and helpers for the collection's unit tests: HTTP without sockets, time without sleeping.

Import them as ``from ansible_collections.aiops.openai.tests.unit.utils import ...``.

HTTP
    ``FakeSession`` stands in for ``requests.Session``: pass it as ``Client(session=...)``
    (or use the ``fake_api`` fixture of ``tests/unit/conftest.py`` for modules). It answers
    each request with the next item of its script and records every call in ``calls``.
    A script item is a ``requests.Response`` (build it with ``json_response``,
    ``error_response``, ``text_response`` or ``sse_response``), an exception to raise
    (``connection_refused()``, ``connection_dropped()``, ``read_timeout()``...), or a
    callable ``item(call)`` returning either. A request past the end of the script fails
    the test with an ``AssertionError`` that names it.

    Responses are real ``requests.Response`` objects whose ``raw`` yields byte chunks and
    may then raise (``urllib3.exceptions.ProtocolError``: a cut connection), exactly as
    urllib3 does, so ``iter_content``, ``.content`` and ``.json()`` behave as in production.

Time
    ``FakeClock`` is both ``clock`` (monotonic seconds) and, through ``clock.sleep``, the
    ``sleep`` of ``Client`` and ``wait_for_run``: sleeping advances the clock and is
    recorded in ``clock.sleeps``. ``FakeSession(clock=..., latency=s)`` makes each request
    take ``s`` seconds of that clock.

Modules
    The ``fake_api`` fixture (``tests/unit/conftest.py``) makes every ``Client`` that
    ``OpenAIModule`` creates use a ``FakeSession`` (returned by the fixture) and
    ``clock.sleep``; script its replies with ``fake_api.add(...)`` before running the module
    and assert on ``fake_api.calls`` afterwards. ``run_module(main, args)`` runs a module's
    ``main`` with ``args`` as its task arguments and raises ``AnsibleExitJson`` or
    ``AnsibleFailJson`` carrying the result exactly as Ansible would receive it (``no_log``
    values masked, ``invocation`` included)::

        def test_unknown_thread_fails(fake_api):
            fake_api.add(error_response(404, "No thread found with id 'thread_1'."))
            with pytest.raises(AnsibleFailJson) as failure:
                run_module(thread_info.main, {"api_key": API_KEY, "base_url": BASE_URL, "id": "thread_1"})
            assert failure.value.result["error"]["status"] == 404
            assert fake_api.paths == ["GET /threads/thread_1"]

    Every test runs with the ``OPENAI_*`` environment variables removed (an autouse fixture).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import email.utils
import io
import json

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19: the arguments were a module global only
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose ``args`` to the ``AnsibleModule`` created within this context."""
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        with mock.patch.object(basic, "_ANSIBLE_ARGS", payload):
            yield

API_KEY = "sk-unit-test-0123456789abcdefABCDEF"
BASE_URL = "https://api.example.test/v1"


# -- time --------------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock that only moves when something sleeps or ``advance`` is called."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        if seconds < 0:
            raise AssertionError("sleep({0}) with a negative delay".format(seconds))
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds):
        self.now += seconds


# -- HTTP --------------------------------------------------------------------------------


class FakeRaw:
    """The ``raw`` of a ``requests.Response``: ``stream()`` yields ``chunks``, then raises ``error``."""

    def __init__(self, chunks, error=None):
        self.chunks = list(chunks)
        self.error = error
        self.closed = False

    def stream(self, amt=None, decode_content=None):
        yield from self.chunks
        if self.error is not None:
            raise self.error

    def close(self):
        self.closed = True


def make_response(status=200, chunks=(), headers=None, error=None, url=None):
    """A real ``requests.Response`` whose body arrives as ``chunks`` (bytes), then ``error`` if given."""
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict(headers or {})
    response.raw = FakeRaw(chunks, error)
    response.url = url or BASE_URL
    response.encoding = "utf-8"
    response.reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}.get(status, "Status")
    return response


def json_response(body, status=200, headers=None, error=None):
    """A JSON reply; ``body`` is serialised unless it is already ``bytes``."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return make_response(status, [data], all_headers, error)


def text_response(text, status=200, headers=None, content_type="text/html"):
    """A reply whose body is not JSON (a proxy's error page, a truncated body...)."""
    all_headers = {"Content-Type": content_type}
    all_headers.update(headers or {})
    return make_response(status, [text.encode("utf-8")], all_headers)


def error_response(status, message, error_type="invalid_request_error", code=None, param=None, headers=None):
    """An API error reply shaped as in the OpenAPI description: ``{"error": {message, type, param, code}}``."""
    body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    return json_response(body, status=status, headers=headers)


def sse_event(event, data):
    """One server-sent event as bytes; ``data`` that is not a string is sent as JSON."""
    text = data if isinstance(data, str) else json.dumps(data)
    lines = ["event: {0}".format(event)] + ["data: {0}".format(line) for line in text.split("\n")]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def sse_response(chunks, error=None, headers=None):
    """A ``text/event-stream`` reply made of ``chunks`` (bytes), cut by ``error`` if given."""
    all_headers = {"Content-Type": "text/event-stream; charset=utf-8"}
    all_headers.update(headers or {})
    return make_response(200, chunks, all_headers, error)


def http_date(seconds_from_now, now):
    """``Retry-After`` as an HTTP-date ``seconds_from_now`` after the wall-clock time ``now``."""
    return email.utils.formatdate(now + seconds_from_now, usegmt=True)


def cut_stream():
    """What urllib3 raises when a chunked body breaks off (requests turns it into ChunkedEncodingError)."""
    return ProtocolError("Connection broken: IncompleteRead(0 bytes read, 10 more expected)", None)


def connection_refused(url=BASE_URL):
    """``requests`` after a refused connect: the request never reached the server."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, url, reason))


def connection_dropped():
    """``requests`` after the server closed the connection without answering."""
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))


def read_timeout():
    """``requests`` after the server took the request but did not answer in time."""
    return requests.exceptions.ReadTimeout(ReadTimeoutError(None, BASE_URL, "Read timed out. (read timeout=60.0)"))


def connect_timeout():
    """``requests`` after a connect that timed out: the request never reached the server."""
    return requests.exceptions.ConnectTimeout("Connection to api.example.test timed out. (connect timeout=10)")


class Call:
    """One request a ``FakeSession`` received."""

    def __init__(self, method, url, params, json_body, timeout, verify, stream, headers, at=None):
        self.method = method
        self.url = url
        self.params = params
        self.json = json_body
        self.timeout = timeout
        self.verify = verify
        self.stream = stream
        self.headers = headers
        self.at = at  # the FakeClock time the request was sent, if the session has a clock

    @property
    def path(self):
        """The URL without the test ``BASE_URL`` (the path as the API description writes it)."""
        return self.url[len(BASE_URL):] if self.url.startswith(BASE_URL) else self.url

    def __repr__(self):
        return "<Call {0} {1} params={2}>".format(self.method, self.url, self.params)


class FakeSession:
    """A ``requests.Session`` stand-in that answers from a script and records every call."""

    def __init__(self, *script, **options):
        self.headers = CaseInsensitiveDict()
        self.script = list(script)
        self.calls = []
        self.closed = False
        self.clock = options.get("clock")
        self.latency = options.get("latency", 0.0)

    def add(self, *items):
        self.script.extend(items)

    def request(self, method, url, params=None, json=None, timeout=None, verify=None, stream=False, **kwargs):
        at = self.clock() if self.clock is not None else None
        call = Call(method, url, params, json, timeout, verify, stream, CaseInsensitiveDict(self.headers), at)
        self.calls.append(call)
        if self.clock is not None and self.latency:
            self.clock.advance(self.latency)
        if not self.script:
            raise AssertionError("unexpected request #{0}: {1} {2}".format(len(self.calls), method, url))
        item = self.script.pop(0)
        if callable(item) and not isinstance(item, (requests.Response, BaseException)):
            item = item(call)
        if isinstance(item, BaseException):
            raise item
        if not stream:
            # Like requests: without stream=True the whole body is read before request() returns.
            item.content
        return item

    def close(self):
        self.closed = True

    @property
    def paths(self):
        return ["{0} {1}".format(c.method, c.path) for c in self.calls]


# -- objects -----------------------------------------------------------------------------


def run_object(status, run_id="run_1", thread_id="thread_1", **extra):
    """A ``thread.run`` as the API returns it (the fields the waiter and modules look at)."""
    run = {
        "id": run_id,
        "object": "thread.run",
        "created_at": 1700000000,
        "thread_id": thread_id,
        "assistant_id": "asst_1",
        "status": status,
        "required_action": None,
        "last_error": None,
        "metadata": {},
    }
    run.update(extra)
    return run


def run_event(status, **kwargs):
    """The stream event announcing that a run reached ``status``."""
    return sse_event("thread.run.{0}".format(status), run_object(status, **kwargs))


# -- modules -----------------------------------------------------------------------------


class AnsibleExitJson(Exception):
    """The module called ``exit_json``; ``result`` is what Ansible would have received."""

    def __init__(self, result):
        super(AnsibleExitJson, self).__init__(result)
        self.result = result


class AnsibleFailJson(Exception):
    """The module called ``fail_json``; ``result`` is what Ansible would have received."""

    def __init__(self, result):
        super(AnsibleFailJson, self).__init__(result)
        self.result = result


def run_module(main, args):
    """Run ``main()`` with task arguments ``args``; raise ``AnsibleExitJson`` or ``AnsibleFailJson``.

    ``exit_json``/``fail_json`` run for real (so ``no_log`` masking is what a user gets);
    their JSON is read back from the captured output.
    """
    output = io.StringIO()
    code = None
    with patch_module_args(args), contextlib.redirect_stdout(output):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
    if code is None:
        raise AssertionError("the module returned without calling exit_json or fail_json")
    lines = [line for line in output.getvalue().splitlines() if line.strip()]
    if not lines:
        raise AssertionError("the module exited ({0}) without a result".format(code))
    result = json.loads(lines[-1])
    if code == 0 and not result.get("failed"):
        raise AnsibleExitJson(result)
    raise AnsibleFailJson(result)
