"""Every table module, imported so `metadata` describes the whole schema (Alembic, tests)."""

from __future__ import annotations

import importlib
import importlib.util

from surplus.store import audit, clients, idempotency, programme, readings
from surplus.store.base import Base

# The OpenADR tables (another module's, migration 0002), once that module exists.
if importlib.util.find_spec("surplus.store.openadr") is not None:
    importlib.import_module("surplus.store.openadr")

metadata = Base.metadata

__all__ = ["audit", "clients", "idempotency", "metadata", "programme", "readings"]
