"""Facts other parts of the project rely on in the embedded Pakistan dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surplus.grid import Dataset, load_dataset

DATA = Path(__file__).resolve().parents[2] / "src" / "surplus" / "data" / "pakistan"


@pytest.fixture(scope="module")
def pakistan() -> Dataset:
    return load_dataset()


def test_named_plants_have_the_ids_other_modules_use(pakistan: Dataset) -> None:
    plants = pakistan.plants
    for plant, zone in (("sahiwal", "mepco"), ("port_qasim", "south_coast"),
                        ("china_power_hub", "south_coast")):  # fmt: skip
        assert plants.loc[plant, "fuel"] == "coal_imported"
        assert plants.loc[plant, "capacity_mw"] == 1320
        assert plants.loc[plant, "zone"] == zone
        assert plants.loc[plant, "status"] == "operating"


def test_terminated_and_delicensed_plants_are_kept_as_retired(pakistan: Dataset) -> None:
    for plant in ("hub_power", "lalpir", "pakgen", "rousch", "saba_power", "kanupp_1"):
        assert pakistan.plants.loc[plant, "status"] == "retired"
        assert plant not in pakistan.operating_plants.index


def test_largest_unit_is_an_hpr1000_and_reserve_follows_the_rule(pakistan: Dataset) -> None:
    assert pakistan.largest_unit_mw() == 1100
    reserve = pakistan.reserve_mw()
    total = pakistan.demand_mw.sum(axis=1)
    assert (reserve >= 1100).all()
    assert np.allclose(reserve, np.maximum(1100, 0.05 * total))


def test_hubs_have_no_demand_and_load_zones_do(pakistan: Dataset) -> None:
    zones = pakistan.zones
    header = pd.read_csv(DATA / "demand.csv", nrows=0).columns.drop("timestamp")
    assert set(header) == set(zones.index[zones["kind"] == "load"])
    assert {"thar", "south_coast", "north_hydro"} == set(zones.index[zones["kind"] == "hub"])


def test_stamps_start_at_local_midnight_with_an_explicit_offset() -> None:
    for name in ("demand.csv", "availability.csv"):
        stamps = pd.read_csv(DATA / name, usecols=["timestamp"])["timestamp"]
        assert len(stamps) == 8760
        assert stamps.iloc[0] == "2025-01-01T00:00+05:00"
        assert stamps.iloc[-1] == "2025-12-31T23:00+05:00"
        assert stamps.str.endswith("+05:00").all()


def test_plants_file_is_sorted_by_zone_then_fuel() -> None:
    plants = pd.read_csv(DATA / "plants.csv")
    keys = list(zip(plants["zone"], plants["fuel"], strict=True))
    assert keys == sorted(keys)


def test_every_source_key_is_defined(pakistan: Dataset) -> None:
    defined = {source.key for source in pakistan.info.sources}
    used = set()
    for column in (pakistan.plants["source"], pakistan.corridors["source"].fillna("")):
        for keys in column:
            used |= set(str(keys).split())
    assert used <= defined, used - defined


def test_must_run_output_of_each_hub_fits_its_export_corridors(pakistan: Dataset) -> None:
    # A hub has no demand: whatever must run there has to leave by its corridors every hour.
    plants = pakistan.operating_plants
    must_mw = pakistan.available_mw() * plants["must_run"]
    corridors = pakistan.corridors
    for hub in pakistan.zones.index[pakistan.zones["kind"] == "hub"]:
        out = corridors.loc[corridors["from_zone"] == hub, "capacity_mw"].sum()
        back = corridors.loc[corridors["to_zone"] == hub, "reverse_capacity_mw"].sum()
        in_hub = plants.index[plants["zone"] == hub]
        assert must_mw[in_hub].sum(axis=1).max() <= out + back, hub


def test_must_run_output_never_exceeds_national_demand(pakistan: Dataset) -> None:
    # Must-run output cannot be spilled, so it has to fit under demand every hour, with room
    # for a sensitivity that lowers demand. The tightest hour is noon on Eid al-Fitr
    # (31 March: 6,585 MW), where nuclear, bagasse and the RLNG take-or-pay share must run;
    # run-of-river water may be spilled there.
    plants = pakistan.operating_plants
    must_mw = (pakistan.available_mw() * plants["must_run"]).sum(axis=1)
    margin = pakistan.demand_mw.sum(axis=1) - must_mw
    assert margin.min() > 1_000.0


def test_the_transmission_facts_are_kept(pakistan: Dataset) -> None:
    corridors = pakistan.corridors
    hvdc = corridors.loc["hvdc_matiari_lahore"]
    assert (hvdc["from_zone"], hvdc["to_zone"], hvdc["kind"]) == ("hesco", "lesco", "dc")
    assert hvdc["capacity_mw"] == 4000
    assert corridors.loc["ntdc_ke", "capacity_mw"] == 1600
    assert corridors.loc["ntdc_ke", "to_zone"] == "ke"


def test_availability_profiles_follow_the_published_seasons(pakistan: Dataset) -> None:
    profiles = pakistan.availability
    month = pakistan.local_snapshots.month
    by_month = profiles.groupby(month).mean()
    assert by_month["wind_sindh"].idxmax() in (6, 7, 8)
    assert by_month["wind_sindh"].idxmin() in (10, 11, 12, 1)
    assert by_month["ror_indus"].idxmax() in (7, 8)
    assert by_month.loc[[5, 6, 7, 8, 9, 10], "bagasse"].max() == 0
    assert profiles["solar_pv"][pakistan.local_snapshots.hour.isin([0, 1, 2, 22, 23])].max() == 0


def test_plants_lie_in_pakistan_and_at_least_80_operate(pakistan: Dataset) -> None:
    plants = pakistan.plants
    assert len(pakistan.operating_plants) >= 80
    assert plants["lat"].between(23.5, 37.1).all()
    assert plants["lon"].between(60.8, 77.9).all()
    # Each plant is within ~4 degrees of its zone's centre (hubs and DISCOs are compact).
    centre = pakistan.zones.loc[plants["zone"], ["lat", "lon"]].to_numpy()
    distance = np.hypot(*(plants[["lat", "lon"]].to_numpy() - centre).T)
    assert distance.max() < 4.0, plants.index[distance.argmax()]
