"""Which API families the emulator serves (setting ``apis``): the other family's paths answer 404.

With ``apis: ["responses"]`` the emulator looks like a server that only has the Responses API:
``GET /v1/assistants`` answers 404 ``Invalid URL (GET /v1/assistants)``, as api.openai.com has
answered since the Assistants API was shut down (2026-08-26). With ``apis: ["assistants"]`` it
looks like a server from before the Responses API.
"""

import json

from .errors import error_body

FAMILIES = {
    "assistants": ("/v1/assistants", "/v1/threads"),
    "responses": ("/v1/responses", "/v1/conversations"),
}


def family(path):
    """The family a request path belongs to, or None."""
    for name, prefixes in FAMILIES.items():
        if any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes):
            return name
    return None


def parse_apis(value, key="apis"):
    """A list of family names from a list or a comma-separated string (ValueError if empty or unknown)."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{key} must be a list of API families or a comma-separated string")
    names = [name.strip() for name in names if name.strip()]
    unknown = sorted(set(names) - set(FAMILIES))
    if unknown or not names:
        raise ValueError(f"{key} must name one or more of {', '.join(FAMILIES)}" + (f", not {', '.join(unknown)}" if unknown else ""))
    return [name for name in FAMILIES if name in names]


class FamilyFilter:
    """ASGI middleware: 404 for the paths of a family the ``apis`` setting leaves out."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            name = family(scope["path"])
            if name is not None and name not in self.state.config.apis:
                body = json.dumps(error_body(f"Invalid URL ({scope['method']} {scope['path']})")).encode("utf-8")
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii"))]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
