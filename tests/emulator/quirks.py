"""Switchable quirks: answer as real Assistants-compatible servers do where they bend the spec.

Each quirk is independent and several can be on at once (setting ``quirks``, ``--quirk NAME``).
They act at the edges only, on the Assistants paths (``/v1/assistants...``, ``/v1/threads...``):

- ``QuirkRequests`` sits inside the request log, auth and fault rules (so the log shows what the
  client sent and the status it got). It rewrites what the run engine sees (query of list
  calls, ``stream`` and run ``metadata`` in request bodies) and answers for endpoints the
  quirky server lacks.
- ``QuirkResponses`` sits outside them and reshapes what the client gets: JSON bodies (also
  errors from auth and injected faults) and event streams, event by event.

The run engine, the store and the control surface never see a quirk.
"""

import json
import re
from urllib.parse import parse_qsl, urlencode

from .errors import error_body
from .pagination import MAX_LIMIT

QUIRKS = {
    "ms_timestamps": "every integer *_at field in milliseconds instead of seconds",
    "text_list": 'a text content part is {"type": "text", "text": [{"value": ...}]}',
    "text_string": 'a text content part is {"type": "text", "text": "..."}',
    "null_fields": "empty metadata and object, model, usage, has_more, first_id, last_id, assistant_id, run_id are null",
    "omit_fields": "empty metadata, null required_action, and object, model, usage, has_more, first_id, last_id, "
                   "assistant_id, run_id are left out",
    "error_detail": 'errors are {"detail": "<message>"} (FastAPI default)',
    "error_text": "errors are the message as a text/plain body",
    "no_stream": "stream: true is ignored; the plain object is returned",
    "stream_unnamed": "event streams have only data: lines (no event: names)",
    "stream_renamed": "event streams use other event names (thread.run.created -> run.created, done -> end)",
    "stream_query": "streaming only with ?stream=true; the body's stream is ignored",
    "list_whole": "lists ignore limit, order, after and before: always the whole list, oldest first",
    "list_has_more": "lists ignore after and before (always the first page) and always say has_more: true",
    "steps_404": "the run steps endpoints answer 404",
    "steps_empty": "the run steps list is always empty",
    "tool_outputs_404": "submit_tool_outputs answers 404",
    "tool_outputs_405": "submit_tool_outputs answers 405",
    "drop_run_metadata": "a run's metadata is not kept (create and modify run): runs show metadata {}",
}

NULLABLE_FIELDS = ("object", "model", "usage", "has_more", "first_id", "last_id", "assistant_id", "run_id")
_ASSISTANTS_PATH = re.compile(r"^/v1/(assistants|threads)(/|$)")
_LIST_PATH = re.compile(r"^/v1/(assistants|threads/[^/]+/(messages|runs|runs/[^/]+/steps))$")
_STEPS_LIST_PATH = re.compile(r"^/v1/threads/[^/]+/runs/[^/]+/steps$")
_STEPS_PATH = re.compile(r"^/v1/threads/[^/]+/runs/[^/]+/steps(/[^/]+)?$")
_TOOL_OUTPUTS_PATH = re.compile(r"^/v1/threads/[^/]+/runs/[^/]+/submit_tool_outputs$")
_STREAM_PATH = re.compile(r"^/v1/threads/(runs|[^/]+/runs|[^/]+/runs/[^/]+/submit_tool_outputs)$")
_RUN_WRITE_PATH = re.compile(r"^/v1/threads/(runs|[^/]+/runs|[^/]+/runs/[^/]+)$")
_LIST_PARAMS = ("limit", "order", "after", "before")


