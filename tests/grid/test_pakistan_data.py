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
    # The national grid's load areas cover the loss of K-2 or K-3 (1,100 MW, in the
    # southern hub) and 5 % of their demand; K-Electric its largest unit (BQPS-III, 300 MW)
    # and 5 % of its own; the hubs hold reserve for them but need none.
    assert pakistan.largest_unit_mw() == 1100
    assert pakistan.largest_unit_mw(["ke"]) == 300
    required = pakistan.reserve_requirement_mw()
    demand = pakistan.demand_mw
    ntdc = demand.drop(columns=["ke", "north_hydro", "south_coast", "thar"]).sum(axis=1)
    assert np.allclose(required["ntdc"], np.maximum(1100, 0.05 * ntdc))
    assert np.allclose(required["ke"], np.maximum(300, 0.05 * demand["ke"]))
    for hub in ("north_hydro", "south_coast", "thar"):
        assert (required[hub] == 0).all()
    assert np.allclose(pakistan.reserve_mw(), required.sum(axis=1))


def test_only_plants_that_respond_in_time_hold_reserve(pakistan: Dataset) -> None:
    kind = pakistan.plant_reserve()["kind"]
    plants = pakistan.operating_plants
    assert set(kind[plants["availability"].isin(["thermal_engine"])]) == {"quick"}
    assert set(kind[["tarbela", "tarbela_t4", "mangla"]]) == {"quick"}
    steam = plants["availability"].isin(["thermal_coal", "thermal_steam", "thermal_thar"])
    assert set(kind[steam]) == {"slow"}
    assert set(kind[plants["fuel"].isin(["rlng"])]) == {"slow"}
    assert set(kind[plants["fuel"].isin(["nuclear", "wind", "solar"])]) == {"none"}


def test_fuel_limits_are_fy24_generation_spread_by_month(pakistan: Dataset) -> None:
    limits = pakistan.fuel_limits.groupby("fuel")["energy_mwh"]
    # FY25: RLNG 17.48 % and furnace oil 0.41 % of 127,159 GWh, 6 % and 79 % below FY24.
    assert limits.sum()["rlng"] == pytest.approx(127_159e3 * 0.1748 / 0.94, rel=1e-4)
    assert limits.sum()["oil"] == pytest.approx(127_159e3 * 0.0041 / 0.21, rel=1e-4)
    assert limits.size().to_dict() == {"oil": 12, "rlng": 12}
    rlng = pakistan.fuel_limits.query("fuel == 'rlng'").set_index("month")["energy_mwh"]
    # Power gets more LNG in summer, when it generates more ...
    assert rlng[6] > 1.8 * rlng[2]
    # ... but never less in a month than the take-or-pay must-run share of its plants makes
    # (must-run × capacity × availability, by local month): the two rules agree, so the
    # base year spills no must-run RLNG for want of fuel. February, March and November are
    # held at that floor (rounded up to 100 MWh).
    plants = pakistan.operating_plants
    must_run = pakistan.available_mw() * plants["must_run"].astype(float)
    floor = must_run.loc[:, plants["fuel"] == "rlng"].sum(axis=1)
    floor_by_month = floor.groupby(pakistan.local_snapshots.month).sum()
    assert (rlng >= floor_by_month).all()
    for month in (2, 3, 11):
        assert rlng[month] - floor_by_month[month] < 100


def test_cost_cap_is_the_tariff_net_of_network_charge_and_losses(pakistan: Dataset) -> None:
    assert pakistan.cost_ceiling_per_mwh == pytest.approx((23_000 - 1_000) * 0.97)
    assert pakistan.spill_penalty_per_mwh == 25_000


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
