"""A run's state machine, driven by asyncio tasks on the real clock.

Timeline of one pass (``duration`` = the run_duration when the run was created):
queued at 0, in_progress at 10 %, the end state at 100 %. The assistant reply is written in
up to eight deltas in between. Each status change is recorded with ``time.time()`` and appended
to the run's event log, which the SSE streams read.
"""

import asyncio
import copy
import json
import logging
import re
import time

from .errors import bad_request
from .objects import count_tokens, message_object, message_text, new_id, step_object, text_content, unix_now, usage
from .timeline import Timeline

ACTIVE_STATUSES = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
TERMINAL_STATUSES = frozenset({"completed", "failed", "incomplete", "expired", "cancelled"})
STREAM_END_EVENTS = frozenset(f"thread.run.{status}" for status in TERMINAL_STATUSES | {"requires_action"})
EXPIRY_SECONDS = 600
MAX_DELTAS = 8
MAGIC_OUTCOMES = (("[[fail]]", "failed"), ("[[incomplete]]", "incomplete"), ("[[expire]]", "expired"))
FAILURE_MESSAGE = "The run failed because its message asked for it ([[fail]])."

_LOG = logging.getLogger("emulator.runs")


async def _sleep_until(moment):
    """Return at or after wall-clock ``moment``, so recorded transition times are never early."""
    remaining = moment - time.time()
    while remaining > 0:
        await asyncio.sleep(remaining)
        remaining = moment - time.time()


def _first_set(*values):
    return next((value for value in values if value is not None), None)


def _argument_value(schema, text):
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kind = next((name for name in kind if name != "null"), None)
    return {"string": text, "number": 0, "integer": 0, "boolean": True, "array": [], "object": {}}.get(kind, text)


def tool_arguments(function, text):
    """The arguments JSON of a call: each required parameter filled from its declared type."""
    parameters = function.get("parameters") or {}
    properties = parameters.get("properties") or {}
    return json.dumps({name: _argument_value(properties.get(name), text) for name in parameters.get("required") or []})


