# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based test: no answer of a server, however mangled, escapes as anything but the collection's errors.

Every reader of server objects in the Assistants layer gets objects that a real answer was turned
into by one to three mutations (a key removed, a value made null, replaced by a JSON value of any
type, or wrapped in a list or an object), through the real ``Client`` on a fake HTTP session:
runs, message lists, step lists, run lists, event streams and error bodies. What the modules then
do with a result the readers accepted (``run_outputs``, ``ThreadView``, tool calls, failure
reasons) runs too. The only exceptions allowed out are ``UnexpectedResponse`` (an answer the
collection cannot read, naming request and field) and, where the API answers an error or a wait
ends, the other ``APIError``s and ``WaitTimeout``: never ``AttributeError``, ``KeyError``,
``TypeError``... ("Module failed: 'list' object has no attribute 'get'", issue 13).

Hypothesis runs derandomized (a fixed seed derived from each test, the same examples on every run,
no example database): ``EXAMPLES`` examples for each of the ``len(READERS)`` readers below, so
6 x 250 = 1,500 mutated objects per run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.aiops.openai.plugins.module_utils._assistants import AssistantsAPI
from ansible_collections.aiops.openai.plugins.module_utils._client import Client
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, UnexpectedResponse, WaitTimeout
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    FakeClock,
    FakeSession,
    json_response,
    run_object,
    sse_response,
    text_response,
)

EXAMPLES = 250
READERS = ("runs", "messages", "steps", "run lists", "stream events", "error bodies")
# Enough answers for any paging a mutated list can cause (the client stops after 100 pages).
ANSWERS = 110
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- what real answers look like --------------------------------------------------------------

TOOL_CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
RUN = run_object("requires_action", created_at=1700000000, started_at=1700000001, expires_at=1700000600,
                 required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [TOOL_CALL]}},
                 usage={"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}, model="gpt-4o-mini",
                 metadata={"aiops_openai_run": "marker"}, last_error={"code": "server_error", "message": "Oops."},
                 incomplete_details={"reason": "max_completion_tokens"})
USER_MESSAGE = {"id": "msg_1", "object": "thread.message", "created_at": 1700000000, "thread_id": "thread_1", "role": "user",
                "content": [{"type": "text", "text": {"value": "What does get_weather say about Paris?", "annotations": []}}],
                "assistant_id": None, "run_id": None, "attachments": [], "metadata": {}}
ASSISTANT_MESSAGE = {"id": "msg_2", "object": "thread.message", "created_at": 1700000002, "thread_id": "thread_1",
                     "role": "assistant", "assistant_id": "asst_1", "run_id": "run_1", "metadata": {},
                     "attachments": [{"file_id": "file_1", "tools": [{"type": "file_search"}]}],
                     "content": [
                         {"type": "text", "text": {"value": "Light rain.", "annotations": [
                             {"type": "file_citation", "text": "[1]", "file_citation": {"file_id": "file_2"}}]}},
                         {"type": "image_file", "image_file": {"file_id": "file_3"}}]}
STEP = {"id": "step_1", "object": "thread.run.step", "created_at": 1700000001, "run_id": "run_1", "thread_id": "thread_1",
        "type": "tool_calls", "status": "completed", "step_details": {"type": "tool_calls", "tool_calls": [TOOL_CALL]}}


def page(*items):
    return {"object": "list", "data": list(items), "first_id": items[0]["id"], "last_id": items[-1]["id"], "has_more": False}


MESSAGES_PAGE = page(ASSISTANT_MESSAGE, USER_MESSAGE)
STEPS_PAGE = page(STEP, dict(STEP, id="step_2", type="message_creation",
                             step_details={"type": "message_creation", "message_creation": {"message_id": "msg_2"}}))
RUNS_PAGE = page(RUN, run_object("completed", run_id="run_0", metadata={"aiops_openai_run": "marker"}))
EVENTS = [
    ["thread.run.created", run_object("queued")],
    ["thread.run.step.created", STEP],
    ["thread.message.created", ASSISTANT_MESSAGE],
    ["thread.message.delta", {"id": "msg_2", "object": "thread.message.delta",
                              "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Light"}}]}}],
    ["thread.run.requires_action", RUN],
    ["done", "[DONE]"],
]
ERROR = {"error": {"message": "No run found with id 'run_1'.", "type": "invalid_request_error", "param": None, "code": None}}

# -- mutations ----------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 53, 2 ** 53) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=5)


