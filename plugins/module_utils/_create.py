# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one way the collection creates something: never two of it, whatever happens to a response."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ResponseLostError


def create_once(send, find=None, pause=None, late_commit=None):
    """Create an object with ``send()`` and return what it returns, or the object ``find()`` finds.

    After ``ResponseLostError`` (the server may have acted, the answer never came) the object is
    looked for with ``find()`` (``None``: not there) before anything is sent again; when it is not
    there, ``pause(attempt)`` backs off (``Client.pause``: False once ``max_retries`` is used up or
    the deadline is too near) and ``send()`` goes again. Without ``find`` (an object that cannot be
    looked up) a lost response is raised at once. ``late_commit(exc)`` tells an ``APIError`` of a
    later send that means the lost one was carried out after all (then the object is looked for again).
    """
    lost = None
    attempt = 0
    while True:
        try:
            return send()
        except ResponseLostError as exc:
            lost = exc
        except APIError as exc:
            if lost is None or late_commit is None or not late_commit(exc):
                raise
        if find is None:
            raise lost
        found = find()
        if found is not None:
            return found
        if pause is None or not pause(attempt):
            raise lost
        attempt += 1
