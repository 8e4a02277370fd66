"""Keep the emulator's objects in a JSON file between two runs of the server (``--state-file``).

The emulator is in memory; ``make demo`` still wants a second run to find the assistant, thread,
messages and runs the first one made. With ``--state-file PATH`` the server loads the store from
PATH when it starts (an absent file means an empty store) and writes it back, atomically, when it
stops on SIGTERM/SIGINT. The request log, fault rules, settings and connection counts are not
kept: they describe one server process.

A run's clock cannot survive a restart. A run that was settled when the server stopped
(``requires_action`` or an end state) comes back exactly as it was, and a ``requires_action``
run still accepts its tool outputs. A run that was still moving (queued, in progress,
cancelling) comes back ``expired``, as a real run that nobody finished would end.
"""

import asyncio
import concurrent.futures
import json
import os
import tempfile
import time

from .objects import unix_now
from .runs import ACTIVE_STATUSES, Run
from .store import Store, Thread

FORMAT = "aiops-emulator-state"
VERSION = 1


class StateFileError(RuntimeError):
    """The state file exists but cannot be used."""


def _finished_task():
    """Stands in for the asyncio task of a restored run, which has nothing left to do (``Run.cancel`` cancels it)."""
    task = concurrent.futures.Future()
    task.set_result(None)
    return task


def _run_state(run):
    """The JSON-ready state of one run: its API object and what its state machine needs to go on."""
    return {
        "data": run.data,
        "steps": run.steps,
        "history": run.history,
        "created": run.created,
        "completed_exact": run.completed_exact,
        "events": [list(event) for event in run.events],
        "duration": run.duration,
        "user_text": run.user_text,
        "outcome": run.outcome,
        "functions": run.functions,
        "reply": run.reply,
        "prompt_tokens": run.prompt_tokens,
        "completion_tokens": run._completion_tokens,  # pylint: disable=protected-access
        "tool_step_id": run._tool_step["id"] if run._tool_step else None,  # pylint: disable=protected-access
    }


def store_state(store):
    """The whole store as a JSON-ready dict."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "assistants": list(store.assistants.values()),
        "threads": [
            {"data": thread.data, "messages": list(thread.messages.values()), "runs": [_run_state(run) for run in thread.runs.values()]}
            for thread in store.threads.values()
        ],
        "responses": store.responses.dump(),
    }


def save_store(store, path):
    """Write the store to ``path`` atomically (a reader never sees half a file)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=directory, prefix=".state-", delete=False, encoding="utf-8") as handle:
        json.dump(store_state(store), handle, separators=(",", ":"))
    os.replace(handle.name, path)


def _expire(run):
    """End a run whose clock stopped with the server, as the API ends a run nobody finished."""
    now = unix_now()
    for step in run.steps:
        if step["status"] == "in_progress":
            step.update(status="expired", expired_at=now)
    for message in run.thread.messages.values():
        if message.get("run_id") == run.id and message["status"] == "in_progress":
            message.update(status="incomplete", incomplete_at=now, incomplete_details={"reason": "run_expired"})
    run.data.update(status="expired", expires_at=now, required_action=None)
    run.history.append(["expired", time.time()])
    run.completed_exact = run.history[-1][1]


def _restore_run(thread, state):
    # Run.__init__ starts from a request; a restored run starts from what it had become.
    run = Run.__new__(Run)
    run.thread = thread
    run.data = state["data"]
    run.steps = state["steps"]
    run.history = state["history"]
    run.created = state["created"]
    run.completed_exact = state["completed_exact"]
    run.events = [tuple(event) for event in state["events"]]
    run.duration = state["duration"]
    run.user_text = state["user_text"]
    run.outcome = state["outcome"]
    run.functions = state["functions"]
    run.reply = state["reply"]
    run.prompt_tokens = state["prompt_tokens"]
    run.closed = False
    run.task = _finished_task()
    run._new_event = asyncio.Event()  # pylint: disable=protected-access
    run._open_message = None  # pylint: disable=protected-access
    run._completion_tokens = state["completion_tokens"]  # pylint: disable=protected-access
    run._tool_step = next((step for step in run.steps if step["id"] == state["tool_step_id"]), None)  # pylint: disable=protected-access
    if run.status in ACTIVE_STATUSES and run.status != "requires_action":
        _expire(run)
    return run


def restore_store(state):
    """A Store from the dict ``store_state`` made (StateFileError if it is not one)."""
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise StateFileError("not an aiops-emulator state file")
    if state.get("version") != VERSION:
        raise StateFileError(f"state file version {state.get('version')!r}, this emulator reads version {VERSION}")
    store = Store()
    try:
        for assistant in state["assistants"]:
            store.assistants[assistant["id"]] = assistant
        for saved in state["threads"]:
            thread = Thread(saved["data"])
            for message in saved["messages"]:
                thread.add_message(message)
            for run_state in saved["runs"]:
                run = _restore_run(thread, run_state)
                thread.runs[run.id] = run
            store.threads[thread.data["id"]] = thread
        if "responses" in state:
            store.responses.restore(state["responses"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise StateFileError(f"malformed state: {exc!r}") from exc
    return store


def load_store(path):
    """The Store saved at ``path``; an empty one if there is no such file (StateFileError if unusable)."""
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except FileNotFoundError:
        return Store()
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot read {path}: {exc}") from exc
    try:
        return restore_store(state)
    except StateFileError as exc:
        raise StateFileError(f"{path}: {exc}") from exc
