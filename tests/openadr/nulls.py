"""Bodies as clients generated from the OpenAPI document send them: every optional property
the spec defines is present, and the ones the caller did not set are `null`."""

from __future__ import annotations

from typing import Any

from tests.openadr.spec import official


def schema_of(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    schema = ref_or_schema
    while "$ref" in schema:
        schema = official()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _branch(schema: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """The oneOf/anyOf branch a value belongs to, by its objectType where there is one."""
    branches = [schema_of(b) for b in schema.get("oneOf", []) + schema.get("anyOf", [])]
    for branch in branches:
        kinds = branch.get("properties", {}).get("objectType", {})
        kinds = schema_of(kinds).get("enum", [])
        if value.get("objectType") in kinds:
            return branch
    return branches[0] if branches else schema


def _object_parts(schema: dict[str, Any], value: dict[str, Any]) -> tuple[dict, set[str]]:
    schema = schema_of(schema)
    if "oneOf" in schema or "anyOf" in schema:
        schema = _branch(schema, value)
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    required: set[str] = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        more, needed = _object_parts(part, value)
        properties.update(more)
        required |= needed
    return properties, required


def with_nulls(value: Any, schema: dict[str, Any]) -> Any:
    """`value` with every optional property it leaves out set to null, at every depth."""
    schema = schema_of(schema)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [with_nulls(item, items) for item in value]
    if not isinstance(value, dict):
        return value
    properties, required = _object_parts(schema, value)
    padded = {name: None for name in properties if name not in required}
    for name, item in value.items():
        padded[name] = with_nulls(item, properties.get(name, {}))
    return padded


def request_schema(path: str) -> dict[str, Any]:
    """The request body schema of `POST path` in the official document."""
    operation = official()["paths"][path]["post"]
    return schema_of(operation["requestBody"]["content"]["application/json"]["schema"])


def null_count(value: Any) -> int:
    if isinstance(value, dict):
        return sum(v is None or null_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(null_count(v) for v in value)
    return 0
