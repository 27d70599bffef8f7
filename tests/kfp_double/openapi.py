"""The published KFP API (swagger 2.0, ../shared/kfp-api/) as JSON Schema.

Every request the double accepts and every response it sends is validated
against these definitions, so a shape that drifts from the published API
fails loudly in the double, not quietly in our client. The conversion is
strict where proto JSON is strict: an object with declared properties and
no `additionalProperties` is closed (grpc-gateway rejects unknown fields),
int64 fields are decimal strings, enums are their strings, `date-time`
values are checked by format.
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import jsonschema

SHARED = Path(os.environ.get("KFP_API_DIR", Path(__file__).resolve().parents[3] / "shared" / "kfp-api"))
SINGLE_FILE = "kfp_api_single_file.swagger.json"
UPLOAD_FILE = "pipeline.upload.swagger.json"
PREFIX = "/apis/v2beta1"


class SchemaViolation(AssertionError):
    """A request or a response that does not follow the published API."""


ANNOTATIONS = ("description", "title", "example")


def _convert(node):  # noqa: ANN001, ANN202
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "definitions"):
            out[key] = {name: _convert(sub) for name, sub in value.items()}  # names, not annotations
        elif key not in ANNOTATIONS:
            out[key] = _convert(value)
    if out.get("format") == "int64" and out.get("type") in ("string", "integer"):
        out = {"type": "string", "pattern": r"^-?[0-9]+$"}
    if "$ref" in out:
        return {"$ref": out["$ref"]}  # draft 4: siblings of $ref are ignored anyway
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("type") == "object" and out.get("properties") == {} and "additionalProperties" not in node:
        out["additionalProperties"] = False  # `{}` answers (terminate, retry, delete)
    return out


@lru_cache(maxsize=1)
def spec() -> dict:
    """Both swagger files, merged (the upload file only adds the multipart ops)."""
    main = json.loads((SHARED / SINGLE_FILE).read_text())
    upload = json.loads((SHARED / UPLOAD_FILE).read_text())
    merged = copy.deepcopy(main)
    for path, ops in upload["paths"].items():
        merged["paths"].setdefault(path, {}).update(ops)
    for name, definition in upload.get("definitions", {}).items():
        merged["definitions"].setdefault(name, definition)
    merged["definitions"] = _convert(merged["definitions"])
    return merged


# The multipart endpoints answer errors as KFP's upload server writes them.
UPLOAD_ERROR = {
    "type": "object",
    "properties": {"error_message": {"type": "string"}, "error_details": {"type": "string"}},
    "required": ["error_message", "error_details"],
    "additionalProperties": False,
}


def _validator(schema: dict) -> jsonschema.Draft4Validator:
    full = {**schema, "definitions": spec()["definitions"]}
    return jsonschema.Draft4Validator(full, format_checker=jsonschema.FormatChecker())


def _check(schema: dict, value: object, what: str) -> None:
    errors = sorted(_validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        at = "/".join(str(p) for p in first.path) or "(top)"
        raise SchemaViolation(f"{what}: {at}: {first.message}")


def operation(method: str, template: str) -> dict:
    op = spec()["paths"].get(PREFIX + template, {}).get(method.lower())
    if op is None:
        raise SchemaViolation(f"{method} {PREFIX}{template} is not in the published API")
    return op


def check_query(method: str, template: str, query: dict[str, str]) -> None:
    """Only parameters the operation declares, with their declared types."""
    params = {p["name"]: p for p in operation(method, template).get("parameters", []) if p["in"] == "query"}
    for name, value in query.items():
        declared = params.get(name)
        if declared is None:
            raise SchemaViolation(f"{method} {template}: query parameter {name!r} is not in the published API")
        if declared.get("type") == "integer" and not re.fullmatch(r"-?[0-9]+", value):
            raise SchemaViolation(f"{method} {template}: query parameter {name!r} must be an integer, not {value!r}")


def check_body(method: str, template: str, body: object) -> None:
    for p in operation(method, template).get("parameters", []):
        if p["in"] == "body":
            _check(_convert(p["schema"]), body, f"{method} {template} request body")
            return
    raise SchemaViolation(f"{method} {template} takes no JSON body")


def check_response(method: str, template: str, status: int, body: object, multipart: bool = False) -> None:
    responses = operation(method, template)["responses"]
    if status == 200:
        schema = _convert(responses["200"]["schema"])
    elif multipart:
        schema = UPLOAD_ERROR
    else:
        schema = _convert(responses["default"]["schema"])
        schema = {"allOf": [schema, {"required": ["code", "message"]}]}
    _check(schema, body, f"{method} {template} response {status}")
