# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Remove secrets from every text and structure that may reach a user."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

REDACTED = "<redacted>"

# Keys that look like OpenAI secrets (sk-..., sk-proj-..., sess-...), bearer tokens,
# and the user:password part of a URL.
_PATTERNS = (
    re.compile(r"\b(?:sk|sess)-[A-Za-z0-9_\-]{6,}"),
    # Values of at least 8 characters: "Bearer auth" or "api_key: no API key given" is prose, not a key.
    re.compile(r"(?i)(bearer\s+)[^\s'\",;]{8,}"),
    re.compile(r"(?i)(api[-_]key['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]{8,}"),
    re.compile(r"(?i)([a-z][a-z0-9+.\-]*://)[^/\s:@]+(?::[^/\s@]*)?@"),
)


class Redactor:
    """Replace known secrets and secret-looking strings with ``<redacted>``."""

    def __init__(self, secrets=None):
        # Longest first, so a secret that contains another is removed whole.
        self.secrets = sorted(set(s for s in (secrets or []) if s and len(s) >= 4), key=len, reverse=True)

    def add(self, secret):
        if secret and len(secret) >= 4 and secret not in self.secrets:
            self.secrets.append(secret)
            self.secrets.sort(key=len, reverse=True)

    def text(self, value):
        """Return ``value`` (any object) as a string with secrets removed."""
        if value is None:
            return value
        text = value if isinstance(value, str) else str(value)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            if pattern.groups:
                text = pattern.sub(lambda m: m.group(1) + REDACTED + ("@" if m.group(0).endswith("@") else ""), text)
            else:
                text = pattern.sub(REDACTED, text)
        return text

    def data(self, value):
        """Return a copy of a JSON-like structure with every string redacted."""
        if isinstance(value, dict):
            return dict((self.text(k) if isinstance(k, str) else k, self.data(v)) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value
