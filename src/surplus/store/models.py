"""Every table module, imported so `metadata` describes the whole schema (Alembic, tests)."""

from __future__ import annotations

import importlib
import importlib.util

from surplus.store import audit, clients, idempotency, programme, readings
from surplus.store.base import Base

# The OpenADR tables (migration 0002), the controller's (0005) and settlement's (0006), once
# their modules exist.
for _name in (
    "surplus.store.openadr_tables",
    "surplus.store.openadr",
    "surplus.store.control_tables",
    "surplus.store.settlement_tables",
):
    if importlib.util.find_spec(_name) is not None:
        importlib.import_module(_name)

metadata = Base.metadata

__all__ = ["audit", "clients", "idempotency", "metadata", "programme", "readings"]
