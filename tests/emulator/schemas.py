"""The Assistants v2 schemas from the copied OpenAPI document, as JSON Schema validators.

The document is OpenAPI 3.1 but still marks some fields with the OpenAPI 3.0 keyword
``nullable: true`` (for example ``RunObject.expires_at`` or the ``allOf: [{$ref}, {nullable:
true}]`` of ``truncation_strategy``). A plain JSON Schema validator ignores that keyword and
would reject the ``null`` the API documents, so the document is translated once: a nullable
schema also accepts ``null``. Nothing else is changed.
"""

import functools
import json
import os

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import bad_request

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi", "assistants-v2.json")
SPEC_URI = "urn:aiops-emulator:assistants-v2"
_NULLABLE_MARKER = {"nullable": True}


def _accept_null(node):
    """Translate OpenAPI 3.0 ``nullable`` in one schema node (and below) to JSON Schema."""
    if isinstance(node, list):
        return [_accept_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    nullable = node.pop("nullable", False) is True
    parts = node.get("allOf")
    if isinstance(parts, list) and _NULLABLE_MARKER in parts:
        node["allOf"] = [part for part in parts if part != _NULLABLE_MARKER]
        nullable = True
    node = {key: _accept_null(value) for key, value in node.items()}
    if not nullable:
        return node
    if isinstance(node.get("type"), str) and "$ref" not in node:
        node["type"] = [node["type"], "null"]
        if "enum" in node:
            node["enum"] = node["enum"] + [None]
        return node
    return {"anyOf": [node, {"type": "null"}]}


class Document:
    """A copied OpenAPI document, read once through ``translate`` (a function of the parsed JSON), and validators of its schemas."""

    def __init__(self, path, uri, translate):
        self.path = path
        self.uri = uri
        self.translate = translate
        self._validators = {}

    @functools.cached_property
    def spec(self):
        """The translated document."""
        with open(self.path, encoding="utf-8") as handle:
            return self.translate(json.load(handle))

    @functools.cached_property
    def _registry(self):
        return Registry().with_resource(self.uri, Resource.from_contents(self.spec, default_specification=DRAFT202012))

    def validator(self, name):
        """A validator for ``components.schemas.<name>`` (``$ref``s resolve within the document)."""
        if name not in self._validators:
            if name not in self.spec["components"]["schemas"]:
                raise KeyError(f"no schema named {name!r}")
            self._validators[name] = Draft202012Validator({"$ref": f"{self.uri}#/components/schemas/{name}"}, registry=self._registry)
        return self._validators[name]


ASSISTANTS = Document(SPEC_PATH, SPEC_URI, _accept_null)


def spec():
    """The Assistants document with ``nullable`` translated (loaded once)."""
    return ASSISTANTS.spec


def validator(name):
    """A validator for ``components.schemas.<name>`` of the Assistants document."""
    return ASSISTANTS.validator(name)


def _param(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


def _json_type(value):
    if value is None:
        return "null"
    for python_type, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object")):
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def check_request(name, body):
    """Raise a 400 ApiError (with ``param``) if ``body`` does not match request schema ``name``."""
    raise_first_error(validator(name), body)


def raise_first_error(schema_validator, body):
    """Raise the 400 ApiError (with ``param``) for the most relevant error ``schema_validator`` finds in ``body``."""
    error = best_match(schema_validator.iter_errors(body))
    if error is None:
        return
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = next(key for key in error.validator_value if key not in error.instance)
        param = _param(path + [missing])
        raise bad_request(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        unknown = sorted(key for key in error.instance if key not in known)[0]
        param = _param(path + [unknown])
        raise bad_request(f"Unknown parameter: '{param}'.", param, "unknown_parameter")
    param = _param(path)
    where = f"'{param}'" if param else "the request body"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        raise bad_request(f"Invalid type for {where}: expected {expected}, but got {_json_type(error.instance)} instead.", param, "invalid_type")
    raise bad_request(f"Invalid value for {where}: {error.message}", param, "invalid_value")
