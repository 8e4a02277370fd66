# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Assistants API v2: every path, request body and object shape the collection uses, in one place.

``AssistantsAPI(client)`` is what the modules call (``self.api``); nothing else writes a path of
this API. Objects the server sends back (assistants, threads, messages, runs, steps, list
pages, stream events) are read through the ``read_*`` functions of this file, which raise
``UnexpectedResponse`` (naming the request and the field) on an object of the wrong shape.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.aiops.openai.plugins.module_utils._api import APIBase, read_object
from ansible_collections.aiops.openai.plugins.module_utils._create import create_once
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, MissingPath, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER, RUN_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._runs import parse_run_reference, run_body, run_definition, run_reference
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_range, refuse_tool_vector_stores
from ansible_collections.aiops.openai.plugins.module_utils._statuses import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    STOP_STATUSES,
)
from ansible_collections.aiops.openai.plugins.module_utils._waiter import RunProgress, wait_for_run

# -- the variations of real servers, read into the spec's shapes ------------------------------

# Seconds since 1970 stay below this until the year 5138; milliseconds are above it since March 1973.
MILLISECONDS_FROM = 10 ** 11
# Fields every object of the API has, which some servers send as null: a null tells nothing, so it is dropped.
NULL_MEANS_MISSING = ("object", "model")


def _in_seconds(obj):
    """Timestamps (``*_at``) sent in milliseconds, in seconds as the API documents them."""
    for key, value in list(obj.items()):
        if key.endswith("_at") and isinstance(value, (int, float)) and not isinstance(value, bool) and value >= MILLISECONDS_FROM:
            obj[key] = value // 1000 if isinstance(value, int) else value / 1000.0


def text_of_part(text):
    """A text part's ``text`` in the API's shape, from the shapes servers send: an object, a list of parts, a string."""
    if isinstance(text, str):
        return {"value": text, "annotations": []}
    if isinstance(text, list):
        parts = [part.get("value") if isinstance(part, dict) else part for part in text]
        return {"value": "".join(part for part in parts if isinstance(part, str)), "annotations": []}
    return text


def normalized(obj, kind=None):
    """An object of the API in the spec's shape, whatever the server's variation (changed in place).

    Timestamps in milliseconds become seconds; a text part whose ``text`` is a list of parts or a
    string becomes ``{"value", "annotations"}``; ``metadata: null`` becomes ``{}``; a null ``object``
    or ``model`` is dropped, and a missing ``object`` is ``kind`` when the request says what it is.
    """
    _in_seconds(obj)
    if "metadata" in obj and obj["metadata"] is None:
        obj["metadata"] = {}
    for key in NULL_MEANS_MISSING:
        if key in obj and obj[key] is None:
            del obj[key]
    if kind is not None and "object" not in obj:
        obj["object"] = kind
    content = obj.get("content")
    if isinstance(content, list):
        obj["content"] = [dict(part, text=text_of_part(part.get("text"))) if isinstance(part, dict) and part.get("type") == "text"
                          else part for part in content]
    return obj


def _created(obj):
    created = obj.get("created_at") if isinstance(obj, dict) else None
    return created if isinstance(created, (int, float)) and not isinstance(created, bool) else float("-inf")


def in_order(items, order="desc"):
    """The objects of a list the server was asked to give in ``order``, sorted by ``created_at`` in that order.

    Servers that ignore ``order`` exist, so the order is never taken on trust. Objects created in
    the same second keep the server's order, read in the direction the server really used (as the
    timestamps that differ show it).
    """
    items = list(items)
    stamps = [_created(item) for item in items]
    rising = any(a < b for a, b in zip(stamps, stamps[1:]))
    falling = any(a > b for a, b in zip(stamps, stamps[1:]))
    if rising != falling and rising == (order == "desc"):
        items.reverse()
    # sorted() is stable, also with reverse=True: ties keep the order above.
    return sorted(items, key=_created, reverse=order == "desc")


# -- readers of the server's objects ----------------------------------------------------------


def read_normalized(value, request, field="the body", redact=None, required=("id",)):
    """``read_object``, and the object in the spec's shape (``normalized``): how this API reads every object."""
    return normalized(read_object(value, request, field, redact, required))


