"""Small rows for tests, written the way the service writes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from surplus.store.programme import Operator, Site


def operator_and_site(
    session: Session, name: str = "Acme Mining", ven_id: str | None = None
) -> Site:
    operator = Operator(name=name)
    session.add(operator)
    session.flush()
    site = Site(
        operator_id=operator.id,
        name=f"{name} site",
        zone="LESCO",
        latitude_deg=31.5,
        longitude_deg=74.3,
        connection_mw=20.0,
        ven_id=ven_id,
    )
    session.add(site)
    session.flush()
    return site
