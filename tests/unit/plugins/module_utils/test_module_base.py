# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``OpenAIModule``: connection options, their environment fallbacks and checks, results and failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aiops.openai.plugins.module_utils._errors import ValidationError
from ansible_collections.aiops.openai.plugins.module_utils._module import OpenAIModule, api_argument_spec
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    AnsibleExitJson,
    AnsibleFailJson,
    error_response,
    json_response,
    run_module,
)


class ProbeModule(OpenAIModule):
    """A module that sends one GET, so a test sees whether and how a module talks to the API."""

    argument_spec = dict(path=dict(type="str", default="/models"), bad=dict(type="bool", default=False))

    def validate(self):
        if self.params["bad"]:
            raise ValidationError("bad: must be false")

    def execute(self):
        self.result["reply"] = self.client.get(self.params["path"])
        self.result["base_url"] = self.params["base_url"]


def run_probe(args):
    return run_module(ProbeModule.main, args)


def exit_result(args):
    with pytest.raises(AnsibleExitJson) as exit_json:
        run_probe(args)
    return exit_json.value.result


def fail_result(args):
    with pytest.raises(AnsibleFailJson) as fail_json:
        run_probe(args)
    return fail_json.value.result


# -- argument spec and environment -------------------------------------------------------


def test_every_connection_option_is_in_the_spec():
    assert sorted(api_argument_spec()) == sorted([
        "api_key", "base_url", "organization", "project", "api_version", "request_timeout", "max_retries", "validate_certs", "api"])
    assert api_argument_spec()["api_key"]["no_log"] is True


def test_explicit_options_reach_the_request(fake_api):
    fake_api.add(json_response({"object": "list"}))
    result = exit_result({"api_key": API_KEY, "base_url": BASE_URL, "organization": "org-1", "project": "proj_1",
                          "request_timeout": 5, "validate_certs": False})

    assert result["changed"] is False
    assert result["reply"] == {"object": "list"}
    call = fake_api.calls[0]
    assert call.url == BASE_URL + "/models"
    assert call.headers["Authorization"] == "Bearer " + API_KEY
    assert (call.headers["OpenAI-Organization"], call.headers["OpenAI-Project"]) == ("org-1", "proj_1")
    assert (call.timeout, call.verify) == ((5.0, 5.0), False)
    assert fake_api.closed


def test_environment_fallbacks(fake_api, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-0123456789")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9999/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-05-01-preview")
    fake_api.add(json_response({}))
    result = exit_result({})

    call = fake_api.calls[0]
    # The environment wins over the documented default of base_url.
    assert call.url == "http://127.0.0.1:9999/v1/models"
    assert result["base_url"] == "http://127.0.0.1:9999/v1"
    assert call.headers["api-key"] == "env-key-0123456789"
    assert call.params == {"api-version": "2024-05-01-preview"}
    assert (call.headers["OpenAI-Organization"], call.headers["OpenAI-Project"]) == ("org-env", "proj_env")


