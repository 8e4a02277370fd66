"""Builders for the API objects (assistant, thread, message, run step) and their small helpers."""

import secrets
import string
import time

_ALNUM = string.ascii_letters + string.digits


def new_id(prefix):
    """An id like the API's: ``<prefix>_`` and 24 random letters and digits."""
    return prefix + "_" + "".join(secrets.choice(_ALNUM) for _position in range(24))


def unix_now():
    """Unix time in whole seconds, as the API's ``*_at`` fields."""
    return int(time.time())


def count_tokens(text):
    """The emulator's deterministic token count: the number of whitespace-separated words."""
    return len(text.split())


def usage(prompt_tokens, completion_tokens):
    """A RunCompletionUsage / RunStepCompletionUsage object."""
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens}


def assistant_object(body):
    """AssistantObject from a validated CreateAssistantRequest."""
    return {
        "id": new_id("asst"),
        "object": "assistant",
        "created_at": unix_now(),
        "name": body.get("name"),
        "description": body.get("description"),
        "model": body["model"],
        "instructions": body.get("instructions"),
        "tools": body.get("tools") or [],
        "tool_resources": body.get("tool_resources") or {},
        "metadata": body.get("metadata") or {},
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "response_format": body.get("response_format") or "auto",
    }


def thread_object(body):
    """ThreadObject from a validated CreateThreadRequest (messages are added separately)."""
    return {
        "id": new_id("thread"),
        "object": "thread",
        "created_at": unix_now(),
        "tool_resources": body.get("tool_resources") or {},
        "metadata": body.get("metadata") or {},
    }


def text_content(value):
    """One MessageContentTextObject."""
    return {"type": "text", "text": {"value": value, "annotations": []}}


def _request_content(content):
    """Message content of a CreateMessageRequest (a string or an array of parts) as stored content."""
    if isinstance(content, str):
        return [text_content(content)]
    parts = []
    for part in content:
        if part["type"] == "text":
            parts.append(text_content(part["text"]))
        else:
            parts.append(part)
    return parts


def message_text(message):
    """The text of a message: its text parts joined by newlines."""
    return "\n".join(part["text"]["value"] for part in message["content"] if part["type"] == "text")


def message_object(thread_id, role, content, *, metadata=None, attachments=None, assistant_id=None, run_id=None, status="completed"):
    """MessageObject; ``content`` is request content (user messages) or stored content parts."""
    completed = status == "completed"
    return {
        "id": new_id("msg"),
        "object": "thread.message",
        "created_at": unix_now(),
        "thread_id": thread_id,
        "status": status,
        "incomplete_details": None,
        "completed_at": unix_now() if completed else None,
        "incomplete_at": None,
        "role": role,
        "content": _request_content(content),
        "assistant_id": assistant_id,
        "run_id": run_id,
        "attachments": attachments or [],
        "metadata": metadata or {},
    }


def user_message(thread_id, request):
    """MessageObject from a validated CreateMessageRequest."""
    return message_object(thread_id, request["role"], request["content"], metadata=request.get("metadata"), attachments=request.get("attachments"))


def step_object(run, step_type, step_details):
    """RunStepObject (status in_progress) of ``run`` (a RunObject dict)."""
    return {
        "id": new_id("step"),
        "object": "thread.run.step",
        "created_at": unix_now(),
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "run_id": run["id"],
        "type": step_type,
        "status": "in_progress",
        "step_details": step_details,
        "last_error": None,
        "expired_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "metadata": {},
        "usage": None,
    }


def deleted(object_id, kind):
    """DeleteAssistantResponse / DeleteThreadResponse / DeleteMessageResponse."""
    return {"id": object_id, "object": f"{kind}.deleted", "deleted": True}