def check_quirks(value, key):
    """The quirk names as a tuple (duplicates removed); ValueError for anything else."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise ValueError(f"{key} must be a list of quirk names")
    unknown = [name for name in value if name not in QUIRKS]
    if unknown:
        raise ValueError(f"unknown quirk(s): {', '.join(unknown)} (known: {', '.join(QUIRKS)})")
    return tuple(dict.fromkeys(value))


def _active(state, scope):
    if scope["type"] != "http" or not _ASSISTANTS_PATH.match(scope["path"]):
        return frozenset()
    return frozenset(state.config.quirks)


def _json_bytes(value):
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _with_body_headers(headers, length, content_type=None):
    drop = {b"content-length"} | ({b"content-type"} if content_type else set())
    headers = [(name, value) for name, value in headers if name.lower() not in drop]
    headers.append((b"content-length", str(length).encode("ascii")))
    if content_type:
        headers.append((b"content-type", content_type))
    return headers


# Requests.

def _missing_endpoint(quirks, path):
    """(status, message) when the quirky server has no such endpoint, else None."""
    if "steps_404" in quirks and _STEPS_PATH.match(path):
        return 404, "Invalid URL ({method} {path})"
    if _TOOL_OUTPUTS_PATH.match(path):
        if "tool_outputs_404" in quirks:
            return 404, "Invalid URL ({method} {path})"
        if "tool_outputs_405" in quirks:
            return 405, "Invalid method for URL ({method} {path})"
    return None


def _list_query(quirks, raw):
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if "list_whole" in quirks:
        pairs = [(name, value) for name, value in pairs if name not in _LIST_PARAMS] + [("order", "asc"), ("limit", str(MAX_LIMIT))]
    if "list_has_more" in quirks:
        pairs = [(name, value) for name, value in pairs if name not in ("after", "before")]
    return urlencode(pairs).encode("latin-1")


def _body_rewrite(quirks, path, query):
    """A function changing the request body (a dict) as the quirky server reads it, or None."""
    changes = []
    if _STREAM_PATH.match(path) and ("no_stream" in quirks or "stream_query" in quirks):
        wanted = "no_stream" not in quirks and any(name == "stream" and value.lower() == "true" for name, value in parse_qsl(query))
        changes.append(lambda body: body.update(stream=True) if wanted else body.pop("stream", None))
    if "drop_run_metadata" in quirks and _RUN_WRITE_PATH.match(path):
        changes.append(lambda body: body.pop("metadata", None))
    if not changes:
        return None

    def rewrite(body):
        for change in changes:
            change(body)
    return rewrite


async def _read_request(receive):
    """The whole request body, or None (and the message) if the client went away first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, message
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks), message


def _replaying(first, receive):
    pending = [first]

    async def replay():
        return pending.pop() if pending else await receive()
    return replay