def read_run(value, request, field="the body", redact=None):
    """A run object: ``id``, ``thread_id`` and ``status`` are strings."""
    return normalized(read_object(value, request, field, redact, required=("id", "thread_id", "status")), "thread.run")


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def metadata_of(obj):
    """An object's metadata (an empty dict when it has none or it is not an object)."""
    return _dict(_dict(obj).get("metadata"))


def required_tool_calls(run):
    """The tool calls a run in ``requires_action`` waits for."""
    action = _dict(_dict(run).get("required_action"))
    return [call for call in _list(_dict(action.get("submit_tool_outputs")).get("tool_calls")) if isinstance(call, dict)]


def message_text(message):
    """The text parts of a message, joined."""
    parts = []
    for part in _list(_dict(message).get("content")):
        part = _dict(part)
        if part.get("type") == "text":
            value = _dict(text_of_part(part.get("text"))).get("value")
            parts.append(value if isinstance(value, str) else "")
    return "\n".join(parts)


def message_file_ids(message):
    """File ids a message carries: attachments, image files, and citation/path annotations."""
    found = []
    message = _dict(message)
    for attachment in _list(message.get("attachments")):
        found.append(_dict(attachment).get("file_id"))
    for part in _list(message.get("content")):
        part = _dict(part)
        if part.get("type") == "image_file":
            found.append(_dict(part.get("image_file")).get("file_id"))
        for note in _list(_dict(part.get("text")).get("annotations")):
            note = _dict(note)
            found.append(_dict(note.get("file_citation") or note.get("file_path")).get("file_id"))
    return [f for f in found if f and isinstance(f, str)]


def failure_reason(run):
    """Why a run ended failed, expired, cancelled or incomplete, as the server says it."""
    run = _dict(run)
    reason = _dict(run.get("last_error")).get("message") or _dict(run.get("incomplete_details")).get("reason")
    return str(reason).rstrip(".") if reason else "no reason given"


def _sort_key(obj):
    return (_created(obj), str(_dict(obj).get("id")))


def run_outputs(run, steps, messages):
    """The result keys every run-returning module sets: ``run`` (with ``steps`` and ``file_ids``), ``messages``,
    ``output_text`` and ``tool_calls``."""
    messages = sorted(messages, key=_sort_key)
    texts = [message_text(m) for m in messages if m.get("role") == "assistant"]
    shaped = dict(run)
    shaped["steps"] = sorted(steps, key=_sort_key)
    file_ids = []
    for message in messages:
        for file_id in message_file_ids(message):
            if file_id not in file_ids:
                file_ids.append(file_id)
    shaped["file_ids"] = file_ids
    return {
        "run": shaped,
        "messages": messages,
        "output_text": "\n\n".join(t for t in texts if t),
        "tool_calls": required_tool_calls(run) if run.get("status") == "requires_action" else [],
    }


class ThreadView:
    """The newest user input on a thread and the messages that came after it.

    ``anchor`` is the id of the newest user message not added by one of our runs (None on a
    thread without user messages); ``newer`` holds the messages after it, newest first.
    """

    def __init__(self, messages):
        self.newer = []
        self.anchor = None
        for message in messages:
            if message.get("role") == "user" and RUN_MARKER not in metadata_of(message):
                self.anchor = message["id"]
                return
            self.newer.append(message)

    def messages_of(self, run_id):
        """Messages the run created, oldest first; None when they cannot be told from what is in view.

        That is when none is found (the caller then asks the server for the run's messages) or
        when a message after the anchor does not name its run (some servers leave ``run_id`` out).
        """
        if any(not isinstance(m.get("run_id"), str) for m in self.newer if m.get("role") == "assistant"):
            return None
        return [m for m in reversed(self.newer) if m.get("run_id") == run_id] or None


