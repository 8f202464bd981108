"""Contracts as data: the term sheet of each allocation, in one typed model.

The allocation writes term sheets (`surplus allocate`, JSON checked against
docs/term-sheet.schema.json); real-time control reads their curtailment rights and
settlement their penalties, from the same model, so the three never disagree on what a
clause means. `terms` is the model (pydantic and the standard library only); `files`
reads sheets from disk with every problem named by file, item and field.
"""

from surplus.contracts.files import load_term_sheets, parse_term_sheets
from surplus.contracts.terms import (
    HOURS_IN_YEAR,
    PRICE_CAPPED_RULES,
    SCHEMA_VERSION,
    TARIFF_RULE_NAMES,
    BaselineName,
    CurtailmentRights,
    ExpectedService,
    LoadKind,
    PenaltyTerms,
    TariffTerms,
    TelemetryTerms,
    TermSheet,
    term_sheet_json_schema,
)

__all__ = [
    "HOURS_IN_YEAR",
    "PRICE_CAPPED_RULES",
    "SCHEMA_VERSION",
    "TARIFF_RULE_NAMES",
    "BaselineName",
    "CurtailmentRights",
    "ExpectedService",
    "LoadKind",
    "PenaltyTerms",
    "TariffTerms",
    "TelemetryTerms",
    "TermSheet",
    "load_term_sheets",
    "parse_term_sheets",
    "term_sheet_json_schema",
]
