# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # Connection options shared by every module of the collection.
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - The API key sent to the server.
      - Sent as C(Authorization) C(Bearer <key>), or as the C(api-key) header when O(api_version) is set (Azure OpenAI).
      - If not set, the value of the E(OPENAI_API_KEY) environment variable is used.
      - The key never appears in results, logs, warnings or error messages; anything in a server
        response that looks like a key is redacted too.
      - Required, here or in the environment; a task without a key fails before it sends anything.
    type: str
  base_url:
    description:
      - The base URL of the API, including the version path.
      - Any server that speaks the OpenAI Assistants API v2 or the Responses API with Conversations works,
        for example Azure OpenAI or the emulator in C(tests/emulator) of this collection (see O(api)).
      - If not set, the value of the E(OPENAI_BASE_URL) environment variable is used, else
        V(https://api.openai.com/v1).
      - A user name and password in the URL are treated as secrets.
    type: str
    default: https://api.openai.com/v1
  organization:
    description:
      - The organization ID sent as the C(OpenAI-Organization) header.
      - If not set, the value of the E(OPENAI_ORG_ID) environment variable is used.
    type: str
  project:
    description:
      - The project ID sent as the C(OpenAI-Project) header.
      - If not set, the value of the E(OPENAI_PROJECT_ID) environment variable is used.
    type: str
  api_version:
    description:
      - Azure OpenAI API version. When set, requests use the C(api-key) header and the
        C(api-version) query parameter instead of a bearer token.
      - If not set, the value of the E(OPENAI_API_VERSION) environment variable is used.
    type: str
  request_timeout:
    description:
      - Seconds to wait for one HTTP request (connect and read), not for a whole wait.
    type: float
    default: 60
  max_retries:
    description:
      - How many times a request is retried after a connection error, HTTP 408, 409, 429 or 5xx,
        with jittered exponential backoff that honours C(Retry-After) and C(retry-after-ms).
      - A request that creates something is never re-sent while the server may have acted on it;
        the module looks for the object first.
      - Between V(0) and V(10).
    type: int
    default: 3
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
    type: bool
    default: true
  api:
    description:
      - Which API the task talks to. The modules mean the same on both; on the Responses API a thread is a
        conversation, a message is a message item of it, and a run is a response in it.
      - V(assistants) is the Assistants API v2 (threads, messages, runs, assistants).
      - V(responses) is the Responses API with Conversations (what the hosted OpenAI API offers since its
        Assistants API shut down on 2026-08-26). M(aiops.openai.assistant) and M(aiops.openai.assistant_info)
        do not work on it and fail before any request, saying where the definition goes instead.
      - V(auto) decides per task. An ID given to the task decides first (C(thread_), C(run_) and C(asst_)
        IDs mean the Assistants API, C(conv_) and C(resp_) IDs the Responses API; IDs of both fail the task).
        Without one, the hosted OpenAI URL (C(api.openai.com)) means the Responses API, and any other
        server is asked once, with C(GET /assistants?limit=1), which creates nothing (an answer C(200)
        means the Assistants API, C(404), C(405) or C(501) the Responses API). Input that neither API
        accepts fails before that request.
      - If not set, the value of the E(AIOPS_OPENAI_API) environment variable is used, else V(auto).
      - Every module returns the API it used as RV(ignore:api).
    type: str
    choices: [auto, assistants, responses]
    default: auto
notes:
  - Every request carries the header C(OpenAI-Beta) set to C(assistants=v2), and a C(User-Agent) naming this collection.
  - All modules of the collection are in the action group C(aiops.openai.all), so
    C(module_defaults) can set these options once for a play.
requirements:
  - requests
"""
