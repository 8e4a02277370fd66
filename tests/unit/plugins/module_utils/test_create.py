# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``create_once``: never two objects after a lost response; look, back off, send again, bounded."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._create import create_once
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ResponseLostError


class Script:
    """``send`` answers with the next item (an exception is raised); every call is logged."""

    def __init__(self, sends, finds=(), pauses=3):
        self.sends = list(sends)
        self.finds = list(finds)
        self.pauses = pauses
        self.log = []

    def send(self):
        self.log.append("send")
        item = self.sends.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def find(self):
        self.log.append("find")
        return self.finds.pop(0)

    def pause(self, attempt):
        self.log.append("pause {0}".format(attempt))
        return attempt < self.pauses


def lost():
    return ResponseLostError("POST /things failed: connection dropped", method="POST", path="/things")


def test_an_answered_send_is_all_it_takes():
    script = Script([{"id": "obj_1"}])
    assert create_once(script.send, script.find, script.pause) == {"id": "obj_1"}
    assert script.log == ["send"]


def test_after_a_lost_response_the_object_found_is_returned_and_nothing_is_sent_again():
    script = Script([lost()], finds=[{"id": "obj_1"}])
    assert create_once(script.send, script.find, script.pause) == {"id": "obj_1"}
    assert script.log == ["send", "find"]


def test_an_object_not_found_is_sent_again_after_a_backoff():
    script = Script([lost(), {"id": "obj_2"}], finds=[None])
    assert create_once(script.send, script.find, script.pause) == {"id": "obj_2"}
    assert script.log == ["send", "find", "pause 0", "send"]


def test_the_attempts_end_when_pause_says_so_and_the_loss_is_raised():
    script = Script([lost(), lost(), lost()], finds=[None, None, None], pauses=2)
    with pytest.raises(ResponseLostError):
        create_once(script.send, script.find, script.pause)
    assert script.log == ["send", "find", "pause 0", "send", "find", "pause 1", "send", "find", "pause 2"]


def test_without_a_way_to_look_a_lost_response_is_raised_at_once():
    script = Script([lost(), {"id": "never"}])
    with pytest.raises(ResponseLostError):
        create_once(script.send)
    assert script.log == ["send"]


def test_a_late_commit_of_the_lost_send_is_looked_for_not_reported():
    conflict = APIError("already has an active run", status=400)
    script = Script([lost(), conflict], finds=[None, {"id": "run_1"}])
    found = create_once(script.send, script.find, script.pause, late_commit=lambda exc: exc.status == 400)
    assert found == {"id": "run_1"}
    assert script.log == ["send", "find", "pause 0", "send", "find"]


def test_other_errors_and_a_conflict_without_an_earlier_loss_are_raised():
    conflict = APIError("already has an active run", status=400)
    script = Script([conflict])
    with pytest.raises(APIError) as error:
        create_once(script.send, script.find, script.pause, late_commit=lambda exc: True)
    assert error.value is conflict
    assert script.log == ["send"]
