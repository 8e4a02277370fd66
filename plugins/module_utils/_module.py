# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The base every module of the collection builds on.

``OpenAIModule`` owns the ``AnsibleModule``, the connection options, the API client and the
shape of results and failures; a module subclass only says what its options mean.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.aiops.openai.plugins.module_utils._assistants import AssistantsAPI
from ansible_collections.aiops.openai.plugins.module_utils._client import (
    Client,
    DEFAULT_BASE_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.aiops.openai.plugins.module_utils._errors import APIError, ValidationError, WaitTimeout
from ansible_collections.aiops.openai.plugins.module_utils._redact import Redactor
from ansible_collections.aiops.openai.plugins.module_utils._responses import API_NAMES, ResponsesAPI, choose_api, probe_api

MAX_RETRIES_LIMIT = 10
# The api option: its values and the environment variable it falls back to.
API_CHOICES = ("auto",) + API_NAMES
API_ENVIRONMENT = "AIOPS_OPENAI_API"
API_CLASSES = {"assistants": AssistantsAPI, "responses": ResponsesAPI}
# The options whose IDs tell the APIs apart (thread_ and conv_, run_ and resp_, asst_).
ID_OPTIONS = ("thread_id", "run_id", "assistant_id")


def api_argument_spec():
    """The connection options every module takes (documented in the ``aiops.openai.api`` fragment)."""
    return dict(
        # Not required=True: the key usually comes from the environment, and validate_connection()
        # reports a missing one, naming both places, before any request.
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["OPENAI_API_KEY"])),
        base_url=dict(type="str", default=DEFAULT_BASE_URL, fallback=(env_fallback, ["OPENAI_BASE_URL"])),
        organization=dict(type="str", fallback=(env_fallback, ["OPENAI_ORG_ID"])),
        project=dict(type="str", fallback=(env_fallback, ["OPENAI_PROJECT_ID"])),
        api_version=dict(type="str", fallback=(env_fallback, ["OPENAI_API_VERSION"])),
        request_timeout=dict(type="float", default=60.0),
        max_retries=dict(type="int", default=3),
        validate_certs=dict(type="bool", default=True),
        api=dict(type="str", default="auto", choices=list(API_CHOICES), fallback=(env_fallback, [API_ENVIRONMENT])),
    )


