"""The control surface at ``/_emulator/...`` (no auth, not logged, never faulted)."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(prefix="/_emulator")


def _state(request):
    return request.app.state.emulator


def _invalid(message):
    return JSONResponse({"error": message}, status_code=400)


async def _json(request):
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


@router.get("/requests")
async def get_requests(request: Request):
    """Every API request since the last clear/reset, in arrival order."""
    return {"requests": _state(request).requests.as_list()}


@router.delete("/requests")
async def clear_requests(request: Request):
    """Forget the logged requests."""
    _state(request).requests.clear()
    return {"requests": []}


@router.get("/runs")
async def get_runs(request: Request):
    """Every run with its status history and exact completion time."""
    return {"runs": [run.control_view() for run in _state(request).store.all_runs()]}


@router.get("/config")
async def get_config(request: Request):
    """The current settings."""
    return _state(request).config.as_dict()


@router.patch("/config")
async def patch_config(request: Request):
    """Change some settings; answers with all of them."""
    state = _state(request)
    try:
        state.update_config(await _json(request))
    except ValueError as exc:
        return _invalid(str(exc))
    return state.config.as_dict()


@router.post("/faults")
async def add_faults(request: Request):
    """Add one rule, or ``{"faults": [...]}``; answers with the added rules."""
    try:
        spec = await _json(request)
        specs = spec["faults"] if isinstance(spec, dict) and "faults" in spec else [spec]
        if not isinstance(specs, list):
            raise ValueError("faults must be a list")
        added = _state(request).faults.add(specs)
    except ValueError as exc:
        return _invalid(str(exc))
    return {"faults": added}


@router.get("/faults")
async def get_faults(request: Request):
    """The rules, with how often each was applied and how many applications remain."""
    return {"faults": _state(request).faults.as_list()}


@router.delete("/faults")
async def clear_faults(request: Request):
    """Remove every rule."""
    _state(request).faults.clear()
    return {"faults": []}


@router.post("/reset")
async def reset(request: Request):
    """Forget all objects, requests and faults; settings back to the startup values."""
    _state(request).reset()
    return {"reset": True}


@router.get("/stats")
async def stats(request: Request):
    """TCP connections: open now (not counting the one asking) and made in total."""
    connections = _state(request).connections
    return {"open_connections": connections.count_open(excluding=request.scope["client"]), "total_connections": connections.total}
