# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``Redactor``: secrets out, everything else (ids, prose) untouched."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._redact import REDACTED, Redactor


def test_known_secrets_are_replaced_wherever_they_appear():
    redactor = Redactor(["azure0123456789abcdef"])

    assert redactor.text("key=azure0123456789abcdef;again azure0123456789abcdef") == "key=<redacted>;again <redacted>"


def test_the_longest_secret_is_removed_whole():
    redactor = Redactor(["abcd1234", "abcd1234efgh5678"])

    assert redactor.text("token abcd1234efgh5678") == "token <redacted>"


def test_added_secrets_are_redacted_too():
    redactor = Redactor([])
    redactor.add("hunter2-password")
    redactor.add("hunter2-password")
    redactor.add("abc")

    assert redactor.text("password hunter2-password, abc") == "password <redacted>, abc"
    assert redactor.secrets == ["hunter2-password"]


@pytest.mark.parametrize("secret", ["sk-abcdefghijklmnop", "sk-proj-AbC_12-xyz789", "sess-0123456789ab"])
def test_openai_style_secrets_are_redacted_without_being_known(secret):
    assert Redactor().text("got {0}.".format(secret)) == "got <redacted>."


@pytest.mark.parametrize("text, expected", [
    ("Authorization: Bearer eyJhbGciOi.abc-def", "Authorization: Bearer <redacted>"),
    ("authorization: bearer 0123456789abcdef", "authorization: bearer <redacted>"),
    ("api-key: 0123456789abcdef0123456789abcdef", "api-key: <redacted>"),
    ('{"api_key": "0123456789abcdef"}', '{"api_key": "<redacted>"}'),
    ("api_key=0123456789abcdef, next", "api_key=<redacted>, next"),
    ("https://admin:hunter22@proxy.test/v1", "https://<redacted>@proxy.test/v1"),
    ("http://token@host.test/", "http://<redacted>@host.test/"),
])
def test_secret_looking_strings_are_redacted(text, expected):
    assert Redactor().text(text) == expected


@pytest.mark.parametrize("text", [
    "run_abc123 on thread_Xyz456 by asst_Q1w2E3 wrote msg_9a8b7c (step_1, call_0a1b)",
    "api_key: no API key given; set the option or the OPENAI_API_KEY environment variable",
    "You need to provide your API key in an Authorization header using Bearer auth",
    "the risk-assessment and desk-top disk-usage tasks",
    "https://api.openai.com/v1/threads/thread_1/runs?after=run_2",
    "see https://example.test/a@b for details",
])
def test_ordinary_text_is_left_alone(text):
    assert Redactor(["sk-real-key-0123456789"]).text(text) == text


def test_redaction_is_stable():
    once = Redactor(["k3y-secret-value"]).text("Bearer k3y-secret-value and sk-abcdefghij")

    assert once == "Bearer <redacted> and <redacted>"
    assert Redactor(["k3y-secret-value"]).text(once) == once


def test_short_or_empty_secrets_are_ignored():
    redactor = Redactor(["", None, "ab"])

    assert redactor.secrets == []
    assert redactor.text("ab cd") == "ab cd"


def test_text_of_none_and_of_other_objects():
    redactor = Redactor(["s3cret-value"])

    assert redactor.text(None) is None
    assert redactor.text(ValueError("bad s3cret-value")) == "bad " + REDACTED
    assert redactor.text(42) == "42"


def test_data_redacts_every_string_in_a_structure_and_keeps_the_rest():
    redactor = Redactor(["s3cret-value"])
    data = {"msg": "s3cret-value", "nested": [{"s3cret-value": 1}, ("x", "Bearer abcdefghij")], "n": 3, "ok": True, "none": None}

    assert redactor.data(data) == {"msg": REDACTED, "nested": [{REDACTED: 1}, ["x", "Bearer " + REDACTED]], "n": 3, "ok": True, "none": None}
    assert data["msg"] == "s3cret-value"