class QuirkRequests:
    """ASGI middleware: the request side of the quirks (inside the log, auth and faults)."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        quirks = _active(self.state, scope)
        if not quirks:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        missing = _missing_endpoint(quirks, path)
        if missing is not None:
            status, message = missing
            body = _json_bytes(error_body(message.format(method=method, path=path)))
            await send({"type": "http.response.start", "status": status, "headers": _with_body_headers([(b"content-type", b"application/json")], len(body))})
            await send({"type": "http.response.body", "body": body})
            return
        if method == "GET" and _LIST_PATH.match(path):
            scope = dict(scope, query_string=_list_query(quirks, scope["query_string"]))
        rewrite = _body_rewrite(quirks, path, scope["query_string"].decode("latin-1")) if method == "POST" else None
        if rewrite is not None:
            scope, receive = await self._rewritten(scope, receive, rewrite)
        await self.app(scope, receive, send)

    @staticmethod
    async def _rewritten(scope, receive, rewrite):
        raw, message = await _read_request(receive)
        if raw is None:
            return scope, _replaying(message, receive)
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = None
        if isinstance(body, dict):
            rewrite(body)
            raw = _json_bytes(body)
            scope = dict(scope, headers=_with_body_headers(scope["headers"], len(raw)))
        return scope, _replaying({"type": "http.request", "body": raw, "more_body": False}, receive)


# Responses.

def _text_part(quirks, part):
    if not (isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), dict) and "value" in part["text"]):
        return part
    value = part["text"]["value"]
    return dict(part, text=value if "text_string" in quirks else [{"value": value}])


def shape_object(quirks, obj):
    """An API object (a list's items too) as the quirky server sends it; changes ``obj`` in place."""
    if not isinstance(obj, dict):
        return obj
    if isinstance(obj.get("data"), list):
        obj["data"] = [shape_object(quirks, item) for item in obj["data"]]
    if "ms_timestamps" in quirks:
        for key, value in obj.items():
            if key.endswith("_at") and isinstance(value, int) and not isinstance(value, bool):
                obj[key] = value * 1000
    if "text_list" in quirks or "text_string" in quirks:
        for holder in (obj, obj.get("delta")):
            if isinstance(holder, dict) and isinstance(holder.get("content"), list):
                holder["content"] = [_text_part(quirks, part) for part in holder["content"]]
    if "omit_fields" in quirks:
        for key in NULLABLE_FIELDS:
            obj.pop(key, None)
        for key, empty in (("metadata", {}), ("required_action", None)):
            if key in obj and obj[key] == empty:
                del obj[key]
    elif "null_fields" in quirks:
        for key in NULLABLE_FIELDS:
            if key in obj:
                obj[key] = None
        if obj.get("metadata") == {}:
            obj["metadata"] = None
    return obj


def _error_message(body):
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else None


def shape_json(quirks, method, path, status, raw):
    """``(content_type or None, body)`` for a JSON response, or None to send it unchanged."""
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if status >= 400:
        message = _error_message(body)
        if message is None:
            return None
        if "error_text" in quirks:
            return b"text/plain; charset=utf-8", message.encode("utf-8")
        if "error_detail" in quirks:
            return None, _json_bytes({"detail": message})
        return None
    if method == "GET" and isinstance(body, dict) and _LIST_PATH.match(path):
        if "steps_empty" in quirks and _STEPS_LIST_PATH.match(path):
            body.update(data=[], first_id=None, last_id=None, has_more=False)
        if "list_has_more" in quirks:
            body["has_more"] = True
    return None, _json_bytes(shape_object(quirks, body))


def _event_name(quirks, name):
    if name is None or "stream_unnamed" in quirks:
        return None
    if "stream_renamed" in quirks:
        return "end" if name == "done" else name.removeprefix("thread.")
    return name


def shape_event(quirks, raw):
    """One server-sent event (without its blank line) as the quirky server sends it, blank line included."""
    name = data = None
    for line in raw.decode("utf-8").split("\n"):
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            data = line[len("data: "):]
    if data is None:
        return raw + b"\n\n"
    if data != "[DONE]":
        try:
            data = _json_bytes(shape_object(quirks, json.loads(data))).decode("utf-8")
        except ValueError:
            pass
    name = _event_name(quirks, name)
    return ((f"event: {name}\n" if name else "") + f"data: {data}\n\n").encode("utf-8")


class _ShapingSend:
    """The ``send`` of one response, reshaping its body."""

    def __init__(self, quirks, scope, send):
        self.quirks = quirks
        self.method = scope["method"]
        self.path = scope["path"]
        self.send = send
        self.mode = None
        self.start = None
        self.chunks = []

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                self.mode, self.start = "json", message
                return
            self.mode = "stream" if content_type.startswith(b"text/event-stream") else None
        elif message["type"] == "http.response.body" and self.mode == "json":
            await self._json(message)
            return
        elif message["type"] == "http.response.body" and self.mode == "stream":
            message = dict(message, body=self._events(message.get("body", b""), message.get("more_body", False)))
        await self.send(message)

    async def _json(self, message):
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        raw = b"".join(self.chunks)
        shaped = shape_json(self.quirks, self.method, self.path, self.start["status"], raw)
        start = self.start
        if shaped is not None:
            content_type, raw = shaped
            start = dict(start, headers=_with_body_headers(start.get("headers", []), len(raw), content_type))
        await self.send(start)
        await self.send({"type": "http.response.body", "body": raw})

    def _events(self, body, more):
        self.chunks.append(body)
        *complete, rest = b"".join(self.chunks).split(b"\n\n")
        self.chunks = [rest]
        shaped = b"".join(shape_event(self.quirks, event) for event in complete)
        if not more:
            shaped, self.chunks = shaped + rest, []
        return shaped


class QuirkResponses:
    """ASGI middleware: the response side of the quirks (outside the log, auth and faults)."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        quirks = _active(self.state, scope)
        if quirks:
            send = _ShapingSend(quirks, scope, send)
        await self.app(scope, receive, send)
