"""The emulators a benchmark talks to, and the objects each repetition needs on them.

Each emulator setting that differs between measurements (run duration, ``openai-poll-after-ms``)
gets its own emulator process, so repetitions with different durations can run side by side.
"""

import contextlib

import requests

from emulator.harness import Emulator

# Any non-empty key works with the emulator; this one is no secret.
API_KEY = "sk-bench-emulator"
HEADERS = {"Authorization": "Bearer " + API_KEY, "OpenAI-Beta": "assistants=v2"}
MODEL = "gpt-4o"
QUESTION = "How long does a run take?"
HTTP_TIMEOUT = 10


class Station:
    """One emulator with a fixed run duration and poll hint, and one assistant on it."""

    def __init__(self, emulator, run_duration, poll_after_ms):
        self.emulator = emulator
        self.run_duration = run_duration
        self.poll_after_ms = poll_after_ms
        self.base_url = emulator.base_url
        self._session = requests.Session()
        self._session.headers.update(HEADERS)
        self.assistant_id = self._post("/assistants", {"model": MODEL, "name": "bench", "instructions": "Answer."})["id"]

    def _post(self, path, body):
        response = self._session.post(self.base_url + path, json=body, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def new_thread(self, text=QUESTION):
        """A thread holding one user message, ready for a run."""
        return self._post("/threads", {"messages": [{"role": "user", "content": text}]})["id"]

    def new_conversation(self, text=QUESTION):
        """A conversation (Responses API) holding one user message item, ready for a response."""
        return self._post("/conversations", {"items": [{"type": "message", "role": "user", "content": text}]})["id"]

    def delay_first_poll(self, thread_id, seconds):
        """Hold the first ``GET`` of this thread's run for ``seconds`` (sets a poller's phase)."""
        if seconds > 0:
            self.emulator.add_fault(kind="delay", method="GET", path="/threads/{0}/runs/run_[A-Za-z0-9]+$".format(thread_id),
                                    times=1, seconds=round(seconds, 4))

    def close(self):
        self._session.close()


class Lab:
    """Emulators started on demand, keyed by ``(run_duration, poll_after_ms)``, all stopped on exit."""

    def __init__(self):
        self._stack = contextlib.ExitStack()
        self._stations = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for station in self._stations.values():
            station.close()
        self._stack.close()

    def station(self, run_duration, poll_after_ms):
        key = (float(run_duration), poll_after_ms)
        if key not in self._stations:
            emulator = self._stack.enter_context(Emulator(run_duration=run_duration, poll_after_ms=poll_after_ms or 0))
            self._stations[key] = Station(emulator, run_duration, poll_after_ms)
        return self._stations[key]

    def stations(self):
        return list(self._stations.values())

    def forget(self):
        """Clear every emulator's request log and fault rules before a measurement."""
        for station in self._stations.values():
            station.emulator.clear_requests()
            station.emulator.clear_faults()


def thread_requests(log, thread_id):
    """The logged API requests that belong to one thread (its messages, runs, steps)."""
    marker = "/threads/{0}".format(thread_id)
    return [entry for entry in log if entry["path"].endswith(marker) or marker + "/" in entry["path"]]


def conversation_requests(log, conversation_id, response_ids):
    """The logged API requests of one conversation: its own paths, and those of its responses.

    ``POST /responses`` names the conversation only in its body, which the log does not keep: the
    caller adds one such POST per response the conversation has (the benchmark injects no faults,
    so every create committed once).
    """
    marker = "/conversations/{0}".format(conversation_id)
    own = ["/responses/{0}".format(response_id) for response_id in response_ids]
    return [entry for entry in log if entry["path"].endswith(marker) or marker + "/" in entry["path"]
            or any(entry["path"].endswith(path) or path + "/" in entry["path"] for path in own)]


def is_response_poll(entry):
    """A ``GET /responses/{id}`` that is not a stream: one poll of a response's state."""
    parts = entry["path"].strip("/").split("/")
    return (entry["method"] == "GET" and len(parts) == 3 and parts[1] == "responses"
            and "stream=true" not in (entry.get("query") or ""))


def is_run_poll(entry):
    """A ``GET /threads/{id}/runs/{run_id}``: one poll of a run's state."""
    parts = entry["path"].strip("/").split("/")
    return entry["method"] == "GET" and len(parts) == 5 and parts[1] == "threads" and parts[3] == "runs"