def event_kind(name, data):
    """The ``object`` type of a stream event's data that does not say it: from the event's name, else its shape.

    Servers send the v2 names (``thread.run.completed``), names without ``thread.``
    (``run.completed``), no names at all (the SSE default ``message``), or a plain object
    instead of a stream (``response``). Deltas are not objects of their own (None).
    """
    name = name[len("thread."):] if isinstance(name, str) and name.startswith("thread.") else name or ""
    if name.endswith(".delta") or "delta" in data:
        return None
    for prefix, kind in (("run.step.", "thread.run.step"), ("run.", "thread.run"), ("message.", "thread.message")):
        if name.startswith(prefix):
            return kind
    if "step_details" in data:
        return "thread.run.step"
    if "role" in data and "content" in data:
        return "thread.message"
    if isinstance(data.get("status"), str) and isinstance(data.get("thread_id"), str):
        return "thread.run"
    return None


# -- what a 404 means -------------------------------------------------------------------------

NO_ASSISTANTS_API = (
    "This server does not offer the Assistants API. OpenAI's hosted Assistants API was shut down on 2026-08-26, "
    "so https://api.openai.com/v1 answers 404 on its paths. Use a server that speaks the Assistants API (base_url), "
    "or the collection's Responses API support (connection option api: responses)")
NO_TOOL_OUTPUTS = (
    "This server cannot take tool outputs (it has no submit_tool_outputs endpoint), so a run that calls a function "
    "cannot be answered on it; use assistants without function tools on this server")
# A 404 that names the path as unknown ("Invalid URL (GET /v1/assistants)", Express's "Cannot GET /v1/x", ...).
UNKNOWN_PATH = re.compile(r"invalid (url|method)|unknown (url|path|endpoint|route)|no route|cannot (get|post|put|patch|delete) /|"
                          r"page not found", re.I)
# A 404 that names what is missing ("No thread found with id 'thread_x'.", "Thread not found", "... does not exist").
MISSING_OBJECT = re.compile(r"\bfound\b|\bexist", re.I)
# A 404 that says nothing more (FastAPI's default "Not Found", an empty body): one look at the assistants list decides.
BARE_404 = ("", "not found", "404", "404 not found", "http 404")
# Endpoints of one run that some servers lack while they offer the rest of the API.
RUN_ENDPOINT = re.compile(r"/runs/[^/]+/(submit_tool_outputs|steps(/[^/]+)?|cancel)$")
COLLECTIONS = ("/assistants", "/threads")


def _words(exc):
    """The server's own words in an ``APIError`` of the client ("GET /x failed with HTTP 404: <words>")."""
    return exc.message.partition(" failed with HTTP {0}: ".format(exc.status))[2] or exc.message


def _reworded(exc, cls, more):
    """``exc`` as a ``cls`` whose message says ``more`` after the server's."""
    return cls("{0}. {1}".format(exc.message.rstrip("."), more) if more else exc.message, status=exc.status, error_type=exc.type,
               code=exc.code, param=exc.param, request_id=exc.request_id, method=exc.method, path=exc.path)


# -- the API ----------------------------------------------------------------------------------


