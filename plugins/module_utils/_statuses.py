# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The run statuses, named once: which ones are still moving, which ones end a wait."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Working: waiting for a thread of the server, or in it.
RUNNING_STATUSES = ("queued", "in_progress")
# Still able to be cancelled.
CANCELLABLE_STATUSES = RUNNING_STATUSES + ("requires_action",)
# Holding the thread: the API allows one such run per thread.
ACTIVE_STATUSES = CANCELLABLE_STATUSES + ("cancelling",)
TERMINAL_STATUSES = ("completed", "failed", "cancelled", "expired", "incomplete")
# A run in requires_action waits for us, so waiting for it stops there too.
STOP_STATUSES = TERMINAL_STATUSES + ("requires_action",)
# A run that ended this way does not answer its input: state=present replaces it.
FAILED_STATUSES = ("failed", "cancelled", "expired", "incomplete")
