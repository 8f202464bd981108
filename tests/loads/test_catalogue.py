"""The catalogue is the one place parameters are declared: it must be complete and sourced."""

from __future__ import annotations

import dataclasses

import pytest

from surplus.economics.catalogue import PROGRAMME, PUBLIC, TARIFFS
from surplus.economics.public_finance import CapacityPayments
from surplus.economics.subsidy import ServingCost
from surplus.loads import (
    ASIC_MODELS,
    BITCOIN,
    DATA_CENTRE,
    MINER_FLEET,
    SOURCES,
    DataCentre,
    MinerFleet,
)
from surplus.loads.catalogue import ASSUMPTION

CATALOGUES = [MINER_FLEET, DATA_CENTRE, BITCOIN, TARIFFS, PUBLIC, PROGRAMME]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda c: c.name)
def test_every_parameter_is_sourced_and_its_default_valid(catalogue) -> None:  # type: ignore[no-untyped-def]
    names = [p.name for p in catalogue.parameters]
    assert len(names) == len(set(names))
    for p in catalogue.parameters:
        assert p.source == ASSUMPTION or p.source in SOURCES, p.name
        assert p.unit and p.description
        assert p.minimum is None or p.default >= p.minimum, p.name
        assert p.maximum is None or p.default <= p.maximum, p.name


def test_asic_models_are_sourced() -> None:
    for model in ASIC_MODELS:
        assert model.source in SOURCES
        assert not model.price_source or model.price_source in SOURCES


@pytest.mark.parametrize(
    ("cls", "catalogue"),
    [
        (MinerFleet, MINER_FLEET),
        (DataCentre, DATA_CENTRE),
        (ServingCost, TARIFFS),
        (CapacityPayments, PUBLIC),
    ],
)
def test_dataclass_defaults_come_from_the_catalogue(cls, catalogue) -> None:  # type: ignore[no-untyped-def]
    declared = {p.name: p.default for p in catalogue.parameters}
    fields = [f for f in dataclasses.fields(cls) if f.name in declared]
    assert fields
    for field in fields:
        assert field.default == declared[field.name], field.name


def test_fy25_capacity_payment_per_kwh() -> None:
    # Reference: Rs 1,806.18 bn over 126,705 GWh generated is about Rs 14.3/kWh.
    assert CapacityPayments().pkr_per_mwh_generated / 1000 == pytest.approx(14.26, abs=0.01)
    # Sold: 126,705 GWh × 0.97 (NTDC) × 0.824 (DISCO losses) ≈ 101,270 GWh → Rs 17.8/kWh,
    # against the Rs 17.5/kWh the press reported for FY25.
    assert pytest.approx(101_270, abs=5) == 126_705 * 0.97 * (1 - 0.176)
    assert CapacityPayments().pkr_per_mwh_sold / 1000 == pytest.approx(17.84, abs=0.01)