class AssistantsAPI(APIBase):
    """The Assistants API v2 on one ``Client``: assistants, threads, messages and runs.

    Methods that read one object return ``None`` on 404 (``*_get``); list methods are
    iterators; ``*_create`` methods go through ``create_once`` (a lost response is resolved by
    looking for the object, never by sending blindly).
    """

    name = "assistants"
    read = staticmethod(read_normalized)
    # What a task's messages call a run of this API.
    run_noun = "run"

    def __init__(self, *args, **kwargs):
        super(AssistantsAPI, self).__init__(*args, **kwargs)
        self._warned = set()
        self._without_assistants = None

    def _warn_once(self, text):
        if text not in self._warned:
            self._warned.add(text)
            self.warn(text)

    # -- pure parts (no HTTP): what the modules' options mean on this API -------------------

    def run_definition(self, params, warn):
        """The run module's options -> the definition of a new run (``_runs.run_definition``), after the checks
        of this API: an assistant is required, a stored prompt and vector stores on a tool are refused."""
        if not params.get("assistant_id"):
            raise ValidationError("assistant_id: required to find or create the run on the Assistants API (or give run_id "
                                  "to work on an existing run)")
        if params.get("prompt") is not None:
            raise ValidationError("prompt: a stored prompt is used on the Responses API only; on the Assistants API the "
                                  "assistant (assistant_id) holds the model, instructions and tools")
        refuse_tool_vector_stores(params.get("tools"))
        # The Assistants API wants at least 256 tokens for either limit.
        check_range(params, "max_tokens", 256)
        check_range(params, "max_prompt_tokens", 256)
        return run_definition(params, warn)

    run_body = staticmethod(run_body)
    parse_run_reference = staticmethod(parse_run_reference)

    def describe(self, run):
        """``run R on thread T``: a run as a task's messages name it."""
        return "run {0} on thread {1}".format(run.get("id"), run.get("thread_id"))

    def runs_reference(self, params):
        """``(thread_id, run_id)`` of a task that reads one run (``run_id``) or lists a thread's runs (no ``run_id``)."""
        return run_reference(params)

    def message_body(self, message, where="message"):
        """A message body (``message_request``'s) as this API takes it: as it is."""
        return message

    def thread_body(self, wanted, messages=None):
        """The ``POST /threads`` body: the thread module's definition and its first messages."""
        return dict(wanted, messages=messages) if messages else dict(wanted)

    # -- what the server lacks ------------------------------------------------------------

    def explained(self, exc):
        """A 404 or 405 on a path the server does not have becomes ``MissingPath``; on the API's own
        paths (not on one run's steps, tool outputs or cancel) it says that the server has no Assistants API."""
        if isinstance(exc, MissingPath) or exc.status not in (404, 405) or not self._path_missing(exc):
            return exc
        if exc.status == 405 or RUN_ENDPOINT.search(exc.path or ""):
            return _reworded(exc, MissingPath, None)
        return _reworded(exc, MissingPath, NO_ASSISTANTS_API)

    def _path_missing(self, exc):
        """Whether a 404 (or 405) is about the path, not about an object the path names."""
        words = _words(exc)
        if exc.status == 405 or UNKNOWN_PATH.search(words):
            return True
        if words.strip().rstrip(".").lower() not in BARE_404 and MISSING_OBJECT.search(words):
            return False
        return exc.path in COLLECTIONS or self._no_assistants_list()

    def _no_assistants_list(self):
        """Whether ``GET /assistants`` answers 404 too (asked once per task, only after a 404 that says nothing)."""
        if self._without_assistants is None:
            try:
                self.client.request("GET", "/assistants", params={"limit": 1})
                self._without_assistants = False
            except APIError as exc:
                self._without_assistants = exc.status == 404
        return self._without_assistants

    def _delete(self, path):
        try:
            return self.client.delete(path)
        except APIError as exc:
            raise self.explained(exc)

    # -- assistants -----------------------------------------------------------------------

    def assistants(self, order="desc", page_size=100):
        return self._list("/assistants", order, page_size=page_size)

    def assistants_named(self, name, order="desc"):
        """Every assistant named ``name``, in ``order`` (newest first by default)."""
        return in_order((a for a in self.assistants(order) if a.get("name") == name), order)

    def assistant_get(self, assistant_id):
        return self._get_or_none("/assistants/" + assistant_id)

    def assistant_create(self, body):
        """POST /assistants; after a lost response, look the assistant up by its name before sending again."""
        def find():
            found = self.assistants_named(body.get("name"))
            return found[0] if found else None
        return create_once(lambda: self._post("/assistants", body, create=True), find, self._pause())

    def assistant_update(self, assistant_id, body):
        return self._post("/assistants/" + assistant_id, body)

    def assistant_delete(self, assistant_id):
        return self._delete("/assistants/" + assistant_id)

    # -- threads --------------------------------------------------------------------------

    def thread_get(self, thread_id):
        return self._get_or_none("/threads/" + thread_id)

    def thread_create(self, body):
        """POST /threads. Threads cannot be listed: a lost response raises ``ResponseLostError`` at once."""
        return create_once(lambda: self._post("/threads", body, create=True))

    def thread_update(self, thread_id, body):
        return self._post("/threads/" + thread_id, body)

    def thread_delete(self, thread_id):
        return self._delete("/threads/" + thread_id)

    # -- messages -------------------------------------------------------------------------

    def _messages_path(self, thread_id, message_id=None):
        path = "/threads/{0}/messages".format(thread_id)
        return path + "/" + message_id if message_id else path

    def messages(self, thread_id, order="desc", run_id=None, page_size=100, deadline=None):
        params = {"run_id": run_id} if run_id else None
        return self._list(self._messages_path(thread_id), order, params, page_size, deadline)

    def marked_messages(self, thread_id, marker, body=None):
        """The thread's messages carrying the message ``marker``, newest first (``body``: not needed, markers are on the messages)."""
        return in_order(m for m in self.messages(thread_id) if metadata_of(m).get(MESSAGE_MARKER) == marker)

    def message_get(self, thread_id, message_id):
        return self._get_or_none(self._messages_path(thread_id, message_id))

    def message_create(self, thread_id, body, marker):
        """POST a message; after a lost response, look for its ``marker`` before sending again."""
        def find():
            found = self.marked_messages(thread_id, marker)
            return found[0] if found else None
        return create_once(lambda: self._post(self._messages_path(thread_id), body, create=True), find, self._pause())

    def message_update(self, thread_id, message_id, body):
        return self._post(self._messages_path(thread_id, message_id), body)

    def message_delete(self, thread_id, message_id):
        return self._delete(self._messages_path(thread_id, message_id))

    # -- runs -----------------------------------------------------------------------------

    def _run_path(self, thread_id, run_id=None, *rest):
        return "/".join(["/threads", thread_id, "runs"] + ([run_id] if run_id else []) + list(rest))

    def runs(self, thread_id, order="desc", page_size=100, deadline=None):
        return self._list(self._run_path(thread_id), order, page_size=page_size, deadline=deadline,
                          required=("id", "thread_id", "status"))

    def active_run(self, thread_id):
        """The thread's active run (the one that keeps it busy), or None."""
        return next((run for run in self.runs(thread_id, page_size=20) if run["status"] in ACTIVE_STATUSES), None)

    def thread_view(self, thread_id, deadline=None):
        """The newest user input on the thread and the messages after it (``ThreadView``)."""
        return ThreadView(in_order(self.messages(thread_id, deadline=deadline)))

    def run_find(self, thread_id, marker, deadline=None):
        """Return ``(newest run carrying the run marker, active run of the thread)``; either may be None."""
        ours = active = None
        for run in in_order(self.runs(thread_id, deadline=deadline)):
            if active is None and run["status"] in ACTIVE_STATUSES:
                active = run
            if ours is None and metadata_of(run).get(RUN_MARKER) == marker:
                ours = run
            if ours is not None and active is not None:
                break
        return ours, active

    def run_get(self, thread_id, run_id, deadline=None):
        return self._get(self._run_path(thread_id, run_id), deadline, reader=read_run)

    def run_poll(self, thread_id, run_id, deadline=None):
        """One GET of the run for the waiter: the ``Reply`` (its headers carry the poll hint), data checked."""
        path = self._run_path(thread_id, run_id)
        try:
            reply = self.client.request("GET", path, deadline=deadline)
        except APIError as exc:
            raise self.explained(exc)
        read_run(reply.data, "GET " + path, redact=self.redact)
        return reply

    def run_wait(self, run, deadline=None, stop_statuses=STOP_STATUSES, action="waiting for", events=None):
        """Wait for a run (a run object or a ``RunProgress``) until it stops; return its ``RunProgress``.

        Raises ``WaitTimeout`` (``action`` says what was waited for) when ``deadline`` passes first.
        """
        progress = run if isinstance(run, RunProgress) else RunProgress(run)
        current = progress.run or {}
        return wait_for_run(self.run_poll, current.get("thread_id"), current.get("id"), deadline=deadline, events=events,
                            progress=progress, stop_statuses=stop_statuses, action=action, clock=self.clock, sleep=self.sleep)

    # -- reading what a run did -----------------------------------------------------------

    tool_calls = staticmethod(required_tool_calls)
    run_outputs = staticmethod(run_outputs)
    failure_reason = staticmethod(failure_reason)

    def progress(self, run):
        """A ``RunProgress`` that has seen ``run`` and nothing else."""
        return RunProgress(run)

    def _events(self, events, request):
        """The stream's events, their objects read like any other answer (``normalized``, ``event_kind``).

        A server that answers with a plain object instead of a stream is polled, with one warning.
        """
        for name, data in events:
            if name == "response":
                self._warn_once("the server answered {0} with a plain object instead of an event stream; "
                                "polling the run instead".format(request))
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                normalized(data, event_kind(name, data) if data.get("object") is None else None)
            yield name, data

    def _follow(self, path, body, thread_id, run_id, deadline):
        """POST ``body`` as a stream and wait on its events (polling the run if the stream breaks or there is none)."""
        events = self._events(self.client.stream(path, body, deadline=deadline), "POST " + path)
        try:
            return wait_for_run(self.run_poll, thread_id, run_id, deadline=deadline, events=events, progress=RunProgress(),
                                clock=self.clock, sleep=self.sleep)
        except APIError as exc:
            raise self.explained(exc)

    def _check_marker(self, body, run):
        """Warn (once) when the created run came back without the marker it was sent with."""
        sent = metadata_of(body).get(RUN_MARKER)
        if sent and isinstance(run, dict) and metadata_of(run).get(RUN_MARKER) != sent:
            self._warn_once(
                "the server did not keep the run's metadata (the {0} key this module sends), so the module cannot "
                "recognise this run later: reruns on this server start a new run unless the playbook keeps the run's ID "
                "(run.id) and passes run_id".format(RUN_MARKER))

    def run_create(self, thread_id, body, wait, stream, deadline=None):
        """Send the run once: with ``wait``, wait for it (streaming its events when ``stream``); return its ``RunProgress``.

        A server that refuses to stream gets a plain POST and polling, with a warning.
        """
        path = self._run_path(thread_id)
        if wait and stream:
            try:
                progress = self._follow(path, body, thread_id, None, deadline)
                self._check_marker(body, progress.run)
                return progress
            except APIError as exc:
                if exc.status != 400 or (exc.param != "stream" and "stream" not in (exc.message or "").lower()):
                    raise
                self.warn("the server does not stream runs; polling instead")
        progress = RunProgress(self._post(path, body, create=True, deadline=deadline, reader=read_run))
        self._check_marker(body, progress.run)
        return self.run_wait(progress, deadline) if wait else progress

    def run_submit_tool_outputs(self, run, outputs, wait, stream, deadline=None):
        """Submit tool outputs once to a run in ``requires_action``; with ``wait``, wait until it stops again.

        A server without the endpoint fails with ``MissingPath`` saying that it cannot take tool outputs.
        """
        path = self._run_path(run["thread_id"], run["id"], "submit_tool_outputs")
        body = {"tool_outputs": outputs}
        try:
            if wait and stream:
                return self._follow(path, body, run["thread_id"], run["id"], deadline)
            progress = RunProgress(self._post(path, body, create=True, deadline=deadline, reader=read_run))
        except MissingPath as exc:
            if exc.path != path:
                raise
            raise _reworded(exc, MissingPath, NO_TOOL_OUTPUTS)
        return self.run_wait(progress, deadline) if wait else progress

    def run_cancel(self, run, deadline=None):
        """Ask the server to cancel a run; a run that ended meanwhile is returned as it is."""
        try:
            return self._post(self._run_path(run["thread_id"], run["id"], "cancel"), {}, deadline=deadline, reader=read_run)
        except APIError as exc:
            if exc.status == 400:
                latest = self.run_get(run["thread_id"], run["id"], deadline=deadline)
                if latest["status"] not in CANCELLABLE_STATUSES:
                    return latest
            raise

    def run_steps(self, run, deadline=None):
        """The run's steps, oldest first; none on a server without run steps (``MissingPath``)."""
        try:
            return list(self._list(self._run_path(run["thread_id"], run["id"], "steps"), "asc", deadline=deadline))
        except MissingPath:
            return []

    def run_messages(self, run, deadline=None):
        return list(self.messages(run["thread_id"], "asc", run_id=run["id"], deadline=deadline))
