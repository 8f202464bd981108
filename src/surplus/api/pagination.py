"""Limit/offset pagination: every list returns `{items, total, limit, offset}`, ordered by id
so pages are stable while rows are added at the end."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from surplus.api.ids import OFFSET_MAX

MAX_LIMIT = 1000

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=OFFSET_MAX, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


def fetch_page(session: Session, query: Select[Any], params: PageParams) -> tuple[list[Any], int]:
    """The rows of one page and the total count of the unpaged query."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.limit(params.limit).offset(params.offset)).scalars().all()
    return list(rows), int(total)
