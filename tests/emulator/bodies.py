"""Request bodies of the API paths: JSON parsing, schema check and metadata limits (both API families)."""

import json

from .errors import bad_request

BAD_JSON = "We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON."
METADATA_LIMITS = (16, 64, 512)


def check_metadata(body):
    """400 if ``body["metadata"]`` has more than 16 pairs, a key over 64 or a value over 512 characters."""
    metadata = body.get("metadata") or {}
    max_pairs, max_key, max_value = METADATA_LIMITS
    if len(metadata) > max_pairs:
        raise bad_request(f"Invalid 'metadata': too many properties. Expected at most {max_pairs} properties, but got {len(metadata)} instead.",
                          "metadata", "object_above_max_properties")
    for key, value in metadata.items():
        if len(key) > max_key:
            raise bad_request(f"Invalid 'metadata': key '{key}' is longer than {max_key} characters.", "metadata", "invalid_value")
        if len(value) > max_value:
            raise bad_request(f"Invalid 'metadata.{key}': string too long. Expected at most {max_value} characters.",
                              f"metadata.{key}", "string_above_max_length")


async def read_body(request, check):
    """The JSON body (``{}`` when empty), after ``check(body)`` and the metadata limits (400 on any problem)."""
    raw = await request.body()
    body = {}
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError:
            raise bad_request(BAD_JSON) from None
    check(body)
    check_metadata(body)
    return body
