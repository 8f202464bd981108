"""Who gets the quota: applications in, an optimal, verified and explained allocation out,
with a term sheet (as data) for every grant.

`read_applications` validates a CSV or JSON file of `Application`s (every problem named by
row and field, nothing half-read). `grid_capacity` turns a dispatch into the allocator's
plain view of the grid (spare MW, physical and at each tariff's cost cap, and marginal cost
per zone and hour, the sites). `allocate` solves a mixed-integer programme in HiGHS (quota
phases, operator caps, minimum sizes, firm loads only on firm headroom, each applicant's
curtailment within its offer), verifies every grant by dispatching the year with all of
them, and explains each decision with the shadow price of the constraint that bound it.
`term_sheets` writes the terms as `surplus.contracts.TermSheet`. Figures live in
`surplus.allocation.figures` (not imported here). Method and assumptions:
docs/allocation.md.
"""

from surplus.allocation.allocator import (
    Allocation,
    AllocationSettings,
    Binding,
    Decision,
    Phase,
    allocate,
)
from surplus.allocation.applications import Application
from surplus.allocation.benefit import BenefitAssumptions, net_benefit_table
from surplus.allocation.grid import (
    GridCapacity,
    at_cost_spares,
    caps_of,
    grid_capacity,
    known_sites,
)
from surplus.allocation.output import allocations_frame, summary, write_outputs
from surplus.allocation.reader import parse_csv, parse_json, read_applications
from surplus.allocation.rules import TARIFF_RULES, TariffRule, tariff_rules
from surplus.allocation.term_sheets import TermsPolicy, term_sheets, to_html, to_markdown
from surplus.allocation.verification import Grant, Verification, Verified, verify

__all__ = [
    "TARIFF_RULES",
    "Allocation",
    "AllocationSettings",
    "Application",
    "BenefitAssumptions",
    "Binding",
    "Decision",
    "Grant",
    "GridCapacity",
    "Phase",
    "TariffRule",
    "TermsPolicy",
    "Verification",
    "Verified",
    "allocate",
    "allocations_frame",
    "at_cost_spares",
    "caps_of",
    "grid_capacity",
    "known_sites",
    "net_benefit_table",
    "parse_csv",
    "parse_json",
    "read_applications",
    "summary",
    "tariff_rules",
    "term_sheets",
    "to_html",
    "to_markdown",
    "verify",
    "write_outputs",
]
