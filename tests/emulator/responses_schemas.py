"""The Responses and Conversations schemas from ``openapi/responses-conversations.json``, as validators.

Two translations make the document usable by a plain JSON Schema validator; nothing else changes:

- A ``oneOf`` with an OpenAPI ``discriminator`` becomes ``anyOf``. The discriminator picks one
  alternative by the object's ``type``; JSON Schema's ``oneOf`` instead refuses an object that
  several alternatives describe, and the document has such overlaps (an input message
  ``{"type": "message", "role": "user", "content": [...]}`` is both an ``EasyInputMessage`` and an
  ``InputMessage``), so it would refuse what the API accepts.
- The body of ``POST /conversations/{conversation_id}/items``, written inline in the document, is
  added under ``components.schemas.CreateConversationItemsBody`` so it can be named like the others.

The document's request schemas do not say ``additionalProperties: false`` (they are ``allOf``
compositions), so ``check_request`` also refuses a top-level field that no part of the schema
declares, as the API answers ``Unknown parameter``.
"""

import functools
import os

from .errors import bad_request
from .schemas import Document, raise_first_error

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi", "responses-conversations.json")
SPEC_URI = "urn:aiops-emulator:responses-conversations"
ITEMS_PATH = "/conversations/{conversation_id}/items"
ITEMS_BODY = "CreateConversationItemsBody"


def _translate(node):
    if isinstance(node, list):
        return [_translate(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _translate(value) for key, value in node.items()}
    if "discriminator" in node and "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    return node


def _translate_document(document):
    document = _translate(document)
    body = document["paths"][ITEMS_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    document["components"]["schemas"][ITEMS_BODY] = dict(body, type="object")
    return document


RESPONSES = Document(SPEC_PATH, SPEC_URI, _translate_document)


def spec():
    """The translated document (loaded once)."""
    return RESPONSES.spec


def validator(name):
    """A validator for ``components.schemas.<name>`` (``$ref``s resolve within the document)."""
    return RESPONSES.validator(name)


def _properties(schema):
    """The property names a schema declares at its top level, through ``$ref`` and ``allOf``."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = spec()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _properties(part)
    return names


@functools.lru_cache(maxsize=None)
def known_fields(name):
    """The top-level fields request schema ``name`` declares."""
    return frozenset(_properties(spec()["components"]["schemas"][name]))


def check_request(name, body):
    """Raise a 400 ApiError (with ``param``) if ``body`` does not match request schema ``name``."""
    if isinstance(body, dict):
        unknown = sorted(set(body) - known_fields(name))
        if unknown:
            raise bad_request(f"Unknown parameter: '{unknown[0]}'.", unknown[0], "unknown_parameter")
    raise_first_error(validator(name), body)