def test_environment_key_is_sent_as_bearer_without_api_version(fake_api, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-0123456789")
    fake_api.add(json_response({}))
    exit_result({})

    call = fake_api.calls[0]
    assert call.url == "https://api.openai.com/v1/models"
    assert call.headers["Authorization"] == "Bearer env-key-0123456789"
    assert call.params is None


def test_task_options_win_over_the_environment(fake_api, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-0123456789")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9999/v1")
    fake_api.add(json_response({}))
    exit_result({"api_key": API_KEY, "base_url": BASE_URL})

    assert fake_api.calls[0].url == BASE_URL + "/models"
    assert fake_api.calls[0].headers["Authorization"] == "Bearer " + API_KEY


# -- validation before any request -------------------------------------------------------


@pytest.mark.parametrize("args, option, text", [
    pytest.param({}, "api_key", "api_key: no API key given; set the option or the OPENAI_API_KEY environment variable", id="no-key"),
    pytest.param({"api_key": ""}, "api_key", "api_key: no API key given", id="empty-key"),
    pytest.param({"base_url": "api.example.test/v1"}, "base_url", "base_url: must be an http:// or https:// URL", id="no-scheme"),
    pytest.param({"base_url": "ftp://api.example.test/v1"}, "base_url", "base_url: must be", id="ftp"),
    pytest.param({"base_url": "https:///v1"}, "base_url", "base_url: must be", id="no-host"),
    pytest.param({"request_timeout": 0}, "request_timeout", "request_timeout: must be greater than 0 seconds, got 0", id="timeout-0"),
    pytest.param({"request_timeout": -1.5}, "request_timeout", "request_timeout: must be greater than 0", id="timeout-negative"),
    pytest.param({"max_retries": -1}, "max_retries", "max_retries: must be between 0 and 10, got -1", id="retries-negative"),
    pytest.param({"max_retries": 11}, "max_retries", "max_retries: must be between 0 and 10, got 11", id="retries-11"),
    pytest.param({"bad": True}, "bad", "bad: must be false", id="module-validate"),
])
def test_bad_options_fail_before_any_request(fake_api, args, option, text):
    task = {"api_key": API_KEY}
    task.update(args)
    if args == {}:
        del task["api_key"]
    result = fail_result(task)

    assert option in result["msg"]
    assert text in result["msg"]
    assert fake_api.calls == []


@pytest.mark.parametrize("max_retries", [0, 10])
def test_max_retries_limits_are_accepted(fake_api, max_retries):
    fake_api.add(json_response({}))
    exit_result({"api_key": API_KEY, "max_retries": max_retries})

    assert len(fake_api.calls) == 1


# -- secrets and failures ----------------------------------------------------------------


def test_the_base_url_password_is_masked(fake_api):
    password = "pa55-w0rd-xyz"
    url = "https://user:{0}@api.example.test/v1".format(password)
    fake_api.add(json_response({"echo": "connected to {0}".format(url)}))
    result = exit_result({"api_key": API_KEY, "base_url": url})

    assert fake_api.calls[0].url == url + "/models"
    assert password not in json.dumps(result)
    assert "api.example.test" in result["base_url"]


def test_the_base_url_password_is_redacted_from_failures(fake_api):
    password = "pa55-w0rd-xyz"
    url = "https://user:{0}@api.example.test/v1".format(password)
    fake_api.add(error_response(403, "proxy denied user:{0} for {1}".format(password, url)))
    result = fail_result({"api_key": API_KEY, "base_url": url})

    assert password not in json.dumps(result)
    assert result["error"]["status"] == 403


def test_a_bad_base_url_with_a_password_does_not_echo_it(fake_api):
    result = fail_result({"api_key": API_KEY, "base_url": "ftp://user:pa55-w0rd-xyz@files.example.test/"})

    assert "pa55-w0rd-xyz" not in json.dumps(result)
    assert "base_url" in result["msg"]


def test_an_api_error_fails_with_a_structured_error_and_no_key(fake_api):
    fake_api.add(error_response(404, "No thread found with id 'thread_x'; key was {0}".format(API_KEY), code="not_found",
                                headers={"x-request-id": "req_404"}))
    result = fail_result({"api_key": API_KEY, "path": "/threads/thread_x"})

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == "GET /threads/thread_x failed with HTTP 404: No thread found with id 'thread_x'; key was <redacted>"
    assert result["error"] == {
        "message": result["msg"],
        "status": 404,
        "type": "invalid_request_error",
        "code": "not_found",
        "param": None,
        "request_id": "req_404",
        "request": "GET /threads/thread_x",
    }
    assert API_KEY not in json.dumps(result)
    assert fake_api.closed


def test_a_server_error_fails_the_task_after_the_retries(fake_api):
    fake_api.add(*[error_response(500, "boom", "server_error") for dummy in range(4)])
    result = fail_result({"api_key": API_KEY})

    assert result["error"]["status"] == 500
    assert len(fake_api.calls) == 4
