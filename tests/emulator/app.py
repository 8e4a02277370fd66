"""The FastAPI application: the 13 Assistants v2 paths under ``/v1``, and its assembly."""

import copy

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from . import schemas
from .bodies import read_body
from .control import router as control_router
from .errors import ApiError, bad_request, error_body
from .families import FamilyFilter
from .middleware import EmulatorMiddleware
from .pagination import parse_list_params
from .quirks import QuirkRequests, QuirkResponses
from .responses_app import control_router as responses_control_router, router as responses_router
from .streaming import event_stream

api = APIRouter(prefix="/v1")


def _state(request):
    return request.app.state.emulator


async def _body(request, schema):
    """The JSON body, checked against request schema ``schema`` (400 on any problem)."""
    return await read_body(request, lambda body: schemas.check_request(schema, body))


def _check_stream(state, body):
    if body.get("stream") and not state.config.stream_supported:
        raise bad_request("Streaming is not supported by this server.", "stream", "unsupported_parameter")


def _run_response(state, run, body, first_event=0, prefix=()):
    if body.get("stream"):
        return event_stream(run, first_event, state.config, prefix)
    return run.snapshot()


# Assistants.

@api.get("/assistants")
async def list_assistants(request: Request):
    """ListAssistantsResponse."""
    return _state(request).store.list_assistants(parse_list_params(request.query_params))


@api.post("/assistants")
async def create_assistant(request: Request):
    """CreateAssistantRequest -> AssistantObject."""
    return _state(request).store.create_assistant(await _body(request, "CreateAssistantRequest"))


@api.get("/assistants/{assistant_id}")
async def get_assistant(assistant_id: str, request: Request):
    """AssistantObject."""
    return copy.deepcopy(_state(request).store.assistant(assistant_id))


@api.post("/assistants/{assistant_id}")
async def modify_assistant(assistant_id: str, request: Request):
    """ModifyAssistantRequest -> AssistantObject."""
    return _state(request).store.modify_assistant(assistant_id, await _body(request, "ModifyAssistantRequest"))


@api.delete("/assistants/{assistant_id}")
async def delete_assistant(assistant_id: str, request: Request):
    """DeleteAssistantResponse."""
    return _state(request).store.delete_assistant(assistant_id)


# Threads.

@api.post("/threads")
async def create_thread(request: Request):
    """CreateThreadRequest -> ThreadObject."""
    thread = _state(request).store.create_thread(await _body(request, "CreateThreadRequest"))
    return copy.deepcopy(thread.data)


@api.post("/threads/runs")
async def create_thread_and_run(request: Request):
    """CreateThreadAndRunRequest -> RunObject, or its event stream starting with thread.created."""
    state = _state(request)
    body = await _body(request, "CreateThreadAndRunRequest")
    _check_stream(state, body)
    state.store.assistant(body["assistant_id"])
    thread = state.store.create_thread(body.get("thread") or {})
    run = state.store.create_run(thread.data["id"], body, state.config.run_duration)
    return _run_response(state, run, body, prefix=[("thread.created", copy.deepcopy(thread.data))])


@api.get("/threads/{thread_id}")
async def get_thread(thread_id: str, request: Request):
    """ThreadObject."""
    return copy.deepcopy(_state(request).store.thread(thread_id).data)


@api.post("/threads/{thread_id}")
async def modify_thread(thread_id: str, request: Request):
    """ModifyThreadRequest -> ThreadObject."""
    return _state(request).store.modify_thread(thread_id, await _body(request, "ModifyThreadRequest"))


@api.delete("/threads/{thread_id}")
async def delete_thread(thread_id: str, request: Request):
    """DeleteThreadResponse."""
    return _state(request).store.delete_thread(thread_id)


# Messages.

@api.get("/threads/{thread_id}/messages")
async def list_messages(thread_id: str, request: Request):
    """ListMessagesResponse (``run_id`` filters to the messages of one run)."""
    params = parse_list_params(request.query_params)
    return _state(request).store.list_messages(thread_id, params, request.query_params.get("run_id"))


@api.post("/threads/{thread_id}/messages")
async def create_message(thread_id: str, request: Request):
    """CreateMessageRequest -> MessageObject."""
    return _state(request).store.create_message(thread_id, await _body(request, "CreateMessageRequest"))


@api.get("/threads/{thread_id}/messages/{message_id}")
async def get_message(thread_id: str, message_id: str, request: Request):
    """MessageObject."""
    return copy.deepcopy(_state(request).store.message(thread_id, message_id))