def reply_chunks(text):
    """Split a reply into at most MAX_DELTAS pieces at word boundaries; they join to ``text``."""
    words = [piece for piece in re.split(r"(?<=\S)(?=\s)", text) if piece]
    count = min(len(words), MAX_DELTAS)
    return ["".join(words[index * len(words) // count:(index + 1) * len(words) // count]) for index in range(count)]


def _report_crash(task):
    if not task.cancelled() and task.exception() is not None:
        _LOG.error("run task failed", exc_info=task.exception())


class Run(Timeline):
    """One run: its RunObject, steps, status history and event log.

    ``thread`` is the store's Thread (the run adds its assistant message there); ``assistant``
    and ``request`` are the AssistantObject and the validated CreateRunRequest. The caller
    adds the request's ``additional_messages`` to the thread first, then calls ``start()``.
    """

    def __init__(self, thread, assistant, request, *, duration):
        super().__init__()
        self.thread = thread
        self.duration = duration
        self.created = time.time()
        self.history = [["queued", self.created]]
        self.completed_exact = None
        self.steps = []
        self.task = None
        self._open_message = None
        self._tool_step = None
        self._completion_tokens = 0

        instructions = _first_set(request.get("instructions"), assistant.get("instructions"), "")
        if request.get("additional_instructions"):
            instructions = "\n\n".join(part for part in (instructions, request["additional_instructions"]) if part)
        tools = _first_set(request.get("tools"), assistant["tools"])
        self.user_text = thread.newest_user_text()
        self.outcome = next((status for marker, status in MAGIC_OUTCOMES if marker in self.user_text), "completed")
        self.functions = []
        if self.outcome == "completed":
            self.functions = [tool["function"] for tool in tools if tool["type"] == "function" and tool["function"]["name"] in self.user_text]
        self.reply = f"You said: {self.user_text}"
        self.prompt_tokens = count_tokens(instructions) + sum(count_tokens(message_text(message)) for message in thread.messages.values())
        created_at = int(self.created)
        self.data = {
            "id": new_id("run"),
            "object": "thread.run",
            "created_at": created_at,
            "thread_id": thread.data["id"],
            "assistant_id": assistant["id"],
            "status": "queued",
            "required_action": None,
            "last_error": None,
            "expires_at": created_at + EXPIRY_SECONDS,
            "started_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "incomplete_details": None,
            "model": request.get("model") or assistant["model"],
            "instructions": instructions,
            "tools": copy.deepcopy(tools),
            "metadata": request.get("metadata") or {},
            "usage": None,
            "temperature": _first_set(request.get("temperature"), assistant.get("temperature"), 1.0),
            "top_p": _first_set(request.get("top_p"), assistant.get("top_p"), 1.0),
            "max_prompt_tokens": request.get("max_prompt_tokens"),
            "max_completion_tokens": request.get("max_completion_tokens"),
            "truncation_strategy": request.get("truncation_strategy") or {"type": "auto", "last_messages": None},
            "tool_choice": _first_set(request.get("tool_choice"), "auto"),
            "parallel_tool_calls": _first_set(request.get("parallel_tool_calls"), True),
            "response_format": _first_set(request.get("response_format"), assistant.get("response_format"), "auto"),
        }

    def control_view(self):
        """The run as ``GET /_emulator/runs`` shows it."""
        return {
            "id": self.id,
            "thread_id": self.data["thread_id"],
            "status": self.status,
            "created": self.created,
            "completed_exact": self.completed_exact,
            "history": [list(entry) for entry in self.history],
            "metadata": copy.deepcopy(self.data["metadata"]),
        }

    # Transitions.

    def _start_task(self, coroutine):
        self.task = asyncio.get_running_loop().create_task(coroutine)
        self.task.add_done_callback(_report_crash)

    def _set_status(self, status, **fields):
        now = time.time()
        self.data.update(fields)
        self.data["status"] = status
        if status in TERMINAL_STATUSES and status != "expired":
            self.data["expires_at"] = None
        self.history.append([status, now])
        if status in TERMINAL_STATUSES or status == "requires_action":
            self.completed_exact = now
        self._publish(f"thread.run.{status}", self.snapshot())

    def _add_step(self, step_type, details):
        step = step_object(self.data, step_type, details)
        self.steps.append(step)
        self._publish("thread.run.step.created", copy.deepcopy(step))
        self._publish("thread.run.step.in_progress", copy.deepcopy(step))
        return step

    def start(self):
        """Publish the creation events and start the clock."""
        self._publish("thread.run.created", self.snapshot())
        self._publish("thread.run.queued", self.snapshot())
        self._start_task(self._execute(self.created))

    async def _execute(self, began):
        end = began + self.duration
        await _sleep_until(began + 0.1 * self.duration)
        self._set_status("in_progress", started_at=_first_set(self.data["started_at"], unix_now()))
        if self.outcome in ("failed", "expired"):
            await _sleep_until(end)
            self._give_up()
        elif self.functions and self._tool_step is None:
            self._tool_step = self._add_step("tool_calls", {"type": "tool_calls", "tool_calls": [self._tool_call(function) for function in self.functions]})
            await _sleep_until(end)
            calls = [{"id": call["id"], "type": "function", "function": {"name": call["function"]["name"], "arguments": call["function"]["arguments"]}}
                     for call in self._tool_step["step_details"]["tool_calls"]]
            self._set_status("requires_action", required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}})
        else:
            await self._write_reply(end)

    def _tool_call(self, function):
        arguments = tool_arguments(function, self.user_text)
        return {"id": new_id("call"), "type": "function", "function": {"name": function["name"], "arguments": arguments, "output": None}}

    def _give_up(self):
        if self.outcome == "failed":
            error = {"code": "server_error", "message": FAILURE_MESSAGE}
            self._set_status("failed", failed_at=unix_now(), last_error=error, usage=usage(self.prompt_tokens, 0))
        else:
            self._set_status("expired", expires_at=unix_now(), usage=usage(self.prompt_tokens, 0))

    async def _write_reply(self, end):
        message = message_object(self.data["thread_id"], "assistant", [], assistant_id=self.data["assistant_id"], run_id=self.id, status="in_progress")
        self.thread.add_message(message)
        self._open_message = message
        step = self._add_step("message_creation", {"type": "message_creation", "message_creation": {"message_id": message["id"]}})
        self._publish("thread.message.created", copy.deepcopy(message))
        self._publish("thread.message.in_progress", copy.deepcopy(message))
        chunks = reply_chunks(self.reply)
        if self.outcome == "incomplete":
            chunks = chunks[:max(1, len(chunks) // 2)]
        began = time.time()
        for index, chunk in enumerate(chunks, 1):
            await _sleep_until(began + (end - began) * index / (len(chunks) + 1))
            self._append_text(message, chunk)
        await _sleep_until(end)
        self._finish_reply(message, step)

    def _append_text(self, message, chunk):
        if message["content"]:
            message["content"][0]["text"]["value"] += chunk
        else:
            message["content"].append(text_content(chunk))
        delta = {"index": 0, "type": "text", "text": {"value": chunk, "annotations": []}}
        self._publish("thread.message.delta", {"id": message["id"], "object": "thread.message.delta", "delta": {"content": [delta]}})

    def _finish_reply(self, message, step):
        now = unix_now()
        completion = count_tokens(message_text(message))
        self._completion_tokens += completion
        self._open_message = None
        if self.outcome == "incomplete":
            message.update(status="incomplete", incomplete_at=now, incomplete_details={"reason": "max_tokens"})
            self._publish("thread.message.incomplete", copy.deepcopy(message))
        else:
            message.update(status="completed", completed_at=now)
            self._publish("thread.message.completed", copy.deepcopy(message))
        step.update(status="completed", completed_at=now, usage=usage(self.prompt_tokens, completion))
        self._publish("thread.run.step.completed", copy.deepcopy(step))
        run_usage = usage(self.prompt_tokens, self._completion_tokens)
        if self.outcome == "incomplete":
            self._set_status("incomplete", incomplete_details={"reason": "max_completion_tokens"}, usage=run_usage)
        else:
            self._set_status("completed", completed_at=now, usage=run_usage)

    def submit_tool_outputs(self, tool_outputs):
        """Accept the outputs of exactly the pending tool calls and resume the run (400 otherwise)."""
        if self.status != "requires_action":
            raise bad_request(f'Runs in status "{self.status}" do not accept tool outputs.')
        calls = self._tool_step["step_details"]["tool_calls"]
        expected = [call["id"] for call in calls]
        given = [output.get("tool_call_id") for output in tool_outputs]
        if sorted(given, key=str) != sorted(expected):
            raise bad_request(f"Expected tool outputs for call_ids {expected}, got {given}", param="tool_outputs")
        outputs = {output["tool_call_id"]: output.get("output") or "" for output in tool_outputs}
        completion = 0
        for call in calls:
            call["function"]["output"] = outputs[call["id"]]
            completion += count_tokens(call["function"]["arguments"])
        self._completion_tokens += completion
        self._tool_step.update(status="completed", completed_at=unix_now(), usage=usage(self.prompt_tokens, completion))
        self._publish("thread.run.step.completed", copy.deepcopy(self._tool_step))
        self.reply = "\n".join(f"{call['function']['name']} returned: {call['function']['output']}" for call in calls)
        self._set_status("queued", required_action=None)
        self._start_task(self._execute(time.time()))

    def cancel(self, duration):
        """Move an active run to ``cancelling``, then ``cancelled`` after ``duration`` s (400 otherwise)."""
        if self.status not in ("queued", "in_progress", "requires_action"):
            raise bad_request(f"Cannot cancel run with status '{self.status}'.")
        self.task.cancel()
        self._set_status("cancelling", required_action=None)
        self._start_task(self._finish_cancel(self.history[-1][1] + duration))

    async def _finish_cancel(self, moment):
        await _sleep_until(moment)
        now = unix_now()
        if self._open_message is not None:
            self._open_message.update(status="incomplete", incomplete_at=now, incomplete_details={"reason": "run_cancelled"})
            self._publish("thread.message.incomplete", copy.deepcopy(self._open_message))
            self._open_message = None
        for step in self.steps:
            if step["status"] == "in_progress":
                step.update(status="cancelled", cancelled_at=now)
                self._publish("thread.run.step.cancelled", copy.deepcopy(step))
        self._set_status("cancelled", cancelled_at=now, usage=usage(self.prompt_tokens, self._completion_tokens))

    def close(self):
        """Stop the clock for good (thread deleted or emulator reset) and end open streams."""
        if self.task is not None:
            self.task.cancel()
        self.closed = True
        self._wake()
