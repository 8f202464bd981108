"""Open data: the public dashboard's aggregates as CSV and Parquet tables.

Two tables, the same figures as the page and `/api/v1/public/dashboard`: `monthly` (one row
per month) and `zones` (each zone now). Money is written as text with its exact decimal
digits; a figure settlement has not produced is empty (CSV) or null (Parquet).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

from surplus.dashboard.model import Dashboard

if TYPE_CHECKING:
    import pandas as pd

Table = Literal["monthly", "zones"]
TABLES: tuple[Table, ...] = ("monthly", "zones")
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def frame(dashboard: Dashboard, table: Table) -> pd.DataFrame:
    import pandas as pd  # only when a table is asked for: it slows the service's start

    rows = dashboard.months if table == "monthly" else dashboard.zones
    records = [row.model_dump(mode="json") for row in rows]
    data = pd.DataFrame.from_records(
        records, columns=list(type(rows[0]).model_fields) if rows else None
    )
    return data


def export(dashboard: Dashboard, table: Table, fmt: str) -> bytes:
    data = frame(dashboard, table)
    if fmt == "csv":
        return data.to_csv(index=False, lineterminator="\n").encode()
    buffer = io.BytesIO()
    data.to_parquet(buffer, index=False)
    return buffer.getvalue()