@api.post("/threads/{thread_id}/messages/{message_id}")
async def modify_message(thread_id: str, message_id: str, request: Request):
    """ModifyMessageRequest -> MessageObject."""
    return _state(request).store.modify_message(thread_id, message_id, await _body(request, "ModifyMessageRequest"))


@api.delete("/threads/{thread_id}/messages/{message_id}")
async def delete_message(thread_id: str, message_id: str, request: Request):
    """DeleteMessageResponse."""
    return _state(request).store.delete_message(thread_id, message_id)


# Runs.

@api.get("/threads/{thread_id}/runs")
async def list_runs(thread_id: str, request: Request):
    """ListRunsResponse, newest first by default."""
    return _state(request).store.list_runs(thread_id, parse_list_params(request.query_params))


@api.post("/threads/{thread_id}/runs")
async def create_run(thread_id: str, request: Request):
    """CreateRunRequest -> RunObject, or its event stream (``include[]`` is accepted and ignored)."""
    state = _state(request)
    body = await _body(request, "CreateRunRequest")
    _check_stream(state, body)
    run = state.store.create_run(thread_id, body, state.config.run_duration)
    return _run_response(state, run, body)


@api.get("/threads/{thread_id}/runs/{run_id}")
async def get_run(thread_id: str, run_id: str, request: Request):
    """RunObject, with ``openai-poll-after-ms`` when configured."""
    state = _state(request)
    run = state.store.run(thread_id, run_id)
    poll_after = state.config.poll_after_ms
    return JSONResponse(run.snapshot(), headers={"openai-poll-after-ms": str(poll_after)} if poll_after else None)


@api.post("/threads/{thread_id}/runs/{run_id}")
async def modify_run(thread_id: str, run_id: str, request: Request):
    """ModifyRunRequest -> RunObject."""
    state = _state(request)
    body = await _body(request, "ModifyRunRequest")
    run = state.store.run(thread_id, run_id)
    if "metadata" in body:
        run.data["metadata"] = body["metadata"] or {}
    return run.snapshot()


@api.post("/threads/{thread_id}/runs/{run_id}/cancel")
async def cancel_run(thread_id: str, run_id: str, request: Request):
    """RunObject in status cancelling."""
    state = _state(request)
    run = state.store.run(thread_id, run_id)
    run.cancel(state.config.cancel_duration)
    return run.snapshot()


@api.post("/threads/{thread_id}/runs/{run_id}/submit_tool_outputs")
async def submit_tool_outputs(thread_id: str, run_id: str, request: Request):
    """SubmitToolOutputsRunRequest -> RunObject, or the event stream from this moment on."""
    state = _state(request)
    body = await _body(request, "SubmitToolOutputsRunRequest")
    _check_stream(state, body)
    run = state.store.run(thread_id, run_id)
    first_event = len(run.events)
    run.submit_tool_outputs(body["tool_outputs"])
    return _run_response(state, run, body, first_event=first_event)


# Run steps.

@api.get("/threads/{thread_id}/runs/{run_id}/steps")
async def list_run_steps(thread_id: str, run_id: str, request: Request):
    """ListRunStepsResponse (``include[]`` is accepted and ignored)."""
    return _state(request).store.list_steps(thread_id, run_id, parse_list_params(request.query_params))


@api.get("/threads/{thread_id}/runs/{run_id}/steps/{step_id}")
async def get_run_step(thread_id: str, run_id: str, step_id: str, request: Request):
    """RunStepObject."""
    return copy.deepcopy(_state(request).store.step(thread_id, run_id, step_id))


# Assembly.

async def _api_error(_request, exc):
    return JSONResponse(exc.body(), status_code=exc.status)


async def _http_error(request, exc):
    """Unknown paths and methods, answered with an ErrorResponse like the API's."""
    what = "URL" if exc.status_code == 404 else "method for URL"
    return JSONResponse(error_body(f"Invalid {what} ({request.method} {request.url.path})"), status_code=exc.status_code)


def create_app(state):
    """The ASGI application serving ``state`` (an EmulatorState)."""
    app = FastAPI(title="aiops-emulator", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.emulator = state
    app.include_router(api)
    app.include_router(responses_router)
    app.include_router(control_router)
    app.include_router(responses_control_router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_middleware(FamilyFilter, state=state)  # innermost: a family switched off answers 404 like an unknown path
    app.add_middleware(QuirkRequests, state=state)  # inside the log, auth and faults: what the API sees
    app.add_middleware(EmulatorMiddleware, state=state)
    app.add_middleware(QuirkResponses, state=state)  # outside them: what the client gets
    return app
