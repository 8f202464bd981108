"""GET /notifiers and the MQTT topic-name endpoints (Definition, "Notifications via
Additional Protocols"). Topic endpoints answer 404 when the server has no broker."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from surplus.openadr import private, service
from surplus.openadr.deps import Ctx, ObjectIdPath, ok
from surplus.openadr.problems import OpenADRProblem, ProblemRoute
from surplus.openadr.topics import topic_set

router = APIRouter(route_class=ProblemRoute, tags=["openadr"])


def _broker_url(request: Request) -> str:
    return str(request.app.state.settings.mqtt_url)


def _topics(
    request: Request, ctx: Ctx, scope: str, *parts: str, create: bool = True
) -> JSONResponse:
    ctx.require(scope)
    if not _broker_url(request):
        raise OpenADRProblem(404, "this server has no MQTT notifier")
    return ok({"topics": topic_set(*parts, with_create=create)})


@router.get("/notifiers", operation_id="listAllNotifiers")
def list_notifiers(request: Request, ctx: Ctx) -> JSONResponse:
    ctx.require("read_all")
    answer: dict[str, object] = {"WEBHOOK": True}
    if _broker_url(request):
        answer["MQTT"] = {
            "URIS": [_broker_url(request)],
            "serialization": "JSON",
            "authentication": {"method": "ANONYMOUS"},
        }
    return ok(answer)


@router.get("/notifiers/mqtt/topics/programs", operation_id="listAllMqttNotifierTopicsPrograms")
def topics_programs(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_all", "programs")


@router.get(
    "/notifiers/mqtt/topics/programs/{programID}", operation_id="listAllMqttNotifierTopicsProgram"
)
def topics_program(request: Request, ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    ctx.require("read_all")
    service.program_visible(ctx, programID)
    return _topics(request, ctx, "read_all", "programs", programID, create=False)


@router.get("/notifiers/mqtt/topics/events", operation_id="listAllMqttNotifierTopicsEvents")
def topics_events(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", "events")


@router.get(
    "/notifiers/mqtt/topics/programs/{programID}/events",
    operation_id="listAllMqttNotifierTopicsProgramEvents",
)
def topics_program_events(request: Request, ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    ctx.require("read_all")
    service.program_visible(ctx, programID)
    return _topics(request, ctx, "read_all", "programs", programID, "events")


@router.get("/notifiers/mqtt/topics/reports", operation_id="listAllMqttNotifierTopicsReports")
def topics_reports(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", "reports")


@router.get(
    "/notifiers/mqtt/topics/subscriptions", operation_id="listAllMqttNotifierTopicsSubscriptions"
)
def topics_subscriptions(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", "subscriptions")


@router.get("/notifiers/mqtt/topics/vens", operation_id="listAllMqttNotifierTopicsVens")
def topics_vens(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", "vens")


@router.get("/notifiers/mqtt/topics/resources", operation_id="listAllMqttNotifierTopicsResources")
def topics_resources(request: Request, ctx: Ctx) -> JSONResponse:
    return _topics(request, ctx, "read_bl", "resources")


def _ven_topics(request: Request, ctx: Ctx, ven_id: str, *rest: str, create: bool) -> JSONResponse:
    ctx.require("read_ven_objects")
    private.get_ven(ctx, ven_id)  # 404 unless the caller owns it (or is BL)
    return _topics(request, ctx, "read_ven_objects", "vens", ven_id, *rest, create=create)


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
