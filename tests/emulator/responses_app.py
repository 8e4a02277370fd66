"""The Responses and Conversations paths under ``/v1``, and ``GET /_emulator/responses``."""

import copy

from fastapi import APIRouter, Request

from . import responses_schemas
from .bodies import read_body
from .errors import bad_request
from .pagination import parse_list_params
from .responses import STREAM_END_EVENTS
from .streaming import follow, sse_response

router = APIRouter(prefix="/v1")
control_router = APIRouter(prefix="/_emulator")


def _state(request):
    return request.app.state.emulator


def _store(request):
    return request.app.state.emulator.store.responses


async def _body(request, schema):
    return await read_body(request, lambda body: responses_schemas.check_request(schema, body))


def _list_params(request):
    """``limit``, ``order``, ``after`` (``include`` is accepted and ignored)."""
    return parse_list_params(request.query_params)


def _event_stream(response, after, config):
    """The response's events with ``sequence_number`` > ``after``, as they happen.

    Ends after ``response.completed``/``.failed``/``.incomplete``, or once the response can
    send nothing more (cancelled, deleted, emulator reset).
    """
    return sse_response(follow(response, after + 1, config, STREAM_END_EVENTS))


# Conversations.

@router.post("/conversations")
async def create_conversation(request: Request):
    """CreateConversationBody -> ConversationResource."""
    return _store(request).create_conversation(await _body(request, "CreateConversationBody"))


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, request: Request):
    """ConversationResource."""
    return copy.deepcopy(_store(request).conversation(conversation_id).data)


@router.post("/conversations/{conversation_id}")
async def update_conversation(conversation_id: str, request: Request):
    """UpdateConversationBody -> ConversationResource."""
    return _store(request).update_conversation(conversation_id, await _body(request, "UpdateConversationBody"))


@router.delete("/conversations/{conversation_id}")
async def delete_conversation(conversation_id: str, request: Request):
    """DeletedConversationResource."""
    return _store(request).delete_conversation(conversation_id)


@router.get("/conversations/{conversation_id}/items")
async def list_items(conversation_id: str, request: Request):
    """ConversationItemList, newest first by default."""
    return _store(request).list_items(conversation_id, _list_params(request))


@router.post("/conversations/{conversation_id}/items")
async def create_items(conversation_id: str, request: Request):
    """Up to 20 input items -> ConversationItemList of the added items."""
    return _store(request).create_items(conversation_id, await _body(request, responses_schemas.ITEMS_BODY))


@router.get("/conversations/{conversation_id}/items/{item_id}")
async def get_item(conversation_id: str, item_id: str, request: Request):
    """ConversationItem."""
    return copy.deepcopy(_store(request).item(conversation_id, item_id))


@router.delete("/conversations/{conversation_id}/items/{item_id}")
async def delete_item(conversation_id: str, item_id: str, request: Request):
    """ConversationResource of the conversation the item was removed from."""
    return _store(request).delete_item(conversation_id, item_id)


# Responses.

@router.post("/responses")
async def create_response(request: Request):
    """CreateResponse -> Response when done (background: at once), or its event stream."""
    state = _state(request)
    body = await _body(request, "CreateResponse")
    if body.get("stream") and not state.config.stream_supported:
        raise bad_request("Streaming is not supported by this server.", "stream", "unsupported_parameter")
    response = state.store.responses.create_response(body, state.config.run_duration)
    if body.get("stream"):
        return _event_stream(response, -1, state.config)
    if not response.background:
        await response.settled()
    return response.snapshot()


def _starting_after(request):
    raw = request.query_params.get("starting_after", "-1")
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"Invalid 'starting_after': expected an integer, but got '{raw}' instead.", "starting_after", "invalid_type") from None


@router.get("/responses/{response_id}")
async def get_response(response_id: str, request: Request):
    """Response; with ``stream=true``, its events after ``starting_after`` (default: all of them)."""
    state = _state(request)
    response = state.store.responses.response(response_id)
    if request.query_params.get("stream", "false").lower() == "true":
        if not state.config.stream_supported:
            raise bad_request("Streaming is not supported by this server.", "stream", "unsupported_parameter")
        return _event_stream(response, _starting_after(request), state.config)
    return response.snapshot()


@router.delete("/responses/{response_id}")
async def delete_response(response_id: str, request: Request):
    """``{"id", "object": "response", "deleted": true}``."""
    return _store(request).delete_response(response_id)


@router.post("/responses/{response_id}/cancel")
async def cancel_response(response_id: str, request: Request):
    """Response in status cancelled (background responses only)."""
    response = _store(request).response(response_id)
    response.cancel()
    return response.snapshot()


@router.get("/responses/{response_id}/input_items")
async def list_input_items(response_id: str, request: Request):
    """ResponseItemList of the response's input items, newest first by default."""
    return _store(request).input_items(response_id, _list_params(request))


# Control.

@control_router.get("/responses")
async def control_responses(request: Request):
    """Every response with its status history and exact completion time."""
    return {"responses": [response.control_view() for response in _store(request).all_responses()]}
