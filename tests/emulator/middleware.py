"""ASGI middleware in front of the API: request ids, the request log, faults and auth.

Control requests (``/_emulator/...``) only get an ``x-request-id``; they are not logged, not
authenticated and never faulted.
"""

import asyncio
import json
import secrets
import time

from .errors import error_body
from .faults import DEFAULT_MALFORMED_BODY

CONTROL_PREFIX = "/_emulator"
MISSING_KEY = ("You didn't provide an API key. You need to provide your API key in an Authorization header "
               "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
WRONG_KEY = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
_STATUS_ERRORS = {
    429: ("Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!", "server_error", None),
    502: ("Bad gateway.", "server_error", None),
    503: ("The server is overloaded or not ready yet.", "server_error", None),
}


def _headers(scope):
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def _seconds_header(value):
    return f"{value:g}".encode("latin-1")


def authenticate(headers, api_key):
    """None if the request carries an acceptable key, else the error message for the 401.

    ``Authorization: Bearer <key>`` or (Azure style) ``api-key: <key>``; any non-empty key is
    accepted unless ``api_key`` is configured. The message never contains the key.
    """
    keys = []
    scheme, _space, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        keys.append(token.strip())
    if headers.get("api-key", "").strip():
        keys.append(headers["api-key"].strip())
    if not keys:
        return MISSING_KEY
    if api_key is not None and api_key not in keys:
        return WRONG_KEY
    return None


def _with_request_id(send, request_id):
    async def send_with_id(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", [])) + [(b"x-request-id", request_id.encode("ascii"))]
            message = dict(message, headers=headers)
        await send(message)
    return send_with_id


class EmulatorMiddleware:
    """Wraps the FastAPI application; ``state`` is the EmulatorState."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(16)
        send = _with_request_id(send, request_id)
        if scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        await ApiRequest(self.app, self.state, scope, receive, send, request_id).handle()


class ApiRequest:
    """One API request on its way through the log, the fault rules and auth."""

    def __init__(self, app, state, scope, receive, send, request_id):
        self.app = app
        self.state = state
        self.scope = scope
        self.receive = receive
        self.downstream = send
        self.headers = _headers(scope)
        self.entry = state.requests.start(scope["method"], scope["path"], scope["query_string"].decode("latin-1"), request_id)
        self.rule = None
        self.dropped = False

    async def handle(self):
        """Serve the request, applying the first matching fault rule."""
        self.rule = self.state.faults.select(self.scope["method"], self.scope["path"])
        kind = self.rule.kind if self.rule is not None else None
        if kind != "stream_cut":
            self.entry["fault"] = kind
        try:
            if kind == "delay":
                await asyncio.sleep(self.rule.get("seconds"))
            if kind == "status":
                await self._respond_status()
            elif kind == "malformed":
                await self._respond(200, self.rule.get("body", DEFAULT_MALFORMED_BODY).encode("utf-8"))
            elif kind == "echo_key":
                await self._respond_echo_key()
            elif kind == "drop_after_commit":
                await self._serve(self._send_nothing)
            elif kind == "delay_after_commit":
                await self._serve(self._send_late)
            elif kind == "stream_cut":
                await self._serve(self._send_until_cut)
            else:
                await self._serve(self._send)
        finally:
            self.entry["finished"] = time.time()

    async def _serve(self, send):
        problem = authenticate(self.headers, self.state.config.api_key)
        if problem is not None:
            await self._respond(401, json.dumps(error_body(problem, code="invalid_api_key")).encode("utf-8"), send=send)
            return
        await self.app(self.scope, self.receive, send)

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.entry["status"] = message["status"]
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            self.entry["stream"] = content_type.startswith(b"text/event-stream")
        await self.downstream(message)

    async def _respond(self, status, body, extra_headers=(), send=None):
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii"))] + list(extra_headers)
        await (send or self._send)({"type": "http.response.start", "status": status, "headers": headers})
        await (send or self._send)({"type": "http.response.body", "body": body})

    async def _respond_status(self):
        status = self.rule.get("status", 500)
        fallback = ("The server returned an injected error.", "server_error" if status >= 500 else "invalid_request_error", None)
        message, error_type, code = _STATUS_ERRORS.get(status, fallback)
        body = error_body(self.rule.get("message", message), self.rule.get("type", error_type), None, self.rule.get("code", code))
        headers = []
        if self.rule.get("retry_after") is not None:
            headers.append((b"retry-after", _seconds_header(self.rule.get("retry_after"))))
        if self.rule.get("retry_after_ms") is not None:
            headers.append((b"retry-after-ms", _seconds_header(self.rule.get("retry_after_ms"))))
        await self._respond(status, json.dumps(body).encode("utf-8"), headers)

    async def _respond_echo_key(self):
        received = self.headers.get("authorization") or self.headers.get("api-key") or ""
        body = error_body(f"Incorrect API key provided: {received}.", code="invalid_api_key")
        await self._respond(401, json.dumps(body).encode("utf-8"), [(b"x-echo", received.encode("latin-1"))])

    async def _send_nothing(self, message):
        """drop_after_commit: the work is done once the response starts; drop the connection instead."""
        if message["type"] == "http.response.start" and not self.dropped:
            self.dropped = True
            await self.state.connections.abort(self.scope["client"])

    async def _send_late(self, message):
        """delay_after_commit: hold the response back after the work is done."""
        if message["type"] == "http.response.start":
            await asyncio.sleep(self.rule.get("seconds"))
        await self._send(message)

    async def _send_until_cut(self, message):
        """stream_cut: pass a stream through up to the named event, then drop the connection."""
        if self.dropped:
            return
        if message["type"] == "http.response.start":
            await self._send(message)
            if self.entry["stream"] and self.state.faults.confirm(self.rule):
                self.entry["fault"] = "stream_cut"
            return
        await self._send(message)
        default = "response.created" if self.scope["path"].startswith("/v1/responses") else "thread.run.created"
        marker = f"event: {self.rule.get('after_event', default)}\n".encode("utf-8")
        if self.entry["fault"] == "stream_cut" and message.get("body", b"").startswith(marker):
            self.dropped = True
            await self.state.connections.abort(self.scope["client"])
