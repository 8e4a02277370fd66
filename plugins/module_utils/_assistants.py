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

from ansible_collections.aiops.openai.plugins.module_utils._api import APIBase, read_object
from ansible_collections.aiops.openai.plugins.module_utils._create import create_once
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError
from ansible_collections.aiops.openai.plugins.module_utils._markers import MESSAGE_MARKER, RUN_MARKER
from ansible_collections.aiops.openai.plugins.module_utils._statuses import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    STOP_STATUSES,
)
from ansible_collections.aiops.openai.plugins.module_utils._waiter import RunProgress, wait_for_run

# -- readers of the server's objects ----------------------------------------------------------


def read_run(value, request, field="the body", redact=None):
    """A run object: ``id``, ``thread_id`` and ``status`` are strings."""
    return read_object(value, request, field, redact, required=("id", "thread_id", "status"))


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
            value = _dict(part.get("text")).get("value")
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
    created = obj.get("created_at")
    return (created if isinstance(created, (int, float)) else 0, str(obj.get("id")))


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
        """Messages the run created, oldest first, if they are all in view."""
        return [m for m in reversed(self.newer) if m.get("run_id") == run_id]


# -- the API ----------------------------------------------------------------------------------


class AssistantsAPI(APIBase):
    """The Assistants API v2 on one ``Client``: assistants, threads, messages and runs.

    Methods that read one object return ``None`` on 404 (``*_get``); list methods are
    iterators; ``*_create`` methods go through ``create_once`` (a lost response is resolved by
    looking for the object, never by sending blindly).
    """

    name = "assistants"

    def _delete(self, path):
        return self.client.delete(path)

    # -- assistants -----------------------------------------------------------------------

    def assistants(self, order="desc", page_size=100):
        return self._list("/assistants", order, page_size=page_size)

    def assistants_named(self, name, order="desc"):
        """Every assistant named ``name``, in ``order`` (newest first by default)."""
        return [a for a in self.assistants(order) if a.get("name") == name]

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

    def marked_messages(self, thread_id, marker):
        """The thread's messages carrying the message ``marker``, newest first."""
        return [m for m in self.messages(thread_id) if metadata_of(m).get(MESSAGE_MARKER) == marker]

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
        return ThreadView(self.messages(thread_id, deadline=deadline))

    def run_find(self, thread_id, marker, deadline=None):
        """Return ``(newest run carrying the run marker, active run of the thread)``; either may be None."""
        ours = active = None
        for run in self.runs(thread_id, deadline=deadline):
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
        reply = self.client.request("GET", path, deadline=deadline)
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

    def _follow(self, path, body, thread_id, run_id, deadline):
        """POST ``body`` as a stream and wait on its events (polling the run if the stream breaks)."""
        events = self.client.stream(path, body, deadline=deadline)
        return wait_for_run(self.run_poll, thread_id, run_id, deadline=deadline, events=events, progress=RunProgress(),
                            clock=self.clock, sleep=self.sleep)

    def run_create(self, thread_id, body, wait, stream, deadline=None):
        """Send the run once: with ``wait``, wait for it (streaming its events when ``stream``); return its ``RunProgress``.

        A server that refuses to stream gets a plain POST and polling, with a warning.
        """
        path = self._run_path(thread_id)
        if wait and stream:
            try:
                return self._follow(path, body, thread_id, None, deadline)
            except APIError as exc:
                if exc.status != 400 or (exc.param != "stream" and "stream" not in (exc.message or "").lower()):
                    raise
                self.warn("the server does not stream runs; polling instead")
        progress = RunProgress(self._post(path, body, create=True, deadline=deadline, reader=read_run))
        return self.run_wait(progress, deadline) if wait else progress

    def run_submit_tool_outputs(self, run, outputs, wait, stream, deadline=None):
        """Submit tool outputs once to a run in ``requires_action``; with ``wait``, wait until it stops again."""
        path = self._run_path(run["thread_id"], run["id"], "submit_tool_outputs")
        body = {"tool_outputs": outputs}
        if wait and stream:
            return self._follow(path, body, run["thread_id"], run["id"], deadline)
        progress = RunProgress(self._post(path, body, create=True, deadline=deadline, reader=read_run))
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
        return list(self._list(self._run_path(run["thread_id"], run["id"], "steps"), "asc", deadline=deadline))

    def run_messages(self, run, deadline=None):
        return list(self.messages(run["thread_id"], "asc", run_id=run["id"], deadline=deadline))
