# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run operations shared by the ``run`` and ``run_info`` modules: find, create, resume,
cancel, and gather what a run produced (steps, messages, text, files)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._specs import check_id
from ansible_collections.aiops.openai.plugins.module_utils._waiter import RunProgress, wait_for_run

# Metadata key of the runs this collection creates (and of the additional messages it adds
# with them); its value identifies the run's definition and the input it answered.
RUN_MARKER = "aiops_openai_run"
MARKER_LENGTH = 40


def run_path(thread_id, run_id=None, *rest):
    parts = ["/threads", thread_id, "runs"]
    if run_id:
        parts.append(run_id)
    parts.extend(rest)
    return "/".join(parts)


def parse_run_reference(value, thread_id=None):
    """Split ``run_id`` or the Terraform import form ``thread_id:run_id``; return ``(thread_id, run_id)``."""
    thread_part, sep, run_part = value.strip().rpartition(":")
    if sep:
        if not thread_part or not run_part or ":" in thread_part:
            raise ValidationError("run_id: {0!r} is not of the form run_id or thread_id:run_id".format(value))
        thread_part = check_id(thread_part, "run_id (thread part)")
        if thread_id and thread_id != thread_part:
            raise ValidationError("run_id: names thread {0!r} but thread_id is {1!r}".format(thread_part, thread_id))
        thread_id = thread_part
    elif not thread_id:
        raise ValidationError("run_id: a plain run ID needs thread_id too (or use the form thread_id:run_id)")
    return thread_id, check_id(run_part, "run_id")


def marker_value(definition, anchor):
    """A stable digest of what a run is (``definition``) and what it answers (``anchor``)."""
    text = json.dumps({"definition": definition, "anchor": anchor}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:MARKER_LENGTH]


class ThreadView:
    """The newest user input on a thread and the messages that came after it.

    ``anchor`` is the id of the newest user message not added by one of our runs (None on a
    thread without user messages); ``newer`` holds the messages after it, newest first.
    """

    def __init__(self, client, thread_id, deadline=None):
        self.newer = []
        self.anchor = None
        for message in client.paginate("/threads/{0}/messages".format(thread_id), order="desc", deadline=deadline):
            if message.get("role") == "user" and RUN_MARKER not in (message.get("metadata") or {}):
                self.anchor = message["id"]
                return
            self.newer.append(message)

    def messages_of(self, run_id):
        """Messages the run created, oldest first, if they are all in view."""
        return [m for m in reversed(self.newer) if m.get("run_id") == run_id]


def find_run(client, thread_id, marker, deadline=None):
    """Return ``(newest run carrying marker, active run of the thread)``; either may be None."""
    ours = active = None
    for run in client.paginate(run_path(thread_id), order="desc", deadline=deadline):
        if active is None and run.get("status") in ("queued", "in_progress", "requires_action", "cancelling"):
            active = run
        if ours is None and (run.get("metadata") or {}).get(RUN_MARKER) == marker:
            ours = run
        if ours is not None and active is not None:
            break
    return ours, active


def get_run(client, thread_id, run_id, deadline=None):
    return client.get(run_path(thread_id, run_id), deadline=deadline)


def list_steps(client, run, deadline=None):
    return list(client.paginate(run_path(run["thread_id"], run["id"], "steps"), order="asc", deadline=deadline))


def list_run_messages(client, run, deadline=None):
    return list(client.paginate("/threads/{0}/messages".format(run["thread_id"]), params={"run_id": run["id"]},
                                order="asc", deadline=deadline))


def create_run(client, thread_id, body, wait, deadline=None):
    """Create a run; with ``wait`` stream it and return the ``RunProgress`` stream reading.

    Without ``wait`` the run is created with one plain POST and returned at once.
    """
    if not wait:
        return RunProgress(client.post(run_path(thread_id), body, create=True, deadline=deadline))
    progress = RunProgress()
    events = client.stream(run_path(thread_id), body, deadline=deadline)
    return wait_for_run(client, thread_id, deadline=deadline, events=events, progress=progress)


def submit_tool_outputs(client, run, outputs, wait, stream, deadline=None):
    """Submit tool outputs to a run in ``requires_action``; with ``wait``, wait until it stops again."""
    path = run_path(run["thread_id"], run["id"], "submit_tool_outputs")
    body = {"tool_outputs": outputs}
    if wait and stream:
        events = client.stream(path, body, deadline=deadline)
        return wait_for_run(client, run["thread_id"], run["id"], deadline=deadline, events=events)
    progress = RunProgress(client.post(path, body, create=True, deadline=deadline))
    if not wait:
        return progress
    return wait_for_run(client, run["thread_id"], run["id"], deadline=deadline, progress=progress)


def cancel_run(client, run, deadline=None):
    """Ask the server to cancel a run; a run that ended meanwhile is returned as it is."""
    try:
        return client.post(run_path(run["thread_id"], run["id"], "cancel"), deadline=deadline)
    except APIError as exc:
        if exc.status == 400:
            latest = get_run(client, run["thread_id"], run["id"], deadline=deadline)
            if latest.get("status") not in ("queued", "in_progress", "requires_action"):
                return latest
        raise


def required_tool_calls(run):
    action = (run or {}).get("required_action") or {}
    return (action.get("submit_tool_outputs") or {}).get("tool_calls") or []


def message_text(message):
    """The text parts of a message, joined."""
    parts = []
    for part in message.get("content") or []:
        if part.get("type") == "text":
            parts.append((part.get("text") or {}).get("value") or "")
    return "\n".join(parts)


def message_file_ids(message):
    """File ids a message carries: attachments, image files, and citation/path annotations."""
    found = []
    for attachment in message.get("attachments") or []:
        found.append(attachment.get("file_id"))
    for part in message.get("content") or []:
        if part.get("type") == "image_file":
            found.append((part.get("image_file") or {}).get("file_id"))
        for note in (part.get("text") or {}).get("annotations") or []:
            found.append((note.get("file_citation") or note.get("file_path") or {}).get("file_id"))
    return [f for f in found if f]


def shape_run(run, steps, messages):
    """The ``run`` result: the API object plus the Terraform resource's ``steps`` and ``file_ids``."""
    result = dict(run)
    result["steps"] = sorted(steps, key=lambda s: (s.get("created_at") or 0, s.get("id")))
    file_ids = []
    for message in messages:
        for file_id in message_file_ids(message):
            if file_id not in file_ids:
                file_ids.append(file_id)
    result["file_ids"] = file_ids
    return result


def outputs(run, steps, messages):
    """The result keys every run-returning module sets."""
    messages = sorted(messages, key=lambda m: (m.get("created_at") or 0, m.get("id")))
    texts = [message_text(m) for m in messages if m.get("role") == "assistant"]
    return {
        "run": shape_run(run, steps, messages),
        "messages": messages,
        "output_text": "\n\n".join(t for t in texts if t),
        "tool_calls": required_tool_calls(run) if run.get("status") == "requires_action" else [],
    }
