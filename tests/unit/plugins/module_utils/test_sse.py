# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``SSEDecoder`` and ``iter_stream_events``: a ``text/event-stream`` body however it is cut."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._client import SSEDecoder, iter_stream_events

# A stream with everything a server may send: a comment, a keep-alive, an event without a
# name, multi-line data, a field without a space, ignored fields, and multi-byte UTF-8.
STREAM = (
    ": connected\n"
    "\n"
    "event: thread.run.created\n"
    'data: {"id": "run_1", "status": "queued"}\n'
    "\n"
    ":keep-alive\n"
    "\n"
    "id: 7\n"
    "retry: 1000\n"
    "data: first line\n"
    "data:second line \u00e9\u65e5\u672c\n"
    "\n"
    "event: thread.message.delta\n"
    'data: {"delta": {"content": [{"text": {"value": "caf\u00e9 \U0001f30d"}}]}}\n'
    "\n"
)
EVENTS = [
    ("thread.run.created", '{"id": "run_1", "status": "queued"}'),
    ("message", "first line\nsecond line \u00e9\u65e5\u672c"),
    ("thread.message.delta", '{"delta": {"content": [{"text": {"value": "caf\u00e9 \U0001f30d"}}]}}'),
]
LINE_ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def encoded(text, ending):
    return text.replace("\n", ending).encode("utf-8")


def decode(chunks):
    decoder = SSEDecoder()
    events = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return events


@pytest.mark.parametrize("ending", sorted(LINE_ENDINGS))
def test_whole_stream(ending):
    assert decode([encoded(STREAM, LINE_ENDINGS[ending])]) == EVENTS


@pytest.mark.parametrize("ending", sorted(LINE_ENDINGS))
def test_split_at_every_byte_position(ending):
    data = encoded(STREAM, LINE_ENDINGS[ending])
    for cut in range(len(data) + 1):
        assert decode([data[:cut], data[cut:]]) == EVENTS, "split at byte {0}: {1!r} | {2!r}".format(cut, data[:cut][-10:], data[cut:][:10])


@pytest.mark.parametrize("ending", sorted(LINE_ENDINGS))
def test_split_at_every_pair_of_positions(ending):
    data = encoded(STREAM, LINE_ENDINGS[ending])
    for first in range(0, len(data) + 1, 3):
        for second in range(first, len(data) + 1):
            assert decode([data[:first], data[first:second], data[second:]]) == EVENTS, (first, second)


@pytest.mark.parametrize("ending", sorted(LINE_ENDINGS))
def test_one_byte_at_a_time(ending):
    data = encoded(STREAM, LINE_ENDINGS[ending])
    assert decode([data[i:i + 1] for i in range(len(data))]) == EVENTS


def test_crlf_split_between_chunks_is_one_line_ending():
    # Read as two line endings, the "\n" would be a blank line dispatching an event with no data.
    assert decode([b"event: x\r", b"\ndata: 1\r\n\r\n"]) == [("x", "1")]


def test_utf8_character_split_across_chunks():
    data = "data: \U0001f30d\u00e9\n\n".encode("utf-8")
    for cut in range(6, 12):
        assert decode([data[:cut], data[cut:]]) == [("message", "\U0001f30d\u00e9")]


def test_an_event_is_returned_as_soon_as_its_blank_line_arrives():
    for ending in LINE_ENDINGS.values():
        decoder = SSEDecoder()
        assert decoder.feed(encoded("event: e\ndata: 1\n", ending)) == []
        assert decoder.feed(encoded("\n", ending)) == [("e", "1")], repr(ending)


def test_comments_and_keep_alives_produce_nothing():
    assert decode([b": ping\n\n", b":\n\n", b"\n\n\n"]) == []


def test_data_without_value_and_unknown_fields():
    assert decode([b"data\n\n", b"foo: bar\ndata: x\n\n"]) == [("message", ""), ("message", "x")]


def test_only_one_leading_space_is_stripped():
    assert decode([b"data:  two spaces\n\n"]) == [("message", " two spaces")]


def test_an_incomplete_event_is_not_returned():
    assert decode([b"event: e\ndata: 1\n"]) == []


# -- iter_stream_events ------------------------------------------------------------------


def chunks_then_fail(*chunks):
    """Chunks, then an error if the reader asks for more than it should."""
    yield from chunks
    raise AssertionError("read past the end of the stream")


def test_iter_stream_events_decodes_json_and_keeps_text():
    events = list(iter_stream_events([
        b'event: thread.run.created\ndata: {"id": "run_1"}\n\n',
        b"event: note\ndata: not json\n\n",
        b"event: empty\ndata:\n\n",
        b"event: done\ndata: [DONE]\n\n",
    ]))

    assert events == [("thread.run.created", {"id": "run_1"}), ("note", "not json"), ("empty", None), ("done", None)]


def test_iter_stream_events_stops_at_the_done_event():
    events = iter_stream_events(chunks_then_fail(b"event: done\ndata: [DONE]\n\nevent: late\ndata: 1\n\n"))
    assert list(events) == [("done", None)]


def test_iter_stream_events_stops_at_a_done_data_line_without_event_name():
    events = iter_stream_events(chunks_then_fail(b'data: {"a": 1}\n\n', b"data: [DONE]\n\n"))
    assert list(events) == [("message", {"a": 1}), ("done", None)]


def test_iter_stream_events_stops_after_an_error_event():
    events = iter_stream_events(chunks_then_fail(b'event: error\ndata: {"error": {"message": "boom"}}\n\nevent: late\ndata: 1\n\n'))
    assert list(events) == [("error", {"error": {"message": "boom"}})]


@pytest.mark.parametrize("ending", sorted(LINE_ENDINGS))
def test_iter_stream_events_at_every_split_reaches_done(ending):
    text = "event: thread.run.completed\ndata: {\"status\": \"completed\"}\n\nevent: done\ndata: [DONE]\n\n"
    data = encoded(text, LINE_ENDINGS[ending])
    for cut in range(len(data) + 1):
        events = list(iter_stream_events(chunks_then_fail(data[:cut], data[cut:])))
        assert events == [("thread.run.completed", {"status": "completed"}), ("done", None)], (ending, cut)


def test_iter_stream_events_ends_quietly_without_done():
    assert list(iter_stream_events([b'data: {"a": 1}\n\n'])) == [("message", {"a": 1})]
