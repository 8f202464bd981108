"""The OpenADR 3.1.0 VTN's HTTP surface: every path of the official openadr3.yaml.

Bodies are read raw and validated by the strict models in `surplus.openadr.models`;
every refusal is a problem document (see `surplus.openadr.problems`). The host app
mounts `router` at /openadr3/3.1.0.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from surplus.api.routes import auth as auth_routes
from surplus.openadr import BASE_PATH, models, notifiers, private, service
from surplus.openadr.callbacks import check_callback
from surplus.openadr.deps import (
    RESOURCE_REQUEST,
    VEN_REQUEST,
    Body,
    Ctx,
    IdempotencyKey,
    Limit,
    NameQuery,
    ObjectIdPath,
    ObjectIdQuery,
    Skip,
    TargetsQuery,
    Who,
    callback_check,
    ok,
    report_queue,
    write_gate,
    write_slot,
)
from surplus.openadr.lifespan import openadr_lifespan
from surplus.openadr.problems import OpenADRProblem, ProblemRoute
from surplus.openadr.report_batch import ReportPost
from surplus.openadr.repository import Page
from surplus.openadr.service import require

MAX_CALLBACKS = 10  # distinct callbackUrls in one subscription (each is checked by a call)

router = APIRouter(
    route_class=ProblemRoute,
    lifespan=openadr_lifespan,
    tags=["openadr"],
    dependencies=[Depends(write_gate)],
)

# -- programs -----------------------------------------------------------------------------


@router.get("/programs", operation_id="searchAllPrograms")
def search_programs(
    ctx: Ctx, targets: TargetsQuery = None, skip: Skip = 0, limit: Limit = 50
) -> JSONResponse:
    return ok(service.search_programs(ctx, targets, Page(skip, limit)))


@router.post("/programs", operation_id="createProgram", status_code=201)
def create_program(ctx: Ctx, body: Body) -> JSONResponse:
    return ok(service.create_program(ctx, models.ProgramRequest.model_validate_json(body)), 201)


@router.get("/programs/{programID}", operation_id="searchProgramByProgramId")
def get_program(ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    return ok(service.get_program(ctx, programID))


@router.put("/programs/{programID}", operation_id="updateProgram")
def update_program(ctx: Ctx, programID: ObjectIdPath, body: Body) -> JSONResponse:
    request = models.ProgramRequest.model_validate_json(body)
    return ok(service.update_program(ctx, programID, request))


@router.delete("/programs/{programID}", operation_id="deleteProgram")
def delete_program(ctx: Ctx, programID: ObjectIdPath) -> JSONResponse:
    return ok(service.delete_program(ctx, programID))


# -- events -------------------------------------------------------------------------------


@router.get("/events", operation_id="searchAllEvents")
def search_events(
    ctx: Ctx,
    programID: ObjectIdQuery = None,
    targets: TargetsQuery = None,
    skip: Skip = 0,
    limit: Limit = 50,
    active: bool | None = None,
) -> JSONResponse:
    return ok(service.search_events(ctx, programID, targets, active, Page(skip, limit)))


@router.post("/events", operation_id="createEvent", status_code=201)
def create_event(ctx: Ctx, body: Body) -> JSONResponse:
    return ok(service.create_event(ctx, models.EventRequest.model_validate_json(body)), 201)


@router.get("/events/{eventID}", operation_id="searchEventsByID")
def get_event(ctx: Ctx, eventID: ObjectIdPath) -> JSONResponse:
    return ok(service.get_event(ctx, eventID))


@router.put("/events/{eventID}", operation_id="updateEvent")
def update_event(ctx: Ctx, eventID: ObjectIdPath, body: Body) -> JSONResponse:
    return ok(service.update_event(ctx, eventID, models.EventRequest.model_validate_json(body)))


@router.delete("/events/{eventID}", operation_id="deleteEvent")
def delete_event(ctx: Ctx, eventID: ObjectIdPath) -> JSONResponse:
    return ok(service.delete_event(ctx, eventID))


# -- reports ------------------------------------------------------------------------------


@router.get("/reports", operation_id="searchAllReports")
def search_reports(
    ctx: Ctx,
    programID: ObjectIdQuery = None,
    eventID: ObjectIdQuery = None,
    clientName: NameQuery = None,
    skip: Skip = 0,
    limit: Limit = 50,
) -> JSONResponse:
    page = Page(skip, limit)
    return ok(private.search_reports(ctx, programID, eventID, clientName, page))


@router.post("/reports", operation_id="createReport", status_code=201)
async def create_report(
    request: Request, who: Who, body: Body, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """A retry with the same Idempotency-Key returns the report stored the first time.

    Posts are stored in batches (`surplus.openadr.report_queue`); the answer comes after
    the batch holding this one has committed."""
    require(who, "write_reports")
    report_request = models.ReportRequest.model_validate_json(body)
    post = ReportPost(who, report_request, idempotency_key)
    return ok(await report_queue(request).submit(post), 201)


@router.get("/reports/{reportID}", operation_id="searchReportsByReportID")
def get_report(ctx: Ctx, reportID: ObjectIdPath) -> JSONResponse:
    return ok(private.get_report(ctx, reportID))


@router.put("/reports/{reportID}", operation_id="updateReport")
def update_report(ctx: Ctx, reportID: ObjectIdPath, body: Body) -> JSONResponse:
    request = models.ReportRequest.model_validate_json(body)
    return ok(private.update_report(ctx, reportID, request))


@router.delete("/reports/{reportID}", operation_id="deleteReport")
def delete_report(ctx: Ctx, reportID: ObjectIdPath) -> JSONResponse:
    return ok(private.delete_report(ctx, reportID))


# -- subscriptions ------------------------------------------------------------------------


@router.get("/subscriptions", operation_id="searchSubscriptions")
def search_subscriptions(
    ctx: Ctx,
    programID: ObjectIdQuery = None,
    clientName: NameQuery = None,
    objects: Annotated[list[models.ObjectType] | None, Query()] = None,
    skip: Skip = 0,
    limit: Limit = 50,
) -> JSONResponse:
    page = Page(skip, limit)
    return ok(private.search_subscriptions(ctx, programID, clientName, objects, page))


async def _callbacks_checked(
    request: Request,
    ctx: Ctx,
    subscription: models.SubscriptionRequest,
    subscription_id: str | None = None,
) -> None:
    """Refuse what would be refused anyway first, then check each callback URL: on the
    event loop, holding no write slot and no transaction, however slow the callback."""
    urls = list(dict.fromkeys(entry.callbackUrl for entry in subscription.objectOperations))
    if len(urls) > MAX_CALLBACKS:
        raise OpenADRProblem(400, f"a subscription may name at most {MAX_CALLBACKS} callbackUrls")
    await run_in_threadpool(private.may_write_subscription, ctx, subscription_id)
    check = callback_check(request)
    for url in urls:
        await check_callback(url, check)


@router.post("/subscriptions", operation_id="createSubscription", status_code=201)
async def create_subscription(request: Request, ctx: Ctx, body: Body) -> JSONResponse:
    subscription = models.SubscriptionRequest.model_validate_json(body)
    await _callbacks_checked(request, ctx, subscription)
    async with write_slot():
        created = await run_in_threadpool(private.create_subscription, ctx, subscription)
    return ok(created, 201)


@router.get("/subscriptions/{subscriptionID}", operation_id="searchSubscriptionByID")
def get_subscription(ctx: Ctx, subscriptionID: ObjectIdPath) -> JSONResponse:
    return ok(private.get_subscription(ctx, subscriptionID))


@router.put("/subscriptions/{subscriptionID}", operation_id="updateSubscription")
async def update_subscription(
    request: Request, ctx: Ctx, subscriptionID: ObjectIdPath, body: Body
) -> JSONResponse:
    subscription = models.SubscriptionRequest.model_validate_json(body)
    await _callbacks_checked(request, ctx, subscription, subscriptionID)
    async with write_slot():
        updated = await run_in_threadpool(
            private.update_subscription, ctx, subscriptionID, subscription
        )
    return ok(updated)


@router.delete("/subscriptions/{subscriptionID}", operation_id="deleteSubscription")
def delete_subscription(ctx: Ctx, subscriptionID: ObjectIdPath) -> JSONResponse:
    return ok(private.delete_subscription(ctx, subscriptionID))


# -- vens ---------------------------------------------------------------------------------


@router.get("/vens", operation_id="searchVens")
def search_vens(
    ctx: Ctx,
    venName: NameQuery = None,
    targets: TargetsQuery = None,
    skip: Skip = 0,
    limit: Limit = 50,
) -> JSONResponse:
    return ok(private.search_vens(ctx, venName, targets, Page(skip, limit)))


@router.post("/vens", operation_id="createVen", status_code=201)
def create_ven(ctx: Ctx, body: Body) -> JSONResponse:
    return ok(private.create_ven(ctx, VEN_REQUEST.validate_json(body)), 201)


@router.get("/vens/{venID}", operation_id="searchVenByID")
def get_ven(ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return ok(private.get_ven(ctx, venID))


@router.put("/vens/{venID}", operation_id="updateVen")
def update_ven(ctx: Ctx, venID: ObjectIdPath, body: Body) -> JSONResponse:
    return ok(private.update_ven(ctx, venID, VEN_REQUEST.validate_json(body)))


@router.delete("/vens/{venID}", operation_id="deleteVen")
def delete_ven(ctx: Ctx, venID: ObjectIdPath) -> JSONResponse:
    return ok(private.delete_ven(ctx, venID))


# -- resources ----------------------------------------------------------------------------


@router.get("/resources", operation_id="searchVenResources")
def search_resources(
    ctx: Ctx,
    resourceName: NameQuery = None,
    venID: ObjectIdQuery = None,
    targets: TargetsQuery = None,
    skip: Skip = 0,
    limit: Limit = 50,
) -> JSONResponse:
    page = Page(skip, limit)
    return ok(private.search_resources(ctx, resourceName, venID, targets, page))


@router.post("/resources", operation_id="createResource", status_code=201)
def create_resource(ctx: Ctx, body: Body) -> JSONResponse:
    return ok(private.create_resource(ctx, RESOURCE_REQUEST.validate_json(body)), 201)


@router.get("/resources/{resourceID}", operation_id="searchVenResourceByID")
def get_resource(ctx: Ctx, resourceID: ObjectIdPath) -> JSONResponse:
    return ok(private.get_resource(ctx, resourceID))


@router.put("/resources/{resourceID}", operation_id="updateVenResource")
def update_resource(ctx: Ctx, resourceID: ObjectIdPath, body: Body) -> JSONResponse:
    return ok(private.update_resource(ctx, resourceID, RESOURCE_REQUEST.validate_json(body)))


@router.delete("/resources/{resourceID}", operation_id="deleteVenResource")
def delete_resource(ctx: Ctx, resourceID: ObjectIdPath) -> JSONResponse:
    return ok(private.delete_resource(ctx, resourceID))


# -- auth ---------------------------------------------------------------------------------


@router.get("/auth/server", operation_id="getAuthServerInfo")
def auth_server(request: Request) -> JSONResponse:
    """The token URL under SURPLUS_PUBLIC_URL: never built from the request's Host header,
    which a client (or anyone in between) can set to send VENs' credentials elsewhere."""
    return ok({"tokenURL": request.app.state.settings.public_url + BASE_PATH + "/auth/token"})


# One implementation of the grant serves this path and /api/v1/auth/token.
router.add_api_route(
    "/auth/token",
    auth_routes.token,
    methods=["POST"],
    operation_id="fetchToken",
    name="fetchToken",
    response_model=None,
    openapi_extra=auth_routes.TOKEN_REQUEST_DOC,
)


router.include_router(notifiers.router)
