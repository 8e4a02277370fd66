"""Helpers for the emulator's own tests: a small API client, SSE parsing, schema checks."""

import json
import time

import requests

from emulator import schemas

RUN_SETTLED = frozenset({"requires_action", "completed", "failed", "incomplete", "expired", "cancelled"})


def assert_schema(name, instance):
    """Fail with every validation error if ``instance`` does not match ``components.schemas.<name>``."""
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in schemas.validator(name).iter_errors(instance)]
    assert not errors, f"{name}: " + "; ".join(errors)


def parse_sse(lines):
    """``[(event, data)]`` from SSE lines; ``data`` is decoded JSON except ``[DONE]``; comments give ``(":", text)``."""
    events = []
    name = None
    for line in lines:
        if line.startswith(":"):
            events.append((":", line[1:].strip()))
        elif line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            data = line[len("data: "):]
            events.append((name, data if data == "[DONE]" else json.loads(data)))
    return events


class Api:
    """A requests session against the emulator's API, with the calls the tests repeat."""

    def __init__(self, base_url, key="test-key"):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def close(self):
        """Close the session's connections."""
        self.session.close()

    def request(self, method, path, expect=200, **kwargs):
        """The response; asserts its status is ``expect`` (unless that is None)."""
        kwargs.setdefault("timeout", 10)
        response = self.session.request(method, self.base_url + path, **kwargs)
        assert expect is None or response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def get(self, path, expect=200, **params):
        """GET, decoded."""
        return self.request("GET", path, expect, params=params).json()

    def post(self, path, body=None, expect=200):
        """POST a JSON body, decoded."""
        return self.request("POST", path, expect, json=body if body is not None else {}).json()

    def delete(self, path, expect=200):
        """DELETE, decoded."""
        return self.request("DELETE", path, expect).json()

    def stream(self, path, body):
        """POST with ``stream: true``; the parsed events (until the server ends the stream)."""
        response = self.request("POST", path, json=dict(body, stream=True), stream=True)
        assert response.headers["content-type"].startswith("text/event-stream")
        with response:
            return parse_sse(response.iter_lines(decode_unicode=True))

    def assistant(self, **fields):
        """A new assistant (model gpt-4o unless given)."""
        return self.post("/assistants", dict({"model": "gpt-4o"}, **fields))

    def thread(self, text=None):
        """A new thread, with one user message if ``text`` is given."""
        return self.post("/threads", {"messages": [{"role": "user", "content": text}]} if text is not None else {})

    def run(self, thread_id, assistant_id, **fields):
        """A new run (not waited for)."""
        return self.post(f"/threads/{thread_id}/runs", dict({"assistant_id": assistant_id}, **fields))

    def wait(self, run, until=RUN_SETTLED, timeout=5.0):
        """Poll ``run`` until its status is in ``until``; the last RunObject."""
        return self.poll(f"/threads/{run['thread_id']}/runs/{run['id']}", until, timeout)

    def poll(self, path, until, timeout):
        """GET ``path`` every 20 ms until the object's status is in ``until`` (fail after ``timeout`` s); the last object."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.get(path)
            if found["status"] in until:
                return found
            assert time.monotonic() < deadline, f"{path} still {found['status']} after {timeout} s"
            time.sleep(0.02)

    def reply(self, run):
        """The text of the messages ``run`` created, oldest first."""
        messages = self.get(f"/threads/{run['thread_id']}/messages", order="asc", run_id=run["id"])["data"]
        return "\n".join(part["text"]["value"] for message in messages for part in message["content"])
