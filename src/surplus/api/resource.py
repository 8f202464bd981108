"""One factory for the CRUD resources of the register (operators, sites, applications,
allocations): create 201, list with filters and pages, get, patch, delete 204. Every write
is audited with the caller as actor.

No `from __future__ import annotations` here: FastAPI reads the annotations of the inner
functions at runtime, and they name the factory's arguments.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.api import crud
from surplus.api.deps import get_session
from surplus.api.ids import ROW_ID_MAX, ROW_ID_MIN
from surplus.api.pagination import Page, PageParams, fetch_page, page_params
from surplus.auth import Principal, require_role
from surplus.store.base import Base


@dataclass(frozen=True)
class Resource:
    """How one table is served. `references` maps a field to the (model, noun) it must
    point at; `not_null` fields may be left out of a PATCH but never set to null."""

    model: type[Base]
    noun: str
    path: str
    create_schema: type[BaseModel]
    patch_schema: type[BaseModel]
    out_schema: type[BaseModel]
    filter_schema: type[BaseModel]
    references: dict[str, tuple[type[Base], str]] = field(default_factory=dict)
    not_null: frozenset[str] = frozenset()
    patched_schema: type[BaseModel] | None = None
    """When set, the row a PATCH would produce must pass this schema too (rules across
    fields that a partial body cannot check alone)."""


def _check_references(session: Session, spec: Resource, values: dict[str, Any]) -> None:
    for name, (model, noun) in spec.references.items():
        if values.get(name) is not None:
            crud.must_exist(session, model, values[name], noun)


def _changes(spec: Resource, body: BaseModel) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    nulled = sorted(name for name in spec.not_null if name in changes and changes[name] is None)
    if nulled:
        raise HTTPException(422, f"these fields cannot be null: {', '.join(nulled)}")
    return changes


def _check_patched(spec: Resource, row: Any, changes: dict[str, Any]) -> None:
    if spec.patched_schema is None:
        return
    names = spec.patched_schema.model_fields
    merged = {name: getattr(row, name) for name in names if hasattr(row, name)} | changes
    try:
        spec.patched_schema.model_validate(merged)
    except ValidationError as error:
        messages = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise HTTPException(422, f"the {spec.noun} would become invalid: {messages}") from None


def resource_router(spec: Resource) -> APIRouter:
    router = APIRouter(prefix=spec.path, tags=[spec.path.strip("/")])
    model, noun = spec.model, spec.noun
    Out, Create, Patch, Filters = (
        spec.out_schema,
        spec.create_schema,
        spec.patch_schema,
        spec.filter_schema,
    )
    who_dep = Depends(require_role("bl"))
    item_path = f"/{{{noun}_id}}"
    ItemId = Annotated[
        int,
        Path(alias=f"{noun}_id", description=f"Id of the {noun}", ge=ROW_ID_MIN, le=ROW_ID_MAX),
    ]
    session_dep = Depends(get_session)

    @router.post("", status_code=201, response_model=Out, summary=f"Create a {noun}")
    def create_item(
        body: Create,  # type: ignore[valid-type]
        session: Session = session_dep,
        who: Principal = who_dep,
    ) -> Any:
        values = body.model_dump()  # type: ignore[attr-defined]
        _check_references(session, spec, values)
        return crud.create(session, model(**values), who.actor, noun, values)

    @router.get("", response_model=Page[Out], summary=f"List {noun}s")  # type: ignore[valid-type]
    def list_items(
        filters: Annotated[Filters, Query()],  # type: ignore[valid-type]
        page: Annotated[PageParams, Depends(page_params)],
        session: Session = session_dep,
        who: Principal = who_dep,
    ) -> Any:
        query = select(model).order_by(model.id)  # type: ignore[attr-defined]
        for name, value in filters.model_dump(exclude_none=True).items():  # type: ignore[attr-defined]
            query = query.where(getattr(model, name) == value)
        rows, total = fetch_page(session, query, page)
        items = [Out.model_validate(row, from_attributes=True) for row in rows]
        return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}

    @router.get(item_path, response_model=Out, summary=f"Get a {noun}")
    def get_item(item_id: ItemId, session: Session = session_dep, who: Principal = who_dep) -> Any:
        return crud.get_or_404(session, model, item_id, noun)

    @router.patch(item_path, response_model=Out, summary=f"Change a {noun}")
    def patch_item(
        item_id: ItemId,
        body: Patch,  # type: ignore[valid-type]
        session: Session = session_dep,
        who: Principal = who_dep,
    ) -> Any:
        row = crud.get_or_404(session, model, item_id, noun)
        changes = _changes(spec, body)
        _check_references(session, spec, changes)
        _check_patched(spec, row, changes)
        return crud.update(session, row, who.actor, noun, changes)

    @router.delete(item_path, status_code=204, summary=f"Delete a {noun}")
    def delete_item(
        item_id: ItemId, session: Session = session_dep, who: Principal = who_dep
    ) -> None:
        row = crud.get_or_404(session, model, item_id, noun)
        crud.delete(session, row, who.actor, noun)

    return router
