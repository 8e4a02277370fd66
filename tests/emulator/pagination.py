"""Cursor pagination of list endpoints: ``limit``, ``order``, ``after``, ``before``."""

import copy
import dataclasses

from .errors import bad_request

MAX_LIMIT = 100


@dataclasses.dataclass(frozen=True)
class ListParams:
    """Validated list query parameters."""

    limit: int = 20
    order: str = "desc"
    after: str = None
    before: str = None


def parse_list_params(query):
    """ListParams from a query mapping; 400 with ``param`` for a bad value."""
    raw_limit = query.get("limit", "20")
    try:
        limit = int(raw_limit)
    except ValueError:
        raise bad_request(f"Invalid 'limit': expected an integer, but got '{raw_limit}' instead.", "limit", "invalid_type") from None
    if limit < 1:
        raise bad_request(f"Invalid 'limit': integer below minimum value. Expected a value >= 1, but got {limit} instead.", "limit", "integer_below_min_value")
    if limit > MAX_LIMIT:
        raise bad_request(
            f"Invalid 'limit': integer above maximum value. Expected a value <= {MAX_LIMIT}, but got {limit} instead.", "limit", "integer_above_max_value")
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise bad_request(f"Invalid value for 'order': expected one of 'asc' or 'desc', but got '{order}' instead.", "order", "invalid_value")
    return ListParams(limit=limit, order=order, after=query.get("after") or None, before=query.get("before") or None)


def _cursor_index(items, cursor, name):
    for index, item in enumerate(items):
        if item["id"] == cursor:
            return index
    raise bad_request(f"Invalid '{name}': no object with id '{cursor}' in this list.", name, "invalid_value")


def page(items, params):
    """The list response for ``items`` (oldest first) under ``params``.

    ``first_id``/``last_id`` are null for an empty page, as the API returns them.
    """
    ordered = list(items) if params.order == "asc" else list(reversed(items))
    start, stop = 0, len(ordered)
    if params.after:
        start = _cursor_index(ordered, params.after, "after") + 1
    if params.before:
        stop = _cursor_index(ordered, params.before, "before")
    window = ordered[start:stop]
    # With only ``before``, the page is the one just before the cursor.
    data = window[-params.limit:] if params.before and not params.after else window[:params.limit]
    has_more = len(window) > params.limit
    return {
        "object": "list",
        "data": copy.deepcopy(data),
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
