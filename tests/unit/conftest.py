# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures shared by every unit test (the fakes themselves live in ``utils.py``).

``clock``       a ``FakeClock``; pass ``clock`` and ``clock.sleep`` wherever time is injected.
``session``     a ``FakeSession`` on that clock; ``session.add(...)`` scripts its replies.
``make_client`` ``make_client(**options)`` -> a ``Client`` on ``session`` and ``clock``.
``fake_api``    for module tests: every ``Client`` the base module creates talks to the
                returned ``FakeSession`` and sleeps on ``clock``.

Every test runs without the caller's ``OPENAI_*`` environment, so a developer's real key or
server can never leak into (or be reached by) a unit test, and with ``AIOPS_OPENAI_API=assistants``
(the module tests of the Assistants API); a test of another API sets the ``api`` option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aiops.openai.plugins.module_utils import _client, _module
from ansible_collections.aiops.openai.plugins.module_utils._module import API_ENVIRONMENT
from ansible_collections.aiops.openai.tests.unit.utils import API_KEY, BASE_URL, FakeClock, FakeSession

OPENAI_ENVIRONMENT = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_VERSION")


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch):
    for name in OPENAI_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    # The module tests written for the Assistants API talk to it without a probe of the fake server;
    # tests of the Responses API and of the automatic choice give the api option (it wins over this).
    monkeypatch.setenv(API_ENVIRONMENT, "assistants")


@pytest.fixture(autouse=True)
def no_warnings_from_earlier_tests():
    """ansible-core keeps warnings in module globals (a module process ends after one result): start each test without any."""
    from ansible.module_utils.common import warnings
    for name in ("_global_warnings", "_global_deprecations"):
        store = getattr(warnings, name, None)
        if store is not None:
            store.clear()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def session(clock):
    return FakeSession(clock=clock)


@pytest.fixture
def make_client(session, clock):
    def factory(**options):
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", BASE_URL)
        return _client.Client(session=session, sleep=clock.sleep, clock=clock, **options)
    return factory


@pytest.fixture
def fake_api(monkeypatch, session, clock):
    real_client = _client.Client

    def client_on_fake_session(*args, **kwargs):
        kwargs.setdefault("session", session)
        kwargs.setdefault("sleep", clock.sleep)
        return real_client(*args, **kwargs)

    monkeypatch.setattr(_module, "Client", client_on_fake_session)
    return session
