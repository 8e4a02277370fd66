"""The Responses API's objects: conversations with their items, and responses on the real clock.

A response follows the run engine's rules (``runs.py``) on the same clock: created at 0,
``in_progress`` at 10 % of the run duration (a background response is ``queued`` until then),
its end state at 100 %, with the reply written in up to eight deltas in between. Each status
change is recorded with ``time.time()``; every stream event is appended to the response's event
log with its ``sequence_number`` (its index in the log), which streams and resumed streams read.

What a response reads is its context (the conversation's items when it was created, or the
chain of ``previous_response_id``: that response's context, input and output) followed by its
own input. Its input and output items join the conversation when it ends ``completed`` or
``incomplete``.
"""

import asyncio
import copy
import logging
import time

from .errors import ApiError, bad_request
from .objects import count_tokens, deleted, new_id, unix_now
from .pagination import page
from .runs import FAILURE_MESSAGE, MAGIC_OUTCOMES, _sleep_until, reply_chunks, tool_arguments
from .timeline import Timeline

ACTIVE_STATUSES = frozenset({"queued", "in_progress"})
STREAM_END_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete"})
PROMPT_MODEL = "gpt-4o"
CONVERSATION_LOCKED = "Another process is currently operating on this conversation. Please retry in a few seconds."
STOPPED_MESSAGE = "The emulator stopped before the response finished."
TEXT_PARTS = frozenset({"input_text", "output_text", "text"})

_LOG = logging.getLogger("emulator.responses")


def not_found(kind, object_id):
    """404 worded as the Responses API words it: ``Conversation with id 'conv_x' not found.``"""
    return ApiError(404, f"{kind} with id '{object_id}' not found.")


def usage(input_tokens, output_tokens):
    """ResponseUsage (cached and reasoning tokens are always 0 here)."""
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def _text_part(role, text):
    if role == "assistant":
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {"type": "input_text", "text": text}


def stored_item(item):
    """An input item (EasyInputMessage, Item) as the conversation keeps it: with an id and a status."""
    kind = item.get("type") or "message"
    if kind == "message":
        content = item["content"]
        parts = [_text_part(item["role"], content)] if isinstance(content, str) else copy.deepcopy(content)
        return {"id": item.get("id") or new_id("msg"), "type": "message", "status": "completed", "role": item["role"], "content": parts}
    if kind == "function_call":
        return {"id": item.get("id") or new_id("fc"), "type": "function_call", "status": "completed", "arguments": item["arguments"],
                "call_id": item["call_id"], "name": item["name"]}
    if kind == "function_call_output":
        return {"id": item.get("id") or new_id("fco"), "type": "function_call_output", "status": "completed", "call_id": item.get("call_id"),
                "output": copy.deepcopy(item["output"])}
    stored = copy.deepcopy(item)
    stored.setdefault("id", new_id(kind.split("_")[0]))
    return stored


def item_text(item):
    """The words an item adds to the model's input: message text, call arguments, tool output."""
    if item["type"] == "message":
        return "\n".join(part["text"] for part in item["content"] if part.get("type") in TEXT_PARTS)
    if item["type"] == "function_call":
        return item["arguments"]
    if item["type"] == "function_call_output":
        output = item["output"]
        return output if isinstance(output, str) else "\n".join(part.get("text", "") for part in output if part.get("type") == "input_text")
    return ""


def newest_user_text(items):
    """The text of the newest user message among ``items`` ("" when there is none)."""
    return next((item_text(item) for item in reversed(items) if item["type"] == "message" and item["role"] == "user"), "")


def _resolve_input(body, context):
    """The request's ``input`` as stored items; ``item_reference``s are looked up in ``context``."""
    raw = body.get("input")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [stored_item({"role": "user", "content": raw})]
    known = {item["id"]: item for item in context}
    items = []
    for item in raw:
        if item.get("type") == "item_reference":
            if item["id"] not in known:
                raise bad_request(f"Item with id '{item['id']}' not found.", "input", "invalid_value")
            items.append(copy.deepcopy(known[item["id"]]))
        else:
            items.append(stored_item(item))
    return items


