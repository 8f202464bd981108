"""Pydantic models of the OpenADR 3.1.0 schemas, written from the official OpenAPI document.

Requests are validated strictly: string lengths, patterns, enums, int32 ranges. An optional
property sent as null counts as absent, whether or not the spec marks it nullable: widely
used clients serialise every unset property as null, and both mean "not given". Unknown
properties are ignored, as the Definition allows. Only the request shapes are modelled as
classes; the server's representations are request fields plus `ObjectMetadata`, assembled
in `surplus.openadr.service`.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

# The spec's duration pattern uses a look-ahead, which pydantic's Rust regex engine lacks.
# ASCII only: Python's \d also matches other scripts' digits (P١D), which int() then reads.
DURATION_RE = re.compile(
    r"^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$",
    re.ASCII,
)
RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]*$")

OBJECT_TYPES = ("PROGRAM", "EVENT", "REPORT", "SUBSCRIPTION", "VEN", "RESOURCE")
ObjectType = Literal["PROGRAM", "EVENT", "REPORT", "SUBSCRIPTION", "VEN", "RESOURCE"]
Operation = Literal["READ", "CREATE", "UPDATE", "DELETE"]


def _check_duration(value: str) -> str:
    if not DURATION_RE.match(value):
        raise ValueError("expected an ISO 8601 duration such as PT1H")
    return value


def _check_datetime(value: str) -> str:
    if not RFC3339_RE.match(value):
        raise ValueError("expected an RFC 3339 date-time such as 2023-06-15T09:30:00Z")
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError as error:
        raise ValueError(f"not a real date-time: {error}") from None
    return value


def _check_uri(value: str) -> str:
    if not URI_RE.match(value):
        raise ValueError("expected an absolute URI with a scheme")
    return value


def _refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


Text = Annotated[StrictStr, AfterValidator(_refuse_nul)]
"""Any string of a request: no NUL, which PostgreSQL cannot store in text."""
Name = Annotated[StrictStr, Field(min_length=1, max_length=128), AfterValidator(_refuse_nul)]
Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]
"""A finite number: 1e309 parses as infinity, which JSON cannot carry back out."""
ObjectID = Annotated[StrictStr, Field(min_length=1, max_length=128, pattern=r"^[a-zA-Z0-9_-]*$")]
Target = Name
Targets = list[Target] | None
Int32 = Annotated[StrictInt, Field(ge=INT32_MIN, le=INT32_MAX)]
Duration = Annotated[StrictStr, AfterValidator(_check_duration)]
DateTime = Annotated[StrictStr, AfterValidator(_check_datetime)]
Uri = Annotated[StrictStr, Field(min_length=2, max_length=8000), AfterValidator(_check_uri)]
NullableName = Name | None


class SpecModel(BaseModel):
    """Strict types; unknown properties are dropped, as the Definition permits; an optional
    property given as null is treated as left out (and so is stored left out)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_absent(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        optional = _optional_fields(cls)
        return {
            key: value for key, value in data.items() if value is not None or key not in optional
        }

    def to_json(self) -> dict[str, Any]:
        """The representation to store: only what the client sent (spec defaults implied)."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


@cache
def _optional_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if not field.is_required())


class Point(SpecModel):
    x: Annotated[float, Field(allow_inf_nan=False)]
    y: Annotated[float, Field(allow_inf_nan=False)]


Value = StrictBool | StrictInt | Number | Text | Point


class ValuesMap(SpecModel):
    type: Name
    values: list[Value]


class IntervalPeriod(SpecModel):
    start: DateTime | None = None
    duration: Duration | None = None
    randomizeStart: Duration | None = None


class Interval(SpecModel):
    id: Int32
    intervalPeriod: IntervalPeriod | None = None
    payloads: list[ValuesMap]


class EventPayloadDescriptor(SpecModel):
    objectType: Literal["EVENT_PAYLOAD_DESCRIPTOR"]
    payloadType: Name
    units: NullableName = None
    currency: Text | None = None


class ReportPayloadDescriptor(SpecModel):
    objectType: Literal["REPORT_PAYLOAD_DESCRIPTOR"]
    payloadType: Name
    readingType: NullableName = None
    units: NullableName = None
    accuracy: Annotated[float, Field(allow_inf_nan=False)] | None = None
    confidence: Annotated[StrictInt | None, Field(ge=0, le=100)] = None


PayloadDescriptor = Annotated[
    EventPayloadDescriptor | ReportPayloadDescriptor, Field(discriminator="objectType")
]


class ReportDescriptor(SpecModel):
    payloadType: Name
    readingType: NullableName = None
    units: NullableName = None
    targets: Targets = None
    aggregate: StrictBool | None = None
    startInterval: Int32 | None = None
    numIntervals: Int32 | None = None
    historical: StrictBool | None = None
    frequency: Int32 | None = None
    repeat: Int32 | None = None
    reportIntervals: Literal["INTERVALS", "SUB_INTERVALS", "OPEN_INTERVALS"] | None = None


class ProgramDescription(SpecModel):
    URL: Uri


class ProgramRequest(SpecModel):
    programName: Name
    intervalPeriod: IntervalPeriod | None = None
    programDescriptions: list[ProgramDescription] | None = None
    payloadDescriptors: list[PayloadDescriptor] | None = None
    attributes: list[ValuesMap] | None = None
    targets: Targets = None


class EventRequest(SpecModel):
    programID: ObjectID
    eventName: Text | None = None
    duration: Duration | None = None
    priority: Annotated[StrictInt | None, Field(ge=0)] = None
    targets: Targets = None
    reportDescriptors: list[ReportDescriptor] | None = None
    payloadDescriptors: list[EventPayloadDescriptor] | None = None
    intervalPeriod: IntervalPeriod | None = None
    intervals: list[Interval] | None = None


class ReportResource(SpecModel):
    resourceName: Name
    intervalPeriod: IntervalPeriod | None = None
    intervals: list[Interval]


class ReportRequest(SpecModel):
    eventID: ObjectID
    clientName: Name
    reportName: Text | None = None
    payloadDescriptors: list[ReportPayloadDescriptor] | None = None
    resources: list[ReportResource]


class ObjectOperation(SpecModel):
    objects: list[ObjectType]
    operations: list[Operation]
    callbackUrl: Uri
    bearerToken: Text | None = None


class SubscriptionRequest(SpecModel):
    clientName: Name
    programID: ObjectID | None = None
    objectOperations: list[ObjectOperation]
    targets: Targets = None


class BlVenRequest(SpecModel):
    objectType: Literal["BL_VEN_REQUEST"]
    clientID: Name
    targets: Targets = None
    venName: Name
    attributes: list[ValuesMap] | None = None


class VenVenRequest(SpecModel):
    objectType: Literal["VEN_VEN_REQUEST"]
    venName: Name
    attributes: list[ValuesMap] | None = None


VenRequest = Annotated[BlVenRequest | VenVenRequest, Field(discriminator="objectType")]


class BlResourceRequest(SpecModel):
    objectType: Literal["BL_RESOURCE_REQUEST"]
    clientID: Name
    targets: Targets = None
    resourceName: Name
    venID: ObjectID
    attributes: list[ValuesMap] | None = None


class VenResourceRequest(SpecModel):
    objectType: Literal["VEN_RESOURCE_REQUEST"]
    resourceName: Name
    venID: ObjectID
    attributes: list[ValuesMap] | None = None


ResourceRequest = Annotated[
    BlResourceRequest | VenResourceRequest, Field(discriminator="objectType")
]
