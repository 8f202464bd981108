"""The enrolled sites' term sheets, read from the programme register: each active
allocation's `terms` (a `TermSheet` as `surplus allocate` writes it), with the site's id
and zone from its row, and the programme's own enrolment of term sheets into the
register."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.contracts import TermSheet
from surplus.store.programme import Allocation, Application, Operator, Site

log = logging.getLogger(__name__)

REGISTER_LOAD_KIND = {"miner": "bitcoin_mining", "ai_data_centre": "ai_data_centre"}
"""The register's name (applications' `load_kind`) for a term sheet's `kind`."""


def active_term_sheets(session: Session, now: datetime | None = None) -> list[TermSheet]:
    """Term sheets of active allocations in force on `now`'s date (by the allocation's
    dates and the sheet's own), sorted by site id, each with `register_site_id` set.

    The register's row is authoritative for the site's id and zone; a sheet naming another
    zone is logged. An allocation whose terms do not validate is left out and logged: one
    bad contract must not stop the protection of every other site."""
    today = (now or datetime.now(UTC)).date()
    rows = session.execute(
        select(Allocation, Site)
        .join(Site, Site.id == Allocation.site_id)
        .where(Allocation.status == "active")
        .order_by(Allocation.site_id, Allocation.id)
    ).all()
    sheets: dict[int, TermSheet] = {}
    for allocation, site in rows:
        if allocation.starts_on > today or (allocation.ends_on and allocation.ends_on <= today):
            continue
        terms = {**(allocation.terms or {}), "register_site_id": site.id}
        if terms.get("zone") not in (None, site.zone):
            log.warning(
                "allocation %s: its term sheet names zone %r, the register %r; using the "
                "register's",
                allocation.id,
                terms.get("zone"),
                site.zone,
            )
        terms["zone"] = site.zone
        try:
            sheet = TermSheet.model_validate(terms)
        except ValidationError as error:
            log.error("allocation %s: terms are not a valid term sheet: %s", allocation.id, error)
            continue
        if sheet.in_force(today):
            sheets[site.id] = sheet
    return [sheets[site_id] for site_id in sorted(sheets)]


@dataclass(frozen=True)
class Placement:
    """Where an enrolled grant is in the register: the site's coordinates (a term sheet
    names its connection point, not where it is) and, optionally, the site id to use."""

    latitude_deg: float
    longitude_deg: float
    site_id: int | None = None


def enrol_term_sheets(
    session: Session, sheets: Sequence[TermSheet], placements: Sequence[Placement]
) -> list[TermSheet]:
    """Put granted term sheets in the register: an operator (found by name or made), a site,
    an approved application and an active allocation carrying the sheet as its `terms`,
    in the caller's transaction. Returns the sheets with `register_site_id` set.

    The allocation runs from the sheet's `start_date` to its `end_date`; its
    `curtailment_rights` names the kind of right (`firm` or `interruptible`)."""
    enrolled = []
    operators = {row.name: row.id for row in session.scalars(select(Operator))}
    for sheet, where in zip(sheets, placements, strict=True):
        if sheet.operator not in operators:
            operator = Operator(name=sheet.operator)
            session.add(operator)
            session.flush()
            operators[sheet.operator] = operator.id
        site = Site(
            operator_id=operators[sheet.operator],
            name=f"{sheet.site} ({sheet.term_sheet_id})",
            zone=sheet.zone,
            latitude_deg=where.latitude_deg,
            longitude_deg=where.longitude_deg,
            connection_mw=sheet.allocated_mw,
        )
        if where.site_id is not None:
            site.id = where.site_id
        session.add(site)
        session.flush()
        registered = sheet.model_copy(update={"register_site_id": site.id})
        application = Application(
            operator_id=site.operator_id,
            site_id=site.id,
            requested_mw=sheet.allocated_mw,
            load_kind=REGISTER_LOAD_KIND[sheet.kind],
            status="approved",
            notes=f"enrolled from term sheet {sheet.term_sheet_id} "
            f"(application {sheet.application_id})",
        )
        session.add(application)
        session.flush()
        session.add(
            Allocation(
                application_id=application.id,
                site_id=site.id,
                allocated_mw=sheet.allocated_mw,
                tariff_rule=sheet.tariff.rule,
                curtailment_rights="firm" if sheet.curtailment.firm else "interruptible",
                terms=registered.model_dump(mode="json"),
                starts_on=sheet.start_date,
                ends_on=sheet.end_date,
                status="active",
            )
        )
        enrolled.append(registered)
    session.flush()
    return enrolled