def _check_tool_calls(context, inputs):
    """400 unless every function call has exactly one output and every output answers a call."""
    everything = context + inputs
    calls = {item["call_id"]: item for item in everything if item["type"] == "function_call"}
    answered = set()
    for item in everything:
        if item["type"] == "function_call_output":
            if item["call_id"] not in calls:
                raise bad_request(f"No tool call found for function call output with call_id {item['call_id']}.", "input", "invalid_value")
            answered.add(item["call_id"])
    for call_id in calls:
        if call_id not in answered:
            raise bad_request(f"No tool output found for function call {call_id}.", "input", "invalid_value")
    return calls


class Conversation:
    """A conversation: its ConversationResource and its items in order; at most one active response."""

    def __init__(self, data):
        self.data = data
        self.items = {}
        self.active = None

    def add_items(self, items):
        """Append items (their ids are new to this conversation)."""
        for item in items:
            self.items[item["id"]] = item


class Response(Timeline):
    """One response: its Response object, output items, status history and event log."""

    def __init__(self, body, *, context, inputs, conversation, calls, duration):
        super().__init__()
        self.conversation = conversation
        self.context = context
        self.inputs = inputs
        self.duration = duration
        self.background = bool(body.get("background"))
        self.stored = body.get("store") is not False
        self.stream = bool(body.get("stream"))
        self.created = time.time()
        self.completed_exact = None
        self.task = None

        self.user_text = newest_user_text(context + inputs)
        self.outcome = next((status for marker, status in MAGIC_OUTCOMES if marker in self.user_text and status != "expired"), "completed")
        outputs = [item for item in inputs if item["type"] == "function_call_output"]
        tools = body.get("tools") or []
        self.functions = []
        if outputs:
            self.reply = "\n".join(f"{calls[item['call_id']]['name']} returned: {item_text(item)}" for item in outputs)
        else:
            self.reply = f"You said: {self.user_text}"
            if self.outcome == "completed":
                self.functions = [tool for tool in tools if tool["type"] == "function" and tool["name"] in self.user_text]
        instructions = body.get("instructions")
        self.input_tokens = count_tokens(instructions or "") + sum(count_tokens(item_text(item)) for item in context + inputs)
        self.output_tokens = 0
        reasoning = body.get("reasoning") or {}
        text = body.get("text") or {}
        self.data = {
            "id": new_id("resp"),
            "object": "response",
            "created_at": int(self.created),
            "status": "queued" if self.background else "in_progress",
            "background": self.background,
            "completed_at": None,
            "conversation": {"id": conversation.data["id"]} if conversation is not None else None,
            "error": None,
            "incomplete_details": None,
            "instructions": instructions,
            "max_output_tokens": body.get("max_output_tokens"),
            "max_tool_calls": body.get("max_tool_calls"),
            "model": body.get("model") or PROMPT_MODEL,
            "output": [],
            "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
            "previous_response_id": body.get("previous_response_id"),
            "prompt": copy.deepcopy(body.get("prompt")),
            "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
            "service_tier": body.get("service_tier") or "default",
            "store": self.stored,
            "temperature": body["temperature"] if body.get("temperature") is not None else 1.0,
            "text": {"format": copy.deepcopy(text.get("format") or {"type": "text"}), "verbosity": text.get("verbosity") or "medium"},
            "tool_choice": copy.deepcopy(body.get("tool_choice") or "auto"),
            "tools": copy.deepcopy(tools),
            "top_logprobs": body.get("top_logprobs") or 0,
            "top_p": body["top_p"] if body.get("top_p") is not None else 1.0,
            "truncation": body.get("truncation") or "disabled",
            "metadata": copy.deepcopy(body.get("metadata") or {}),
        }
        self.history = [[self.status, self.created]]

    def control_view(self):
        """The response as ``GET /_emulator/responses`` shows it."""
        return {
            "id": self.id,
            "conversation_id": self.conversation.data["id"] if self.conversation is not None else None,
            "previous_response_id": self.data["previous_response_id"],
            "status": self.status,
            "background": self.background,
            "store": self.stored,
            "stream": self.stream,
            "created": self.created,
            "completed_exact": self.completed_exact,
            "history": [list(entry) for entry in self.history],
            "metadata": copy.deepcopy(self.data["metadata"]),
        }

    def dump(self):
        """The JSON-ready state ``--state-file`` keeps (see ``restore``)."""
        return {
            "data": self.data, "events": [list(event) for event in self.events], "history": self.history, "created": self.created,
            "completed_exact": self.completed_exact, "context": self.context, "inputs": self.inputs, "background": self.background,
            "stored": self.stored, "stream": self.stream, "duration": self.duration,
            "conversation_id": self.conversation.data["id"] if self.conversation is not None else None,
        }

    @classmethod
    def restore(cls, saved, conversations):
        """A response from ``dump()``; one that was still moving ends ``failed`` (its clock stopped with the server)."""
        response = cls.__new__(cls)
        Timeline.__init__(response)
        response.conversation = conversations.get(saved["conversation_id"])
        for key in ("data", "history", "created", "completed_exact", "context", "inputs", "background", "stored", "stream", "duration"):
            setattr(response, key, saved[key])
        response.events = [tuple(event) for event in saved["events"]]
        response.closed = True
        response.task = None
        if response.status in ACTIVE_STATUSES:
            response._set_status("failed", error={"code": "server_error", "message": STOPPED_MESSAGE})  # pylint: disable=protected-access
            response._publish_response("response.failed")  # pylint: disable=protected-access
        return response

    def chain(self):
        """What a response with ``previous_response_id`` = this one reads before its own input."""
        return copy.deepcopy(self.context + self.inputs + self.data["output"])

    # Event log, read by the streams.

    def _emit(self, event, **fields):
        """Log one event: its ``type``, ``fields`` and ``sequence_number`` (its index in the log)."""
        self._publish(event, dict({"type": event}, **fields, sequence_number=len(self.events)))

    def _publish_response(self, event):
        self._emit(event, response=self.snapshot())

    async def settled(self):
        """Return once the response has left queued/in_progress (or was closed)."""
        while self.status in ACTIVE_STATUSES and not self.closed:
            await self.wait_for_event(len(self.events), None)

    # Transitions.

    def start(self):
        """Publish the creation events and start the clock."""
        self._publish_response("response.created")
        self._publish_response("response.queued" if self.background else "response.in_progress")
        self.task = asyncio.get_running_loop().create_task(self._execute())
        self.task.add_done_callback(self._crashed)

    def _crashed(self, task):
        """A bug in the clock must not leave clients waiting forever: log it and fail the response."""
        if task.cancelled() or task.exception() is None:
            return
        _LOG.error("response task failed", exc_info=task.exception())
        if self.status in ACTIVE_STATUSES:
            self._set_status("failed", error={"code": "server_error", "message": "The emulator failed while producing this response."})
            self._publish_response("response.failed")

    def _set_status(self, status, **fields):
        now = time.time()
        self.data.update(fields)
        self.data["status"] = status
        self.history.append([status, now])
        if status not in ACTIVE_STATUSES:
            self.completed_exact = now
            self._release()

    def _release(self):
        """No more events will come; the conversation is free for the next response."""
        self.closed = True
        if self.conversation is not None and self.conversation.active is self:
            self.conversation.active = None

    async def _execute(self):
        end = self.created + self.duration
        await _sleep_until(self.created + 0.1 * self.duration)
        if self.background:
            self._set_status("in_progress")
            self._publish_response("response.in_progress")
        if self.outcome == "failed":
            await _sleep_until(end)
            self._set_status("failed", error={"code": "server_error", "message": FAILURE_MESSAGE}, usage=usage(self.input_tokens, 0))
            self._publish_response("response.failed")
        elif self.functions:
            await self._call_functions(end)
        else:
            await self._write_reply(end)

    def _add_output(self, item):
        self.data["output"].append(item)
        self._emit("response.output_item.added", output_index=len(self.data["output"]) - 1, item=copy.deepcopy(item))
        return len(self.data["output"]) - 1

    async def _call_functions(self, end):
        calls = []
        for function in self.functions:
            item = {"id": new_id("fc"), "type": "function_call", "status": "in_progress", "arguments": "", "call_id": new_id("call"), "name": function["name"]}
            calls.append((self._add_output(item), item, tool_arguments(function, self.user_text)))
        await _sleep_until(end)
        for index, item, arguments in calls:
            self._emit("response.function_call_arguments.delta", item_id=item["id"], output_index=index, delta=arguments)
            item.update(arguments=arguments, status="completed")
            self.output_tokens += count_tokens(arguments)
            self._emit("response.function_call_arguments.done", item_id=item["id"], name=item["name"], output_index=index, arguments=arguments)
            self._emit("response.output_item.done", output_index=index, item=copy.deepcopy(item))
        self._finish("completed")

    async def _write_reply(self, end):
        message = {"id": new_id("msg"), "type": "message", "status": "in_progress", "content": [], "role": "assistant"}
        index = self._add_output(message)
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        message["content"].append(part)
        where = {"item_id": message["id"], "output_index": index, "content_index": 0}
        self._emit("response.content_part.added", **where, part=copy.deepcopy(part))
        chunks = reply_chunks(self.reply)
        if self.outcome == "incomplete":
            chunks = chunks[:max(1, len(chunks) // 2)]
        began = time.time()
        for number, chunk in enumerate(chunks, 1):
            await _sleep_until(began + (end - began) * number / (len(chunks) + 1))
            part["text"] += chunk
            self._emit("response.output_text.delta", **where, delta=chunk, logprobs=[])
        await _sleep_until(end)
        self.output_tokens += count_tokens(part["text"])
        self._emit("response.output_text.done", **where, text=part["text"], logprobs=[])
        self._emit("response.content_part.done", **where, part=copy.deepcopy(part))
        message["status"] = "incomplete" if self.outcome == "incomplete" else "completed"
        self._emit("response.output_item.done", output_index=index, item=copy.deepcopy(message))
        self._finish(self.outcome)

    def _finish(self, status):
        """End ``completed`` or ``incomplete``: the items join the conversation, then the end event."""
        if self.conversation is not None:
            self.conversation.add_items(copy.deepcopy(self.inputs + self.data["output"]))
        fields = {"usage": usage(self.input_tokens, self.output_tokens)}
        if status == "incomplete":
            fields["incomplete_details"] = {"reason": "max_output_tokens"}
        else:
            fields["completed_at"] = unix_now()
        self._set_status(status, **fields)
        self._publish_response(f"response.{status}")

    def cancel(self):
        """Cancel a background response that is queued or in progress (400 otherwise; a cancelled one stays so)."""
        if not self.background:
            raise bad_request("Only responses created with background=true can be cancelled.")
        if self.status == "cancelled":
            return
        if self.status not in ACTIVE_STATUSES:
            raise bad_request(f"Cannot cancel a response with status '{self.status}'.")
        self.task.cancel()
        for item in self.data["output"]:
            if item["status"] == "in_progress":
                item["status"] = "incomplete"
        self._set_status("cancelled", usage=usage(self.input_tokens, self.output_tokens))
        self._wake()

    def close(self):
        """Stop the clock for good (deleted, emulator reset) and end open streams."""
        if self.task is not None:
            self.task.cancel()
        self._release()
        self._wake()


class ResponsesStore:
    """Every conversation and response the emulator knows (responses with ``store: false`` are not kept)."""

    def __init__(self):
        self.conversations = {}
        self.responses = {}
        self.unstored = []

    # Conversations.

    def conversation(self, conversation_id):
        """The Conversation (404 when unknown)."""
        if conversation_id not in self.conversations:
            raise not_found("Conversation", conversation_id)
        return self.conversations[conversation_id]

    def create_conversation(self, body):
        """Create from a validated CreateConversationBody."""
        metadata = copy.deepcopy(body.get("metadata") or {})
        conversation = Conversation({"id": new_id("conv"), "object": "conversation", "created_at": unix_now(), "metadata": metadata})
        conversation.add_items([stored_item(item) for item in body.get("items") or []])
        self.conversations[conversation.data["id"]] = conversation
        return copy.deepcopy(conversation.data)

    def update_conversation(self, conversation_id, body):
        """Replace the metadata (UpdateConversationBody)."""
        conversation = self.conversation(conversation_id)
        conversation.data["metadata"] = copy.deepcopy(body["metadata"] or {})
        return copy.deepcopy(conversation.data)

    def delete_conversation(self, conversation_id):
        """Forget the conversation and its items (its responses stay)."""
        self.conversation(conversation_id)
        del self.conversations[conversation_id]
        return deleted(conversation_id, "conversation")

    def create_items(self, conversation_id, body):
        """Add up to 20 input items; answers the ConversationItemList of the added items."""
        conversation = self.conversation(conversation_id)
        items = _resolve_input({"input": body["items"]}, list(conversation.items.values()))
        conversation.add_items(items)
        return {"object": "list", "data": copy.deepcopy(items), "first_id": items[0]["id"] if items else None,
                "last_id": items[-1]["id"] if items else None, "has_more": False}

    def item(self, conversation_id, item_id):
        """One ConversationItem (stored, not a copy)."""
        items = self.conversation(conversation_id).items
        if item_id not in items:
            raise not_found("Item", item_id)
        return items[item_id]

    def delete_item(self, conversation_id, item_id):
        """Remove one item; answers the ConversationResource."""
        self.item(conversation_id, item_id)
        conversation = self.conversations[conversation_id]
        del conversation.items[item_id]
        return copy.deepcopy(conversation.data)

    def list_items(self, conversation_id, params):
        """ConversationItemList."""
        return page(list(self.conversation(conversation_id).items.values()), params)

    # Responses.

    def response(self, response_id):
        """The Response (404 when unknown)."""
        if response_id not in self.responses:
            raise not_found("Response", response_id)
        return self.responses[response_id]

    def create_response(self, body, duration):
        """Start a response from a validated CreateResponse (400/404 when the API refuses it)."""
        if body.get("conversation") is not None and body.get("previous_response_id") is not None:
            raise bad_request("Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
                              None, "mutually_exclusive_parameters")
        if not body.get("model") and not body.get("prompt"):
            raise bad_request("Missing required parameter: 'model'.", "model", "missing_required_parameter")
        if body.get("background") and body.get("store") is False:
            raise bad_request("Background mode requires store=true.", "store", "invalid_value")
        conversation = None
        context = []
        if body.get("conversation") is not None:
            reference = body["conversation"]
            conversation = self.conversation(reference if isinstance(reference, str) else reference["id"])
            if conversation.active is not None:
                raise bad_request(CONVERSATION_LOCKED, "conversation", "conversation_locked")
            context = copy.deepcopy(list(conversation.items.values()))
        elif body.get("previous_response_id") is not None:
            previous = self.responses.get(body["previous_response_id"])
            if previous is None:
                raise bad_request(f"Previous response with id '{body['previous_response_id']}' not found.", "previous_response_id",
                                  "previous_response_not_found")
            context = previous.chain()
        inputs = _resolve_input(body, context)
        calls = _check_tool_calls(context, inputs)
        response = Response(body, context=context, inputs=inputs, conversation=conversation, calls=calls, duration=duration)
        if conversation is not None:
            conversation.active = response
        if response.stored:
            self.responses[response.id] = response
        else:
            self.unstored.append(response)
        response.start()
        return response

    def delete_response(self, response_id):
        """Forget a response (an active one stops)."""
        self.response(response_id).close()
        del self.responses[response_id]
        return {"id": response_id, "object": "response", "deleted": True}

    def input_items(self, response_id, params):
        """ResponseItemList of the response's input items."""
        return page(self.response(response_id).inputs, params)

    def all_responses(self):
        """Every response, oldest first (also those with ``store: false``)."""
        return sorted(list(self.responses.values()) + self.unstored, key=lambda response: response.created)

    def dump(self):
        """The JSON-ready state ``--state-file`` keeps: conversations with their items, stored responses."""
        return {
            "conversations": [{"data": conversation.data, "items": list(conversation.items.values())} for conversation in self.conversations.values()],
            "responses": [response.dump() for response in self.responses.values()],
        }

    def restore(self, saved):
        """Fill an empty store from ``dump()`` (KeyError/TypeError if ``saved`` is not one)."""
        for entry in saved["conversations"]:
            conversation = Conversation(entry["data"])
            conversation.add_items(entry["items"])
            self.conversations[conversation.data["id"]] = conversation
        for entry in saved["responses"]:
            response = Response.restore(entry, self.conversations)
            self.responses[response.id] = response

    def close(self):
        """Stop every response (before the store is dropped)."""
        for response in self.all_responses():
            response.close()
