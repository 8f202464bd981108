"""The official OpenADR 3.1.0 OpenAPI document, and the errata these tests apply to it.

The document is kept in the repository under reference/openadr3/ with its licence. Two of
its schemas cannot be satisfied by any object: `ven` and `resource` combine
objectMetadata (objectType must be VEN / RESOURCE) with BlVenRequest / BlResourceRequest
(objectType must be BL_VEN_REQUEST / BL_RESOURCE_REQUEST) under allOf. The server sends
VEN and RESOURCE, as the Definition's object metadata rule says and clients dispatch on;
`with_errata` drops only the BL_* enum from those two response schemas.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "reference" / "openadr3" / "3.1.0" / "openadr3.yaml"
BASE_PATH = "/openadr3/3.1.0"


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML as JSON sees it: `2023-06-15T09:30:00Z` stays a string, not a datetime."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def official() -> dict[str, Any]:
    text = SPEC_PATH.read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.load(text, Loader=_JsonLikeLoader)
    return loaded


def with_errata(base_url: str) -> dict[str, Any]:
    spec = copy.deepcopy(official())
    spec["servers"] = [{"url": base_url + BASE_PATH}]
    schemas = spec["components"]["schemas"]
    for name, request in (("ven", "BlVenRequest"), ("resource", "BlResourceRequest")):
        relaxed = copy.deepcopy(schemas[request])
        relaxed["properties"]["objectType"] = {"type": "string"}
        schemas[f"{request}Stored"] = relaxed
        schemas[name]["allOf"][1] = {"$ref": f"#/components/schemas/{request}Stored"}
    return spec
