# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The idempotency markers: metadata keys of what the collection creates, and the one digest of their values."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

# Metadata key of the runs this collection creates (and of the additional messages it adds with them).
RUN_MARKER = "aiops_openai_run"
# Metadata key of the messages this collection adds.
MESSAGE_MARKER = "aiops_openai_message"
MARKER_LENGTH = 40


def digest(identity):
    """A stable marker value for ``identity`` (any JSON-able value): the same identity, the same value."""
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:MARKER_LENGTH]
