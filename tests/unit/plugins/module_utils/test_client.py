# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``Client``: headers, retries and backoff, lost creates, errors, redaction, pagination, streams."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time

import pytest
import requests

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.aiops.openai.plugins.module_utils._client import (
    APIError,
    Client,
    ResponseLostError,
    StreamInterruptedError,
)
from ansible_collections.aiops.openai.tests.unit.utils import (
    API_KEY,
    BASE_URL,
    FakeSession,
    connect_timeout,
    connection_dropped,
    connection_refused,
    cut_stream,
    error_response,
    http_date,
    json_response,
    make_response,
    read_timeout,
    run_event,
    run_object,
    sse_event,
    sse_response,
    text_response,
)

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def server_error(status):
    return error_response(status, "The server had an error while processing your request.", error_type="server_error")


# -- headers, URL, per-request options ---------------------------------------------------


def test_every_request_carries_bearer_key_beta_header_and_user_agent(make_client, session):
    session.add(json_response({"object": "list", "data": []}))
    make_client().get("/assistants")

    call = session.calls[0]
    assert (call.method, call.url, call.params) == ("GET", BASE_URL + "/assistants", None)
    assert call.headers["Authorization"] == "Bearer " + API_KEY
    assert call.headers["OpenAI-Beta"] == "assistants=v2"
    assert "api-key" not in call.headers
    assert "OpenAI-Organization" not in call.headers
    assert "OpenAI-Project" not in call.headers
    assert call.verify is True


def test_user_agent_names_the_collection_and_the_ansible_core_version(make_client, session):
    session.add(json_response({}))
    make_client().get("/models")

    user_agent = session.calls[0].headers["User-Agent"]
    assert user_agent.startswith("aiops.openai ")
    assert "ansible-core {0}".format(ANSIBLE_VERSION) in user_agent


def test_the_collection_version_is_written_in_galaxy_yml_only():
    # A second copy in the code would drift from the released version.
    version = re.search(r"^version:\s*(\S+)", open(os.path.join(COLLECTION_ROOT, "galaxy.yml")).read(), re.MULTILINE).group(1)
    plugins = os.path.join(COLLECTION_ROOT, "plugins")
    for folder, _dirs, files in os.walk(plugins):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name)) as source:
                    assert '"{0}"'.format(version) not in source.read(), name


def test_organization_and_project_headers(make_client, session):
    session.add(json_response({}))
    make_client(organization="org-123", project="proj_456").get("/models")

    headers = session.calls[0].headers
    assert headers["OpenAI-Organization"] == "org-123"
    assert headers["OpenAI-Project"] == "proj_456"


def test_azure_style_uses_api_key_header_and_api_version_query(make_client, session):
    session.add(json_response({"object": "list", "data": [], "has_more": False}), json_response({"id": "thread_1"}))
    client = make_client(api_version="2024-05-01-preview")
    list(client.paginate("/threads/thread_1/runs"))
    client.post("/threads", {"metadata": {}}, create=True)

    for call in session.calls:
        assert call.headers["api-key"] == API_KEY
        assert "Authorization" not in call.headers
        assert call.params["api-version"] == "2024-05-01-preview"
    assert session.calls[0].params == {"api-version": "2024-05-01-preview", "order": "desc", "limit": 100}
    assert session.calls[1].json == {"metadata": {}}


def test_default_base_url_is_openai_and_trailing_slash_is_ignored(session):
    session.add(json_response({}), json_response({}))
    Client(API_KEY, session=session).get("/models")
    Client(API_KEY, base_url="http://127.0.0.1:8000/v1/", session=session).get("/models")

    assert [c.url for c in session.calls] == ["https://api.openai.com/v1/models", "http://127.0.0.1:8000/v1/models"]


def test_validate_certs_false_is_passed_to_requests(make_client, session):
    session.add(json_response({}))
    make_client(validate_certs=False).get("/models")

    assert session.calls[0].verify is False


def test_request_returns_data_headers_and_status(make_client, session):
    session.add(json_response({"id": "asst_1"}, headers={"x-request-id": "req_1"}))
    reply = make_client().request("POST", "/assistants", body={"model": "gpt-4o"})

    assert (reply.data, reply.status, reply.headers["x-request-id"]) == ({"id": "asst_1"}, 200, "req_1")
    assert session.calls[0].json == {"model": "gpt-4o"}


