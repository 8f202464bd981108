"""GET /notifiers and the MQTT topic-name endpoints (Definition, "Notifications via
Additional Protocols"). Topic endpoints answer 404 when the server has no broker.

The topics differ by caller (`surplus.openadr.topics`): BL gets its `bl` topics, carrying
every object in full; a VEN the public topics or those of its own ven, carrying what its
REST reads would show it. The broker lets each read only its own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from surplus.openadr import mqtt_audience, private, service
from surplus.openadr.deps import Ctx, ObjectIdPath, ok
from surplus.openadr.mqtt import Broker
from surplus.openadr.problems import OpenADRProblem, ProblemRoute
from surplus.openadr.topics import BL, PUBLIC, VENS, topic_set

router = APIRouter(route_class=ProblemRoute, tags=["openadr"])


def _broker(request: Request) -> Broker | None:
    url = str(request.app.state.settings.mqtt_url)
    return Broker.from_url(url) if url else None


def _topics(
    request: Request, ctx: Ctx, scope: str, *parts: str, create: bool = True
) -> JSONResponse:
    ctx.require(scope)
    if _broker(request) is None:
        raise OpenADRProblem(404, "this server has no MQTT notifier")
    return ok({"topics": topic_set(*parts, with_create=create)})


def _authentication(broker: Broker) -> dict[str, str]:
    if broker.access_controlled:
        # OpenADR 3.1.0: log in with the OAuth client id and a current access token.
        return {"method": "OAUTH2_BEARER_TOKEN", "username": "{clientID}"}
    return {"method": "ANONYMOUS"}


@router.get("/notifiers", operation_id="listAllNotifiers")
def list_notifiers(request: Request, ctx: Ctx) -> JSONResponse:
    ctx.require("read_all")
    answer: dict[str, object] = {"WEBHOOK": True}
    broker = _broker(request)
    if broker is not None:
        answer["MQTT"] = {
            "URIS": [broker.public_url],
            "serialization": "JSON",
            "authentication": _authentication(broker),
        }
    return ok(answer)


def _program_audience(ctx: Ctx, program_id: str) -> tuple[str, ...]:
    """Topic parts of the audience through which the caller hears of one program: BL its
    own; a VEN the public topics for an untargeted program, else those of its first ven."""
    if ctx.caller.is_bl:
        return (BL,)
    program = service.get_program(ctx, program_id)  # 404 unless the caller may read it
    vens = mqtt_audience.vens_of(ctx.session, ctx.caller.client_id)
    if not program.get("targets") or not vens:
        return (PUBLIC,)
    return (VENS, vens[0])


@router.get("/notifiers/mqtt/topics/programs", operation_id="listAllMqttNotifierTopicsPrograms")
def topics_programs(request: Request, ctx: Ctx) -> JSONResponse:
    audience = BL if ctx.caller.is_bl else PUBLIC
    return _topics(request, ctx, "read_all", audience, "programs")


@router.get(
    "/notifiers/mqtt/topics/programs/{programID}", operation_id="listAllMqttNotifierTopicsProgram"
)
def topics_program(request: Request, ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    ctx.require("read_all")
    service.program_visible(ctx, programID)
    audience = _program_audience(ctx, programID)
    return _topics(request, ctx, "read_all", *audience, "programs", programID, create=False)


@router.get("/notifiers/mqtt/topics/events", operation_id="listAllMqttNotifierTopicsEvents")
def topics_events(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", BL, "events")


@router.get(
    "/notifiers/mqtt/topics/programs/{programID}/events",
    operation_id="listAllMqttNotifierTopicsProgramEvents",
)
def topics_program_events(request: Request, ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    ctx.require("read_all")
    service.program_visible(ctx, programID)
    audience = _program_audience(ctx, programID)
    return _topics(request, ctx, "read_all", *audience, "programs", programID, "events")


@router.get("/notifiers/mqtt/topics/reports", operation_id="listAllMqttNotifierTopicsReports")
def topics_reports(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", BL, "reports")


@router.get(
    "/notifiers/mqtt/topics/subscriptions", operation_id="listAllMqttNotifierTopicsSubscriptions"
)
def topics_subscriptions(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", BL, "subscriptions")


@router.get("/notifiers/mqtt/topics/vens", operation_id="listAllMqttNotifierTopicsVens")
def topics_vens(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", BL, "vens")


@router.get("/notifiers/mqtt/topics/resources", operation_id="listAllMqttNotifierTopicsResources")
def topics_resources(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", BL, "resources")


def _ven_topics(request: Request, ctx: Ctx, ven_id: str, *rest: str, create: bool) -> JSONResponse:
    ctx.require("read_ven_objects")
    private.get_ven(ctx, ven_id)  # 404 unless the caller owns it (or is BL)
    return _topics(request, ctx, "read_ven_objects", VENS, ven_id, *rest, create=create)


@router.get("/notifiers/mqtt/topics/vens/{venID}", operation_id="listAllMqttNotifierTopicsVen")
def topics_ven(request: Request, ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return _ven_topics(request, ctx, venID, create=False)


@router.get(
    "/notifiers/mqtt/topics/vens/{venID}/events", operation_id="listAllMqttNotifierTopicsVenEvents"
)
def topics_ven_events(request: Request, ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return _ven_topics(request, ctx, venID, "events", create=True)


@router.get(
    "/notifiers/mqtt/topics/vens/{venID}/programs",
    operation_id="listAllMqttNotifierTopicsVenPrograms",
)
def topics_ven_programs(request: Request, ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return _ven_topics(request, ctx, venID, "programs", create=True)


@router.get(
    "/notifiers/mqtt/topics/vens/{venID}/resources",
    operation_id="listAllMqttNotifierTopicsVenResources",
)
def topics_ven_resources(request: Request, ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return _ven_topics(request, ctx, venID, "resources", create=True)