class OpenAIModule:
    """Base class of the collection's modules.

    Subclasses set ``argument_spec`` (their own options) and ``module_options`` (keyword
    arguments of ``AnsibleModule`` such as ``mutually_exclusive``), implement ``validate()``
    (the checks that hold on every API; raise ``ValidationError``; no HTTP), ``validate_for(api)``
    (the checks and request bodies of one API; no HTTP) and ``execute()`` (set ``self.result``).
    ``ValidationError``, ``APIError`` and ``WaitTimeout`` become failed results here, once.

    ``apis`` names the APIs the module works on; with any, ``select_api`` picks one per task
    (``self.api``, reported as the ``api`` result) after ``validate()``: the ``api`` option, else
    an ID of the task, else the hosted OpenAI URL (Responses), else one ``GET`` probe of the
    server. Before that probe, ``validate_for`` runs for every API the task could still use, so
    input that no API accepts is refused before any request.
    """

    argument_spec = {}
    module_options = {}
    # Whether a timed-out wait can be picked up by running the task again (see fail_timeout).
    resumes_runs = False
    # The APIs the module works on ("assistants", "responses"); empty: it chooses none.
    apis = ()

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.result = {"changed": False}
        self._client = None
        self._api = None
        self.api_name = None
        self._quiet = False
        self.redactor = Redactor([self.params.get("api_key")])
        password = urlsplit(self.params.get("base_url") or "").password
        if password:
            # The password in a URL is as secret as the key: mask it in every output.
            module.no_log_values.add(password)
            self.redactor.add(password)

    # -- entry point ----------------------------------------------------------------------

    @classmethod
    def main(cls):
        """Build the module, validate, execute, and exit or fail."""
        spec = api_argument_spec()
        spec.update(cls.argument_spec)
        module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **cls.module_options)
        instance = cls(module)
        try:
            if not HAS_REQUESTS:
                module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
            instance.validate_connection()
            instance.validate()
            instance.select_api()
            instance.execute()
        except ValidationError as exc:
            instance.fail(str(exc))
        except APIError as exc:
            instance.fail_api(exc)
        except WaitTimeout as exc:
            instance.fail_timeout(exc)
        finally:
            instance.close()
        instance.exit()

    # -- for subclasses -------------------------------------------------------------------

    def validate(self):
        """Check the module's own options; raise ``ValidationError``. No HTTP here."""

    def validate_for(self, api):
        """Check the options for ``api`` (an API object: ``AssistantsAPI`` or ``ResponsesAPI``); raise ``ValidationError``.

        No HTTP here; it may run once per API before the choice (then ``self.warn`` is muted).
        """

    def refusal(self, name):
        """Why this module does not work on the API ``name`` (not in ``apis``): a message naming what to do instead."""
        return None

    def execute(self):
        """Do the work and fill ``self.result``."""
        raise NotImplementedError

    def warn(self, text):
        """A warning for the task (muted while ``validate_for`` tries the APIs before the choice)."""
        if not self._quiet:
            self.module.warn(text)

    def select_api(self):
        """Pick the API of this task (see the class docstring) and check the options for it."""
        if not self.apis:
            return
        p = self.params
        ids = dict((name, p.get(name)) for name in ID_OPTIONS if isinstance(p.get(name), str))
        if p["api"] in API_NAMES:
            # Named by the task: reported even when an ID of the other API is refused.
            self.result["api"] = p["api"]
        decided = choose_api(p["api"], p["base_url"], ids, lambda: None)
        candidates = [decided] if decided else list(API_NAMES)
        refused = {}
        self._quiet = True
        try:
            for name in candidates:
                try:
                    self._check_api(name)
                except ValidationError as exc:
                    refused[name] = exc
        finally:
            self._quiet = False
        if decided:
            self.result["api"] = decided
        if len(refused) == len(candidates):
            raise refused[candidates[0]]
        name = decided or choose_api(p["api"], p["base_url"], ids, lambda: probe_api(self.client))
        self.api_name = name
        self.result["api"] = name
        if name in refused:
            raise refused[name]
        self._api = self._check_api(name)

    def _check_api(self, name):
        """``validate_for`` on a new API object of ``name``; return the object."""
        if name not in self.apis:
            raise ValidationError(self.refusal(name) or "api: this module does not work on the {0} API".format(name.capitalize()))
        api = self.api_object(name)
        self.validate_for(api)
        return api

    @property
    def client(self):
        """The module run's API client, created on first use."""
        if self._client is None:
            p = self.params
            self._client = Client(
                api_key=p["api_key"], base_url=p["base_url"], organization=p.get("organization"),
                project=p.get("project"), api_version=p.get("api_version"),
                request_timeout=p["request_timeout"], max_retries=p["max_retries"],
                validate_certs=p["validate_certs"])
        return self._client

    def api_object(self, name):
        """A new API object of the API ``name`` on ``self.client`` (no request is sent)."""
        return API_CLASSES[name](self.client, warn=self.warn)

    @property
    def api(self):
        """The API the task talks to (``AssistantsAPI`` or ``ResponsesAPI`` on ``self.client``): no module writes a path."""
        if self._api is None:
            self._api = self.api_object(self.api_name or "assistants")
        return self._api

    def deadline(self, seconds):
        """A monotonic instant ``seconds`` from now (None stays None: no limit)."""
        return None if seconds is None else time.monotonic() + seconds

    def set_diff(self, before, after):
        """Record a ``--diff`` of two definitions."""
        if self.module._diff:
            self.result["diff"] = {"before": before or {}, "after": after or {}}

    def fail(self, msg, error=None, **extra):
        """Fail the task with a redacted ``msg`` and optional structured ``error``."""
        result = dict(self.result)
        result.update(extra)
        result = self.redactor.data(result)
        if error is not None:
            result["error"] = self.redactor.data(error)
        result.pop("failed", None)
        self.close()
        self.module.fail_json(msg=self.redactor.text(msg), **result)

    def fail_api(self, exc, msg=None, **extra):
        """Fail the task from an ``APIError``, keeping its status, type, code and request id."""
        self.fail(msg or exc.message, error=exc.to_dict(), **extra)

    def fail_timeout(self, exc):
        """Fail the task from a ``WaitTimeout``, naming the run and how to pick it up again.

        Modules whose ``resumes_runs`` is False (they only read) keep the plain message.
        """
        run = exc.run
        self.result["run"] = dict(run)
        if not self.resumes_runs:
            return self.fail(str(exc))
        self.result["waited"] = round(exc.waited, 3)
        # (A response whose create answer was lost is waited for through the conversation's items, which
        # fails with its own message: a WaitTimeout always names a run or response by its id.)
        if self.api_name == "responses":
            what, again = "response {0} in conversation {1}".format(run.get("id"), run.get("thread_id")), "response"
        else:
            what, again = "run {0} on thread {1}".format(run.get("id"), run.get("thread_id")), "run"
        self.fail(
            "{0} {1} timed out after {2:.1f}s with status {3}; run the task again to keep "
            "waiting for this same {4} (it will not start another), or use run_id={5}:{6}".format(
                exc.action.capitalize(), what, exc.waited, run.get("status"), again, run.get("thread_id"), run.get("id")),
            run_id=run.get("id"), thread_id=run.get("thread_id"), status=run.get("status"))

    def exit(self):
        self.module.exit_json(**self.result)

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
            self._api = None

    # -- connection options ---------------------------------------------------------------

    def validate_connection(self):
        p = self.params
        if not p.get("api_key"):
            raise ValidationError("api_key: no API key given; set the option or the OPENAI_API_KEY environment variable")
        if any(not 32 < ord(c) < 127 for c in p["api_key"]):
            # It could not go into an HTTP header; say so without showing any of it.
            raise ValidationError("api_key: must be printable ASCII without spaces or line breaks; check how the key was copied or read")
        if not p.get("base_url"):
            # An empty OPENAI_BASE_URL (a blank AWX credential field) means the default server.
            p["base_url"] = DEFAULT_BASE_URL
        url = urlsplit(p["base_url"])
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValidationError("base_url: must be an http:// or https:// URL with a host name, got {0!r}".format(
                self.redactor.text(p.get("base_url"))))
        if p["request_timeout"] <= 0:
            raise ValidationError("request_timeout: must be greater than 0 seconds, got {0}".format(p["request_timeout"]))
        if not 0 <= p["max_retries"] <= MAX_RETRIES_LIMIT:
            raise ValidationError("max_retries: must be between 0 and {0}, got {1}".format(MAX_RETRIES_LIMIT, p["max_retries"]))
