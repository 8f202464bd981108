"""Contracts as data: the term sheet each flexible load signs, in one typed model.

The allocation writes term sheets (JSON validated by `TermSheet`); real-time control reads
the curtailment rights from them and settlement the penalties. One model, so the three
never disagree on what a clause means. `term_sheet_schema()` is the JSON Schema to hand
to anyone who produces term sheets by other means.
"""

from surplus.contracts.terms import (
    CurtailmentRights,
    LoadKind,
    Penalties,
    TelemetryTerms,
    TermSheet,
    load_term_sheets,
    parse_term_sheets,
    term_sheet_schema,
)

__all__ = [
    "CurtailmentRights",
    "LoadKind",
    "Penalties",
    "TelemetryTerms",
    "TermSheet",
    "load_term_sheets",
    "parse_term_sheets",
    "term_sheet_schema",
]
