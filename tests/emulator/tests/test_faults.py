"""Fault injection, the request log and connection counts."""

import json
import time

import pytest
import requests

from emulator.harness import EmulatorError
from emulator.tests.helpers import Api, assert_schema, parse_sse

pytestmark = pytest.mark.timeout(60)


def _until(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_429_with_retry_after(api, emulator):
    emulator.add_fault(kind="status", status=429, retry_after=2, retry_after_ms=1500)
    response = api.request("GET", "/assistants", expect=429)
    assert response.headers["retry-after"] == "2" and response.headers["retry-after-ms"] == "1500"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert_schema("ErrorResponse", response.json())
    api.get("/assistants")
    assert [(entry["status"], entry["fault"]) for entry in emulator.requests()] == [(429, "status"), (200, None)]


def test_5xx_times_method_and_path(api, emulator):
    rule = emulator.add_fault(kind="status", status=503, times=2, method="POST", path=r"/assistants$")
    assert (rule["id"], rule["remaining"], rule["applied"]) == ("fault_1", 2, 0)
    api.get("/assistants")
    assert api.post("/assistants", {"model": "m"}, expect=503)["error"]["type"] == "server_error"
    api.post("/assistants", {"model": "m"}, expect=503)
    api.post("/assistants", {"model": "m"})
    assert [entry["status"] for entry in emulator.requests()] == [200, 503, 503, 200]
    assert [(rule["remaining"], rule["applied"]) for rule in emulator.faults()] == [(0, 2)]
    assert len(api.get("/assistants")["data"]) == 1

    emulator.add_fault(kind="status", status=500, times=None, message="custom", code="boom")
    for _attempt in range(3):
        assert api.get("/assistants", expect=500)["error"] == {"message": "custom", "type": "server_error", "param": None, "code": "boom"}


def test_drop_after_commit(emulator):
    client = Api(emulator.base_url)
    assistant = client.assistant()
    thread = client.thread("dropped")
    client.close()
    emulator.add_fault(kind="drop_after_commit", method="POST", path=r"/runs$")
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{emulator.base_url}/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]},
                      headers={"Authorization": "Bearer k"}, timeout=10)
    runs = emulator.runs()
    assert len(runs) == 1 and runs[0]["thread_id"] == thread["id"]
    entry = emulator.requests()[-1]
    assert (entry["status"], entry["fault"]) == (None, "drop_after_commit")
    client = Api(emulator.base_url)
    assert client.wait(client.get(f"/threads/{thread['id']}/runs")["data"][0])["status"] == "completed"
    client.close()
    assert "Traceback" not in emulator.log() and "ASGI callable" not in emulator.log()


def test_delay_and_delay_after_commit(api, emulator):
    emulator.add_fault(kind="delay", seconds=0.3, path="/assistants")
    began = time.monotonic()
    api.get("/assistants")
    assert time.monotonic() - began >= 0.3

    assistant = api.assistant()
    thread = api.thread("slow answer")
    emulator.add_fault(kind="delay_after_commit", seconds=1.0, method="POST", path=r"/runs$")
    with pytest.raises(requests.ReadTimeout):
        api.session.post(f"{emulator.base_url}/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}, timeout=0.3)
    assert len(emulator.runs()) == 1


def test_stream_cut(api, emulator):
    assistant = api.assistant()
    emulator.add_fault(kind="stream_cut", after_event="thread.run.in_progress", path=r"/threads/runs$")
    api.post("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "plain"}]}})
    assert emulator.faults()[0]["remaining"] == 1  # not used up by a response that is no stream

    response = api.request("POST", "/threads/runs", json={"assistant_id": assistant["id"], "stream": True,
                                                          "thread": {"messages": [{"role": "user", "content": "cut"}]}}, stream=True)
    lines = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        with response:
            for line in response.iter_lines(decode_unicode=True):
                lines.append(line)
    events = parse_sse(lines)
    assert [name for name, _data in events] == ["thread.created", "thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert emulator.requests()[-1]["fault"] == "stream_cut" and emulator.requests()[-1]["stream"]
    _until(lambda: all(run["status"] == "completed" for run in emulator.runs()))


def test_malformed_body(api, emulator):
    emulator.add_fault(kind="malformed", path="/assistants")
    response = api.request("GET", "/assistants")
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(response.text)
    emulator.add_fault(kind="malformed", body="<html>oops</html>")
    assert api.request("GET", "/assistants").text == "<html>oops</html>"


def test_echo_key(api, emulator):
    emulator.add_fault(kind="echo_key")
    response = api.request("GET", "/assistants", expect=401)
    assert "Bearer test-key" in response.json()["error"]["message"] and response.headers["x-echo"] == "Bearer test-key"
    emulator.add_fault(kind="echo_key")
    azure = requests.get(emulator.base_url + "/assistants", headers={"api-key": "azure-secret"}, timeout=10)
    assert "azure-secret" in azure.json()["error"]["message"] and azure.headers["x-echo"] == "azure-secret"


def test_probability_is_reproducible_with_a_seed(api, emulator):
    def pattern():
        emulator.clear_faults()
        emulator.add_fault(kind="status", status=500, times=None, probability=0.5, method="GET")
        return [api.request("GET", "/assistants", expect=None).status_code for _attempt in range(16)]

    emulator.config(seed=7)
    first = pattern()
    emulator.config(seed=7)
    assert pattern() == first
    assert set(first) == {200, 500}
    emulator.config(seed=8)
    assert pattern() != first


def test_bad_fault_rules_are_refused(emulator):
    for rule in ({"kind": "explode"}, {"kind": "delay"}, {"kind": "status", "status": 200}, {"kind": "status", "path": "("},
                 {"kind": "status", "times": 0}, {"kind": "status", "probability": 2}, {"kind": "status", "colour": "red"}):
        with pytest.raises(EmulatorError, match="400"):
            emulator.add_fault(**rule)
    assert emulator.faults() == []


def test_request_log(api, emulator):
    assistant = api.assistant()
    api.get("/assistants", limit=5, order="asc")
    api.stream("/threads/runs", {"assistant_id": assistant["id"], "thread": {"messages": [{"role": "user", "content": "x"}]}})
    emulator.stats()
    log = emulator.requests()
    assert [(entry["seq"], entry["method"], entry["path"], entry["query"], entry["status"], entry["stream"]) for entry in log] == [
        (1, "POST", "/v1/assistants", "", 200, False),
        (2, "GET", "/v1/assistants", "limit=5&order=asc", 200, False),
        (3, "POST", "/v1/threads/runs", "", 200, True),
    ]
    assert all(entry["started"] <= entry["finished"] for entry in log)
    assert log[2]["finished"] - log[2]["started"] >= 0.2
    emulator.clear_requests()
    assert emulator.requests() == []
    api.get("/assistants")
    assert emulator.requests()[0]["seq"] == 4


def test_open_connections_return_to_zero(emulator):
    total = emulator.stats()["total_connections"]
    assert emulator.stats()["open_connections"] == 0
    client = Api(emulator.base_url)
    for _attempt in range(3):
        client.get("/assistants")
    assert emulator.stats()["open_connections"] == 1
    other = Api(emulator.base_url)
    other.get("/assistants")
    assert emulator.stats()["open_connections"] == 2
    client.close()
    other.close()
    _until(lambda: emulator.stats()["open_connections"] == 0)
    assert emulator.stats()["total_connections"] >= total + 2