def paths(value, prefix=()):
    """Every place in a JSON value (tuples of keys and indexes), the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, prefix + (index,))


@st.composite
def mutated(draw, original):
    """``original`` after one to three mutations at places hypothesis picks."""
    value = copy.deepcopy(original)
    for _mutation in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths(value))))
        operation = draw(st.sampled_from(["remove", "null", "replace", "wrap in a list", "wrap in an object"]))
        if operation == "remove" and not path:
            operation = "replace"
        current = value
        for step in path:
            current = current[step]
        new = {"null": None, "wrap in a list": [current], "wrap in an object": {"value": current}}.get(operation)
        if operation == "replace":
            new = draw(JSON)
        if not path:
            value = new
            continue
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        if operation == "remove":
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    return value


# -- the Assistants layer on a fake server ----------------------------------------------------


def api_answering(*answers):
    """An ``AssistantsAPI`` whose server gives ``answers`` (callables making a response), then the last one again."""
    answers = list(answers) + [answers[-1]] * ANSWERS
    clock = FakeClock()
    session = FakeSession(*[lambda call, answer=answer: answer() for answer in answers], clock=clock)
    client = Client(api_key=API_KEY, base_url=BASE_URL, max_retries=0, session=session, sleep=clock.sleep, clock=clock)
    return AssistantsAPI(client, warn=lambda text: None, clock=clock, sleep=clock.sleep), clock


def answer(body, status=200):
    return lambda: json_response(body, status=status)


def read_what_modules_read(api, run, steps=(), messages=()):
    """What the run modules do with objects the readers accepted."""
    api.run_outputs(run, list(steps), list(messages))
    api.tool_calls(run)
    api.failure_reason(run)


def only_unreadable(body, read):
    """``read(api)`` against a server answering ``body``: nothing but ``UnexpectedResponse`` may come out."""
    api, _clock = api_answering(answer(body))
    try:
        read(api)
    except UnexpectedResponse:
        pass


def read_run(api):
    read_what_modules_read(api, api.run_get("thread_1", "run_1"))


def read_messages(api):
    api.thread_view("thread_1").messages_of("run_1")
    read_what_modules_read(api, RUN, messages=api.run_messages(RUN))
    api.marked_messages("thread_1", "marker")


def read_steps(api):
    read_what_modules_read(api, RUN, steps=api.run_steps(RUN))


def read_run_lists(api):
    for run in api.run_find("thread_1", "marker"):
        if run is not None:
            read_what_modules_read(api, run)
    api.active_run("thread_1")
    list(api.runs("thread_1"))


@PROPERTY
@given(mutated(RUN))
def test_runs(run):
    only_unreadable(run, read_run)


@PROPERTY
@given(mutated(MESSAGES_PAGE))
def test_messages(messages_page):
    only_unreadable(messages_page, read_messages)


@PROPERTY
@given(mutated(STEPS_PAGE))
def test_steps(steps_page):
    only_unreadable(steps_page, read_steps)


@PROPERTY
@given(mutated(RUNS_PAGE))
def test_run_lists(runs_page):
    only_unreadable(runs_page, read_run_lists)


def sse(events):
    """The bytes of an event stream; ``events`` is a list of ``[name, data]`` (or whatever a mutation made of it)."""
    chunks = []
    for event in events if isinstance(events, list) else [events]:
        name, data = (event + [None, None])[:2] if isinstance(event, list) else (None, event)
        text = data if isinstance(data, str) else json.dumps(data)
        lines = (["event: {0}".format(name)] if isinstance(name, str) and name else []) + ["data: " + line for line in text.split("\n")]
        chunks.append(("\n".join(lines) + "\n\n").encode("utf-8"))
    return chunks


@PROPERTY
@given(mutated(EVENTS))
def test_stream_events(events):
    # After the stream the waiter polls the run: the server then answers with the run as it is.
    api, clock = api_answering(lambda: sse_response(sse(events)), answer(RUN))
    try:
        progress = api.run_create("thread_1", {"assistant_id": "asst_1"}, wait=True, stream=True, deadline=clock() + 30)
        read_what_modules_read(api, progress.run, progress.steps.values(), progress.messages.values())
    except (APIError, WaitTimeout):
        pass


@PROPERTY
@given(st.sampled_from([400, 404, 405, 409, 500]), mutated(ERROR) | st.text(max_size=40))
def test_error_bodies(status, body):
    reply = (lambda: text_response(body, status=status)) if isinstance(body, str) else answer(body, status)
    # A 404 may be followed by one look at the assistants list (is it the object or the path that is missing?).
    api, _clock = api_answering(reply, answer({"object": "list", "data": [], "has_more": False}))
    with pytest.raises(APIError) as failure:
        api.run_get("thread_1", "run_1")
    assert isinstance(failure.value.message, str) and failure.value.status == status


def test_the_documented_number_of_mutated_objects():
    """Six readers, each with EXAMPLES examples: at least 1,000 mutated objects in all (issue 13)."""
    assert PROPERTY.max_examples == EXAMPLES and PROPERTY.derandomize and PROPERTY.database is None
    assert len(READERS) * EXAMPLES >= 1000
