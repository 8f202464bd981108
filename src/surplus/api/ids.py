"""Bounds on the integers the API passes to the database, so a number its column cannot
hold is refused as invalid input (422) instead of failing inside the driver (500)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# The register's primary keys are `Integer`: 32-bit signed on PostgreSQL.
ROW_ID_MIN = -(2**31)
ROW_ID_MAX = 2**31 - 1
# OFFSET takes a 64-bit signed value on PostgreSQL and SQLite.
OFFSET_MAX = 2**63 - 1

RowId = Annotated[int, Field(ge=ROW_ID_MIN, le=ROW_ID_MAX)]
