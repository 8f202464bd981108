"""The enrolled sites' term sheets, read from the programme register: each active
allocation's `terms` (a `TermSheet` as JSON), with the site's id and zone from its row."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.contracts import TermSheet
from surplus.store.programme import Allocation, Site

log = logging.getLogger(__name__)


def active_term_sheets(session: Session, now: datetime | None = None) -> list[TermSheet]:
    """Term sheets of active allocations in force on `now`'s date, sorted by site id.

    An allocation whose terms do not validate is left out and logged: one bad contract
    must not stop the protection of every other site."""
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
        terms = {**(allocation.terms or {}), "site_id": site.id, "zone": site.zone}
        terms.setdefault("id", f"allocation-{allocation.id}")
        terms.setdefault("site_name", site.name)
        try:
            sheets[site.id] = TermSheet.model_validate(terms)
        except ValidationError as error:
            log.error("allocation %s: terms are not a valid term sheet: %s", allocation.id, error)
    return [sheets[site_id] for site_id in sorted(sheets)]