def test_empty_body_decodes_to_empty_dict(make_client, session):
    session.add(make_response(200, [], {"Content-Type": "application/json"}))

    assert make_client().delete("/assistants/asst_1") == {}


def test_per_request_timeout_is_request_timeout_with_short_connect(make_client, session):
    session.add(json_response({}), json_response({}))
    make_client().get("/models")
    make_client(request_timeout=5).get("/models")

    assert [c.timeout for c in session.calls] == [(10.0, 60.0), (5.0, 5.0)]


def test_per_request_timeout_never_goes_past_the_deadline(make_client, session, clock):
    session.add(json_response({}))
    make_client().get("/models", deadline=clock() + 3.0)

    assert session.calls[0].timeout == (3.0, 3.0)


def test_close_closes_the_session(make_client, session):
    with make_client():
        pass

    assert session.closed


# -- retries -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_status_is_retried(make_client, session, clock, status):
    session.add(server_error(status), json_response({"id": "thread_1"}))

    assert make_client().get("/threads/thread_1") == {"id": "thread_1"}
    assert session.paths == ["GET /threads/thread_1"] * 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("failure", [connection_refused, connection_dropped, read_timeout, connect_timeout])
def test_connection_error_on_a_read_is_retried(make_client, session, clock, failure):
    session.add(failure(), json_response({"id": "thread_1"}))

    assert make_client().get("/threads/thread_1") == {"id": "thread_1"}
    assert len(session.calls) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(make_client, session, clock, status):
    session.add(error_response(status, "nope"))

    with pytest.raises(APIError) as error:
        make_client().get("/threads/thread_1")
    assert error.value.status == status
    assert len(session.calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_retries_are_bounded_by_max_retries(make_client, session, clock, max_retries):
    session.add(*[server_error(500) for dummy in range(max_retries + 1)])

    with pytest.raises(APIError) as error:
        make_client(max_retries=max_retries).get("/threads/thread_1")
    assert error.value.status == 500
    assert not isinstance(error.value, ResponseLostError)
    assert len(session.calls) == max_retries + 1
    assert len(clock.sleeps) == max_retries


def test_connection_errors_are_bounded_by_max_retries(make_client, session, clock):
    session.add(connection_dropped(), connection_dropped(), connection_dropped())

    with pytest.raises(APIError) as error:
        make_client(max_retries=2).get("/threads/thread_1")
    assert "GET /threads/thread_1 failed" in str(error.value)
    assert len(session.calls) == 3


def test_backoff_grows_exponentially_with_jitter_and_a_cap(make_client, session, clock):
    session.add(*[server_error(503) for dummy in range(10)] + [json_response({})])
    make_client(max_retries=10).get("/models")

    sleeps = clock.sleeps
    assert len(sleeps) == 10
    # 0.5 s doubling, times a jitter factor in [0.5, 1), capped at 8 s.
    for attempt, delay in enumerate(sleeps):
        full = min(0.5 * 2 ** attempt, 8.0)
        assert full / 2 <= delay <= full, (attempt, delay)
    assert sleeps[:5] == sorted(sleeps[:5])


def test_backoff_is_jittered(clock):
    for dummy in range(20):
        session = FakeSession(server_error(502), json_response({}))
        Client(API_KEY, session=session, sleep=clock.sleep, clock=clock).get("/models")

    # Twenty clients retrying the same failure do not all come back at the same instant.
    assert len(set(clock.sleeps)) > 10


def test_retries_stop_at_the_deadline(clock):
    session = FakeSession(*[server_error(500) for dummy in range(11)], clock=clock, latency=0.2)
    client = Client(API_KEY, base_url=BASE_URL, session=session, sleep=clock.sleep, clock=clock, max_retries=10)
    deadline = clock() + 2.0

    with pytest.raises(APIError) as error:
        client.get("/models", deadline=deadline)
    assert error.value.status == 500
    assert 2 <= len(session.calls) < 11
    # No sleep ends past the deadline: only the last request's own latency may.
    assert clock() <= deadline + 0.2
    for call in session.calls:
        assert call.at + call.timeout[1] <= deadline + 1e-9


def test_no_retry_whose_timeout_would_pass_the_deadline(clock):
    # t=0: 503 after 0.2 s, wait 0.6 s; t=0.8: 503 after 0.2 s. At t=1.0, waiting 0.6 s would
    # leave 0.4 s: less than a useful attempt, so the client gives up instead.
    replies = [error_response(503, "busy", headers={"retry-after-ms": "600"}) for dummy in range(5)]
    session = FakeSession(*replies, clock=clock, latency=0.2)
    client = Client(API_KEY, base_url=BASE_URL, session=session, sleep=clock.sleep, clock=clock, max_retries=10)
    deadline = clock() + 2.0

    with pytest.raises(APIError) as error:
        client.get("/models", deadline=deadline)
    assert error.value.status == 503
    assert clock.sleeps == [0.6]
    assert [call.timeout for call in session.calls] == [(2.0, 2.0), pytest.approx((1.2, 1.2))]


def test_retry_after_seconds_is_honoured(make_client, session, clock):
    session.add(error_response(429, "Rate limit reached", "requests", headers={"Retry-After": "7"}), json_response({}))
    make_client().get("/models")

    assert clock.sleeps == [7.0]


def test_retry_after_ms_is_honoured_and_wins_over_retry_after(make_client, session, clock):
    session.add(error_response(429, "slow down", headers={"retry-after-ms": "1500", "Retry-After": "9"}), json_response({}))
    make_client().get("/models")

    assert clock.sleeps == [1.5]


def test_retry_after_http_date_is_honoured(make_client, session, clock):
    session.add(error_response(503, "busy", headers={"Retry-After": http_date(30, time.time())}), json_response({}))
    make_client().get("/models")

    assert len(clock.sleeps) == 1
    assert 27.0 <= clock.sleeps[0] <= 30.0


def test_retry_after_in_the_past_means_retry_now(make_client, session, clock):
    session.add(error_response(503, "busy", headers={"Retry-After": http_date(-120, time.time())}), json_response({}))
    make_client().get("/models")

    assert clock.sleeps == [0.0]


def test_retry_after_beyond_the_deadline_fails_at_once(make_client, session, clock):
    session.add(error_response(429, "Rate limit reached", headers={"Retry-After": "30"}))

    with pytest.raises(APIError) as error:
        make_client().get("/models", deadline=clock() + 10)
    assert error.value.status == 429
    assert clock.sleeps == []
    assert len(session.calls) == 1


def test_a_huge_retry_after_is_capped(make_client, session, clock):
    session.add(error_response(429, "Rate limit reached", headers={"Retry-After": "3600"}), json_response({}))
    make_client().get("/models")

    assert clock.sleeps == [60.0]


# -- creating requests -------------------------------------------------------------------


@pytest.mark.parametrize("failure", [
    pytest.param(read_timeout, id="read-timeout"),
    pytest.param(connection_dropped, id="connection-dropped"),
    pytest.param(lambda: server_error(500), id="500"),
    pytest.param(lambda: server_error(502), id="502"),
    pytest.param(lambda: server_error(504), id="504"),
    pytest.param(lambda: json_response(b'{"id": "run_1", "obj'), id="malformed-200"),
    pytest.param(lambda: make_response(200, [b'{"id": "run_'], {"Content-Type": "application/json"}, cut_stream()), id="cut-200"),
])
def test_a_create_is_never_resent_after_its_response_was_lost(make_client, session, clock, failure):
    session.add(failure(), json_response(run_object("queued")))

    with pytest.raises(ResponseLostError) as error:
        make_client().post("/threads/thread_1/runs", {"assistant_id": "asst_1"}, create=True)
    assert session.paths == ["POST /threads/thread_1/runs"]
    assert clock.sleeps == []
    assert (error.value.method, error.value.path) == ("POST", "/threads/thread_1/runs")
    assert "POST /threads/thread_1/runs" in str(error.value)


@pytest.mark.parametrize("failure", [
    pytest.param(connection_refused, id="refused"),
    pytest.param(connect_timeout, id="connect-timeout"),
    pytest.param(lambda: error_response(429, "Rate limit reached", "requests"), id="429"),
    pytest.param(lambda: server_error(503), id="503"),
])
def test_a_create_the_server_never_acted_on_is_retried(make_client, session, clock, failure):
    session.add(failure(), json_response(run_object("queued")))

    run = make_client().post("/threads/thread_1/runs", {"assistant_id": "asst_1"}, create=True)
    assert run["id"] == "run_1"
    assert session.paths == ["POST /threads/thread_1/runs"] * 2
    assert len(clock.sleeps) == 1


def test_a_post_that_does_not_create_is_retried_after_a_500(make_client, session):
    session.add(server_error(500), json_response(run_object("cancelling")))

    assert make_client().post("/threads/thread_1/runs/run_1/cancel")["status"] == "cancelling"
    assert len(session.calls) == 2


def test_lost_create_keeps_status_and_request_id(make_client, session):
    session.add(error_response(502, "Bad gateway", "server_error", headers={"x-request-id": "req_502"}))

    with pytest.raises(ResponseLostError) as error:
        make_client().post("/threads", {}, create=True)
    assert (error.value.status, error.value.request_id) == (502, "req_502")
    assert "may have created" in str(error.value)


# -- errors ------------------------------------------------------------------------------


def test_api_error_carries_status_type_code_param_and_request_id(make_client, session):
    session.add(error_response(404, "No thread found with id 'thread_x'.", "invalid_request_error", code="not_found",
                               param="thread_id", headers={"x-request-id": "req_abc"}))

    with pytest.raises(APIError) as error:
        make_client().get("/threads/thread_x")
    assert str(error.value) == "GET /threads/thread_x failed with HTTP 404: No thread found with id 'thread_x'."
    assert error.value.to_dict() == {
        "message": "GET /threads/thread_x failed with HTTP 404: No thread found with id 'thread_x'.",
        "status": 404,
        "type": "invalid_request_error",
        "code": "not_found",
        "param": "thread_id",
        "request_id": "req_abc",
        "request": "GET /threads/thread_x",
    }


def test_error_without_a_json_body_keeps_the_text(make_client, session):
    session.add(text_response("<html><h1>502 Bad Gateway</h1></html>", status=502))

    with pytest.raises(APIError) as error:
        make_client(max_retries=0).get("/models")
    assert error.value.status == 502
    assert "502 Bad Gateway" in str(error.value)


def test_error_with_an_empty_body_names_the_status(make_client, session):
    session.add(make_response(401, [], {}))

    with pytest.raises(APIError) as error:
        make_client().get("/models")
    assert str(error.value) == "GET /models failed with HTTP 401: HTTP 401"


def test_malformed_body_of_a_read_is_an_api_error_once_retries_are_spent(make_client, session):
    session.add(*[json_response(b"<html>maintenance</html>") for dummy in range(4)])

    with pytest.raises(APIError) as error:
        make_client().get("/threads/thread_1")
    assert len(session.calls) == 4
    assert not isinstance(error.value, ResponseLostError)
    assert "not valid JSON" in str(error.value)
    assert error.value.status == 200


# -- redaction ---------------------------------------------------------------------------


def assert_no_secret(error, *secrets):
    texts = [str(error), json.dumps(error.to_dict())]
    for secret in secrets:
        for text in texts:
            assert secret not in text, text


def test_the_api_key_echoed_by_the_server_never_reaches_the_error(make_client, session):
    session.add(error_response(401, "Incorrect API key provided: {0}. You can find your API key at ...".format(API_KEY),
                               code="invalid_api_key", param=API_KEY))

    with pytest.raises(APIError) as error:
        make_client().get("/models")
    assert_no_secret(error.value, API_KEY)
    assert "Incorrect API key provided: <redacted>" in str(error.value)


def test_secret_looking_strings_in_error_bodies_are_redacted(make_client, session):
    other_key = "sk-proj-AbCdEf0123456789xyz"
    message = "key {0}, header Authorization: Bearer tok_abc.def-123, proxy https://admin:hunter22@proxy.test/x".format(other_key)
    session.add(error_response(400, message))

    with pytest.raises(APIError) as error:
        make_client().get("/models")
    assert_no_secret(error.value, other_key, "tok_abc.def-123", "hunter22", "admin:")
    assert "https://<redacted>@proxy.test/x" in str(error.value)


def test_azure_key_in_a_long_html_error_page_is_not_leaked_in_part(make_client, session):
    azure_key = "0123456789abcdef0123456789abcdef"
    page = "<html>" + "x" * 470 + " key " + azure_key + " </html>"  # the key straddles the 500th character
    session.add(text_response(page, status=400))

    with pytest.raises(APIError) as error:
        make_client(api_version="2024-05-01-preview", api_key=azure_key).get("/models")
    # Truncating the body must not cut the key into a piece that no longer matches it.
    assert_no_secret(error.value, azure_key[:12])


def test_the_api_key_in_a_transport_error_is_redacted(make_client, session):
    session.add(requests.exceptions.ConnectionError("proxy refused key {0}".format(API_KEY)))

    with pytest.raises(APIError) as error:
        make_client(max_retries=0).get("/models")
    assert_no_secret(error.value, API_KEY)
    assert "proxy refused key <redacted>" in str(error.value)


def test_the_api_key_in_a_stream_error_event_is_redacted(make_client, session):
    session.add(sse_response([sse_event("error", {"error": {"message": "bad key " + API_KEY, "code": API_KEY}})]))

    with pytest.raises(APIError) as error:
        list(make_client().stream("/threads/thread_1/runs", {"assistant_id": "asst_1"}))
    assert_no_secret(error.value, API_KEY)


# -- pagination --------------------------------------------------------------------------


def page(ids, has_more, last_id=True):
    body = {"object": "list", "data": [{"id": i} for i in ids], "first_id": ids[0] if ids else None, "has_more": has_more}
    if last_id:
        body["last_id"] = ids[-1] if ids else None
    return json_response(body)


def test_paginate_follows_after_until_has_more_is_false(make_client, session):
    session.add(page(["m3", "m2"], True), page(["m1"], False))
    items = list(make_client().paginate("/threads/thread_1/messages", params={"run_id": "run_1"}, order="asc", limit=2))

    assert [i["id"] for i in items] == ["m3", "m2", "m1"]
    assert [c.params for c in session.calls] == [
        {"run_id": "run_1", "order": "asc", "limit": 2},
        {"run_id": "run_1", "order": "asc", "limit": 2, "after": "m2"},
    ]
    assert session.paths == ["GET /threads/thread_1/messages"] * 2


def test_paginate_defaults_to_newest_first_pages_of_100(make_client, session):
    session.add(page([], False))

    assert list(make_client().paginate("/threads/thread_1/runs")) == []
    assert session.calls[0].params == {"order": "desc", "limit": 100}


def test_paginate_is_lazy(make_client, session):
    session.add(page(["a", "b"], True), page(["c"], False))
    items = make_client().paginate("/assistants")

    assert session.calls == []
    assert next(items)["id"] == "a"
    assert next(items)["id"] == "b"
    assert len(session.calls) == 1
    assert next(items)["id"] == "c"
    assert len(session.calls) == 2


def test_paginate_without_last_id_uses_the_last_item(make_client, session):
    session.add(page(["a", "b"], True, last_id=False), page(["c"], False))
    list(make_client().paginate("/assistants"))

    assert session.calls[1].params["after"] == "b"


def test_paginate_stops_on_an_empty_page_even_if_has_more(make_client, session):
    session.add(page([], True))

    assert list(make_client().paginate("/assistants")) == []
    assert len(session.calls) == 1


# -- streams -----------------------------------------------------------------------------


def test_stream_posts_stream_true_and_yields_events_until_done(make_client, session):
    session.add(sse_response([run_event("queued") + run_event("in_progress"), run_event("completed"), b"event: done\ndata: [DONE]\n\n"]))
    body = {"assistant_id": "asst_1"}
    events = list(make_client().stream("/threads/thread_1/runs", body))

    assert [e for e, d in events] == ["thread.run.queued", "thread.run.in_progress", "thread.run.completed", "done"]
    assert events[2][1]["status"] == "completed"
    call = session.calls[0]
    assert (call.method, call.path, call.json, call.stream) == ("POST", "/threads/thread_1/runs", {"assistant_id": "asst_1", "stream": True}, True)
    assert body == {"assistant_id": "asst_1"}


def test_stream_is_not_sent_before_it_is_read(make_client, session):
    make_client().stream("/threads/thread_1/runs", {})

    assert session.calls == []


def test_a_cut_stream_raises_stream_interrupted_after_what_arrived(make_client, session):
    session.add(sse_response([run_event("queued"), run_event("in_progress")[:20]], error=cut_stream(), headers={"x-request-id": "req_s"}))
    events = []

    with pytest.raises(StreamInterruptedError) as error:
        for event in make_client().stream("/threads/thread_1/runs", {}):
            events.append(event)
    assert [e for e, d in events] == ["thread.run.queued"]
    assert error.value.request_id == "req_s"
    assert "broke off" in str(error.value)
    assert len(session.calls) == 1


def test_a_stream_that_ends_without_done_is_interrupted(make_client, session):
    session.add(sse_response([run_event("queued"), run_event("in_progress")]))

    with pytest.raises(StreamInterruptedError) as error:
        list(make_client().stream("/threads/thread_1/runs", {}))
    assert "without its done event" in str(error.value)


def test_a_json_reply_to_a_stream_request_is_one_response_event(make_client, session):
    session.add(json_response(run_object("queued")))
    events = list(make_client().stream("/threads/thread_1/runs", {}))

    assert events == [("response", run_object("queued"))]


def test_an_error_event_raises_api_error(make_client, session):
    session.add(sse_response([run_event("queued"), sse_event("error", {"error": {"message": "Server overloaded", "code": "server_error"}})]))
    events = []

    with pytest.raises(APIError) as error:
        for event in make_client().stream("/threads/thread_1/runs", {}):
            events.append(event)
    assert not isinstance(error.value, StreamInterruptedError)
    assert "Server overloaded" in str(error.value)
    assert error.value.code == "server_error"
    assert len(events) == 1


def test_a_stream_create_is_not_resent_after_a_500(make_client, session):
    session.add(server_error(500))

    with pytest.raises(ResponseLostError):
        list(make_client().stream("/threads/thread_1/runs", {}))
    assert len(session.calls) == 1


def test_a_stream_create_is_retried_after_a_429(make_client, session, clock):
    session.add(error_response(429, "slow", headers={"retry-after-ms": "200"}), sse_response([b"data: [DONE]\n\n"]))

    assert list(make_client().stream("/threads/thread_1/runs", {})) == [("done", None)]
    assert clock.sleeps == [0.2]
    assert len(session.calls) == 2


def test_a_stream_rejected_with_400_raises_the_api_error(make_client, session):
    session.add(error_response(400, "Thread thread_1 already has an active run run_0.", code=None))

    with pytest.raises(APIError) as error:
        list(make_client().stream("/threads/thread_1/runs", {}))
    assert error.value.status == 400
    assert not isinstance(error.value, ResponseLostError)


@pytest.mark.parametrize("failure", [
    pytest.param(lambda: requests.exceptions.SSLError("certificate verify failed"), id="bad-certificate"),
    pytest.param(lambda: requests.exceptions.InvalidURL("Invalid URL 'http://'"), id="invalid-url"),
])
def test_errors_that_a_retry_cannot_fix_are_raised_at_once(make_client, session, clock, failure):
    session.add(failure())

    with pytest.raises(APIError) as error:
        make_client().get("/threads/thread_1")
    assert not isinstance(error.value, ResponseLostError)
    assert len(session.calls) == 1
    assert clock.sleeps == []


def test_a_failed_tls_handshake_on_a_create_is_not_a_lost_response(make_client, session, clock):
    session.add(requests.exceptions.SSLError("certificate verify failed"))

    with pytest.raises(APIError) as error:
        make_client().post("/threads/thread_1/runs", {"assistant_id": "asst_1"}, create=True)
    assert not isinstance(error.value, ResponseLostError)
    assert len(session.calls) == 1


def test_a_malformed_body_of_a_read_is_read_again(make_client, session, clock):
    session.add(json_response(b"<html>maintenance</html>"), json_response({"id": "thread_1"}))

    assert make_client().get("/threads/thread_1") == {"id": "thread_1"}
    assert len(session.calls) == 2
    assert len(clock.sleeps) == 1


def test_a_malformed_body_of_a_post_is_not_sent_again(make_client, session):
    session.add(json_response(b"<html>maintenance</html>"))

    with pytest.raises(APIError):
        make_client().post("/threads/thread_1/runs/run_1/cancel")
    assert len(session.calls) == 1


def test_credentials_in_the_url_do_not_replace_the_api_key():
    # A real requests.Session prepares the request (nothing is sent): without our auth handler it
    # would turn user:secretpw@ (or a ~/.netrc entry) into Basic auth instead of the API key.
    client = Client(api_key=API_KEY, base_url="https://user:secretpw@api.example.test/v1", session=requests.Session())
    prepared = client.session.prepare_request(requests.Request("GET", client.base_url + "/threads/thread_1"))
    assert prepared.headers["Authorization"] == "Bearer " + API_KEY


def test_pause_follows_the_retry_rule(session, clock):
    client = Client(API_KEY, session=session, sleep=clock.sleep, clock=clock, max_retries=2)
    assert client.pause(0) is True and client.pause(1) is True
    assert len(clock.sleeps) == 2
    # max_retries used up: no sleep.
    assert client.pause(2) is False
    # A deadline too close for the backoff plus a useful attempt: no sleep either.
    assert client.pause(0, deadline=clock() + 0.5) is False
    assert len(clock.sleeps) == 2
    assert client.pause(0, deadline=clock() + 60) is True
    assert len(clock.sleeps) == 3
