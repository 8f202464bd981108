"""Behaviour of the VEN-private objects — reports, subscriptions, vens, resources — whose
clientID names the one VEN (besides BL) that may read or change them.

A VEN's clientID always comes from its token, never from the body. Only BL writes
targets on vens and resources, since those targets grant access to programs and events.
A VEN holds at most `ctx.quotas` subscriptions, vens and resources, and ven names are
unique per owner, so no client can take a name another needs, or learn which names
others use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from surplus.openadr import broker_access, models, report_batch, repository
from surplus.openadr.problems import OpenADRProblem
from surplus.openadr.repository import Page
from surplus.openadr.service import (
    Context,
    _create,
    _delete,
    _owned_row,
    _targeted_row,
    _update,
)
from surplus.store.openadr_tables import ReportRow, ResourceRow, SubscriptionRow, VenRow


def _within_quota(ctx: Context, row: Any, what: str, limit: int) -> None:
    """403 when a VEN already holds `limit` rows of this kind (BL has no quota: it
    provisions every site's objects)."""
    if ctx.caller.is_bl:
        return
    mine = select(func.count()).select_from(row).where(row.client_id == ctx.caller.client_id)
    if (ctx.session.scalar(mine) or 0) >= limit:
        raise OpenADRProblem(403, f"quota reached: a client may hold at most {limit} {what}")


def _own_filter(ctx: Context, row: Any, *equal: tuple[Any, Any]) -> list[Any]:
    """The caller's own rows (BL: every row), narrowed by each (column, value) given."""
    mine = [] if ctx.caller.is_bl else [row.client_id == ctx.caller.client_id]
    return mine + [column == value for column, value in equal if value is not None]


# -- reports ------------------------------------------------------------------------------


def _report_event(ctx: Context, event_id: str) -> str:
    """The program of the reported event, which the reporting VEN must be able to read
    (the rule a batch of new reports follows, `report_batch.program_of_visible_event`)."""
    events = report_batch.events_and_programs(ctx.session, {event_id})
    grants = {} if ctx.caller.is_bl else {ctx.caller.client_id: ctx.grants()}
    program_id = report_batch.program_of_visible_event(ctx.caller, event_id, events, grants)
    if program_id is None:
        raise OpenADRProblem(409, f"eventID {event_id!r} names no event visible to you")
    return program_id


def update_report(ctx: Context, report_id: str, request: models.ReportRequest) -> dict[str, Any]:
    ctx.require("write_reports")
    row = _owned_row(ctx, "REPORT", report_id)
    program_id = _report_event(ctx, request.eventID)
    row.event_id, row.program_id, row.client_name = request.eventID, program_id, request.clientName
    body = {**request.to_json(), "clientID": row.client_id}
    return _update(ctx, "REPORT", row, body, program_id)


def delete_report(ctx: Context, report_id: str) -> dict[str, Any]:
    ctx.require("write_reports")
    row = _owned_row(ctx, "REPORT", report_id)
    return _delete(ctx, "REPORT", row, row.program_id)


def get_report(ctx: Context, report_id: str) -> dict[str, Any]:
    ctx.require("read_ven_objects")
    return repository.represent("REPORT", _owned_row(ctx, "REPORT", report_id))


def search_reports(
    ctx: Context, program_id: str | None, event_id: str | None, client_name: str | None, page: Page
) -> list[dict[str, Any]]:
    ctx.require("read_ven_objects")
    conditions = _own_filter(
        ctx,
        ReportRow,
        (ReportRow.program_id, program_id),
        (ReportRow.event_id, event_id),
        (ReportRow.client_name, client_name),
    )
    rows = repository.fetch(ctx.session, "REPORT", conditions, page)
    return [repository.represent("REPORT", row) for row in rows]


# -- subscriptions ------------------------------------------------------------------------


def may_write_subscription(ctx: Context, subscription_id: str | None) -> None:
    """Everything that would refuse a subscription write before its callbacks are called:
    the scope, the quota (creating) or the ownership (updating). Ends its transaction, so
    none is held while the callbacks are checked."""
    try:
        ctx.require("write_subscriptions")
        if subscription_id is None:
            limit = ctx.quotas.subscriptions
            _within_quota(ctx, SubscriptionRow, "subscriptions", limit)
        else:
            _owned_row(ctx, "SUBSCRIPTION", subscription_id)
    finally:
        ctx.session.rollback()


def _subscription_fields(ctx: Context, request: models.SubscriptionRequest) -> dict[str, Any]:
    """The body to store; the callbacks were checked before (`surplus.openadr.callbacks`)."""
    if request.programID is not None:
        try:
            _targeted_row(ctx, "PROGRAM", request.programID)
        except OpenADRProblem:
            raise OpenADRProblem(409, f"programID {request.programID!r} names no program") from None
    return request.to_json()


def create_subscription(ctx: Context, request: models.SubscriptionRequest) -> dict[str, Any]:
    ctx.require("write_subscriptions")
    _within_quota(ctx, SubscriptionRow, "subscriptions", ctx.quotas.subscriptions)
    body = {**_subscription_fields(ctx, request), "clientID": ctx.caller.client_id}
    row = SubscriptionRow(
        id=repository.new_id(),
        body=body,
        client_id=ctx.caller.client_id,
        client_name=request.clientName,
        program_id=request.programID,
        owner_is_bl=ctx.caller.is_bl,
        created_at=ctx.now,
        modified_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()  # the row first: its object types refer to it
    repository.set_subscription_objects(ctx.session, row.id, body)
    return _create(ctx, "SUBSCRIPTION", row, None, request.programID)


def update_subscription(
    ctx: Context, subscription_id: str, request: models.SubscriptionRequest
) -> dict[str, Any]:
    ctx.require("write_subscriptions")
    row = _owned_row(ctx, "SUBSCRIPTION", subscription_id)
    body = {**_subscription_fields(ctx, request), "clientID": row.client_id}
    row.client_name, row.program_id = request.clientName, request.programID
    repository.set_subscription_objects(ctx.session, row.id, body)
    return _update(ctx, "SUBSCRIPTION", row, body, request.programID)


def delete_subscription(ctx: Context, subscription_id: str) -> dict[str, Any]:
    ctx.require("write_subscriptions")
    row = _owned_row(ctx, "SUBSCRIPTION", subscription_id)
    return _delete(ctx, "SUBSCRIPTION", row, row.program_id)


def get_subscription(ctx: Context, subscription_id: str) -> dict[str, Any]:
    ctx.require("read_ven_objects")
    return repository.represent("SUBSCRIPTION", _owned_row(ctx, "SUBSCRIPTION", subscription_id))


def search_subscriptions(
    ctx: Context,
    program_id: str | None,
    client_name: str | None,
    objects: Sequence[str] | None,
    page: Page,
) -> list[dict[str, Any]]:
    ctx.require("read_ven_objects")
    conditions = _own_filter(
        ctx,
        SubscriptionRow,
        (SubscriptionRow.program_id, program_id),
        (SubscriptionRow.client_name, client_name),
    )
    if objects:
        conditions.append(repository.subscribes_to_any(objects))
    rows = repository.fetch(ctx.session, "SUBSCRIPTION", conditions, page)
    return [repository.represent("SUBSCRIPTION", row) for row in rows]


# -- vens ---------------------------------------------------------------------------------


def _ven_body(
    ctx: Context, request: models.BlVenRequest | models.VenVenRequest, keep: dict[str, Any] | None
) -> dict[str, Any]:
    if isinstance(request, models.BlVenRequest):
        if not ctx.caller.is_bl:
            raise OpenADRProblem(
                403, "only business logic sends BL_VEN_REQUEST; a VEN sends VEN_VEN_REQUEST"
            )
        return request.model_dump(mode="json", exclude_unset=True, exclude={"objectType"})
    if ctx.caller.is_bl and keep is None:
        raise OpenADRProblem(
            400, "business logic creates vens with BL_VEN_REQUEST, giving clientID"
        )
    body = request.model_dump(mode="json", exclude_unset=True, exclude={"objectType"})
    client_id = keep["clientID"] if keep else ctx.caller.client_id
    granted = {"targets": keep["targets"]} if keep and "targets" in keep else {}
    return {"clientID": client_id, **granted, **body}


def _ven_name_free(ctx: Context, owner: str, name: str, own_id: str | None = None) -> None:
    """venName is unique among the vens of one client (so the clash names only the
    owner's own ven). POST /vens lists no 409, so a clash on create is a 400."""
    found = ctx.session.scalar(
        select(VenRow.id).where(VenRow.client_id == owner, VenRow.ven_name == name)
    )
    if found is not None and found != own_id:
        whose = "you already have" if owner == ctx.caller.client_id else "that client has"
        raise OpenADRProblem(409 if own_id else 400, f"{whose} a ven named {name!r}")


def create_ven(ctx: Context, request: models.BlVenRequest | models.VenVenRequest) -> dict[str, Any]:
    ctx.require("write_vens")
    body = _ven_body(ctx, request, None)
    _within_quota(ctx, VenRow, "vens", ctx.quotas.vens)
    _ven_name_free(ctx, body["clientID"], request.venName)
    row = VenRow(
        id=repository.new_id(), body=body, client_id=body["clientID"], ven_name=request.venName
    )
    created = _create(ctx, "VEN", row, body.get("targets"), None)
    broker_access.vens_changed(ctx.session, [row.client_id])  # after the commit
    return created


def update_ven(
    ctx: Context, ven_id: str, request: models.BlVenRequest | models.VenVenRequest
) -> dict[str, Any]:
    ctx.require("write_vens")
    row = _owned_row(ctx, "VEN", ven_id)
    body = _ven_body(ctx, request, row.body)
    _ven_name_free(ctx, body["clientID"], request.venName, ven_id)
    owners = {row.client_id, body["clientID"]}
    row.client_id, row.ven_name = body["clientID"], request.venName
    for resource in ctx.session.scalars(select(ResourceRow).where(ResourceRow.ven_id == ven_id)):
        resource.client_id = row.client_id
        resource.body = {**resource.body, "clientID": row.client_id}
    updated = _update(ctx, "VEN", row, body, None)
    if len(owners) > 1:
        broker_access.vens_changed(ctx.session, owners)  # after the commit
    return updated


def delete_ven(ctx: Context, ven_id: str) -> dict[str, Any]:
    """Deleting a ven deletes its resources too (each notified)."""
    ctx.require("write_vens")
    row = _owned_row(ctx, "VEN", ven_id)
    for resource in ctx.session.scalars(select(ResourceRow).where(ResourceRow.ven_id == ven_id)):
        _delete(ctx, "RESOURCE", resource, None, finish=False)
    owner = row.client_id
    deleted = _delete(ctx, "VEN", row, None)
    broker_access.vens_changed(ctx.session, [owner])  # after the commit
    return deleted


def get_ven(ctx: Context, ven_id: str) -> dict[str, Any]:
    ctx.require("read_ven_objects")
    return repository.represent("VEN", _owned_row(ctx, "VEN", ven_id))


def search_vens(
    ctx: Context, ven_name: str | None, targets: list[str] | None, page: Page
) -> list[dict[str, Any]]:
    ctx.require("read_ven_objects")
    conditions = _own_filter(ctx, VenRow, (VenRow.ven_name, ven_name))
    if targets:
        conditions.append(repository.has_target_in("VEN", VenRow.id, targets))
    rows = repository.fetch(ctx.session, "VEN", conditions, page)
    return [repository.represent("VEN", row) for row in rows]


# -- resources ----------------------------------------------------------------------------


def _resource_body(
    ctx: Context,
    request: models.BlResourceRequest | models.VenResourceRequest,
    ven: VenRow,
    keep: dict[str, Any] | None,
) -> dict[str, Any]:
    body = request.model_dump(mode="json", exclude_unset=True, exclude={"objectType"})
    if isinstance(request, models.BlResourceRequest):
        if not ctx.caller.is_bl:
            raise OpenADRProblem(403, "only business logic sends BL_RESOURCE_REQUEST")
        if request.clientID != ven.client_id:
            raise OpenADRProblem(409, "clientID differs from the clientID of the resource's ven")
        return body
    granted = {"targets": keep["targets"]} if keep and "targets" in keep else {}
    return {"clientID": ven.client_id, **granted, **body}


def _resource_name_free(ctx: Context, ven_id: str, name: str, own_id: str | None = None) -> None:
    found = ctx.session.scalar(
        select(ResourceRow.id).where(
            ResourceRow.ven_id == ven_id, ResourceRow.resource_name == name
        )
    )
    if found is not None and found != own_id:
        raise OpenADRProblem(409, f"ven {ven_id!r} already has a resource named {name!r}")


def create_resource(
    ctx: Context, request: models.BlResourceRequest | models.VenResourceRequest
) -> dict[str, Any]:
    ctx.require("write_vens")
    ven = _owned_row(ctx, "VEN", request.venID)
    body = _resource_body(ctx, request, ven, None)
    _within_quota(ctx, ResourceRow, "resources", ctx.quotas.resources)
    _resource_name_free(ctx, ven.id, request.resourceName)
    row = ResourceRow(
        id=repository.new_id(),
        body=body,
        ven_id=ven.id,
        client_id=ven.client_id,
        resource_name=request.resourceName,
    )
    return _create(ctx, "RESOURCE", row, body.get("targets"), None)


def update_resource(
    ctx: Context, resource_id: str, request: models.BlResourceRequest | models.VenResourceRequest
) -> dict[str, Any]:
    ctx.require("write_vens")
    row = _owned_row(ctx, "RESOURCE", resource_id)
    ven = _owned_row(ctx, "VEN", request.venID)
    body = _resource_body(ctx, request, ven, row.body)
    _resource_name_free(ctx, ven.id, request.resourceName, resource_id)
    row.ven_id, row.client_id, row.resource_name = ven.id, ven.client_id, request.resourceName
    return _update(ctx, "RESOURCE", row, body, None)


def delete_resource(ctx: Context, resource_id: str) -> dict[str, Any]:
    ctx.require("write_vens")
    row = _owned_row(ctx, "RESOURCE", resource_id)
    return _delete(ctx, "RESOURCE", row, None)


def get_resource(ctx: Context, resource_id: str) -> dict[str, Any]:
    ctx.require("read_ven_objects")
    return repository.represent("RESOURCE", _owned_row(ctx, "RESOURCE", resource_id))


def search_resources(
    ctx: Context,
    resource_name: str | None,
    ven_id: str | None,
    targets: list[str] | None,
    page: Page,
) -> list[dict[str, Any]]:
    ctx.require("read_ven_objects")
    conditions = _own_filter(
        ctx, ResourceRow, (ResourceRow.resource_name, resource_name), (ResourceRow.ven_id, ven_id)
    )
    if targets:
        conditions.append(repository.has_target_in("RESOURCE", ResourceRow.id, targets))
    rows = repository.fetch(ctx.session, "RESOURCE", conditions, page)
    return [repository.represent("RESOURCE", row) for row in rows]
