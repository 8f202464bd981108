"""Headroom, ranking and the joint question on two weeks of the embedded Pakistan dataset."""

from __future__ import annotations

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from surplus.dispatch import dispatch
from surplus.grid.load import load_dataset
from surplus.headroom import cli as headroom_cli
from surplus.headroom.figures import siting_figures
from surplus.headroom.grid import zone_headroom, zone_rate_curves
from surplus.headroom.joint import joint_curtailment, joint_verdict
from surplus.headroom.sites import Site, candidate_sites, rank_sites, split_load
from surplus.headroom.siting import assess_siting
from surplus.headroom.timeline import HeadroomError

PLANTS = ["sahiwal", "port_qasim", "china_power_hub"]


@pytest.fixture(scope="module")
def fortnight():
    dataset = load_dataset(None).subset("2025-06-10T19:00Z", "2025-06-24T19:00Z")
    return dataset, dispatch(dataset)


def test_firm_headroom_is_the_zone_minimum_spare(fortnight) -> None:
    _, base = fortnight
    table = zone_headroom(base, (0.0, 0.01))
    for zone in base.spare_mw.columns:
        expected = max(float(base.spare_mw[zone].min()), 0.0)
        assert table.get(zone, 0.0).headroom_mw == pytest.approx(expected, rel=1e-9, abs=1e-6)
        assert table.get(zone, 0.01).headroom_mw >= table.get(zone, 0.0).headroom_mw


def test_rate_curve_matches_the_solved_headroom(fortnight) -> None:
    _, base = fortnight
    table = zone_headroom(base, (0.01,))
    curves = zone_rate_curves(base, 8000.0, points=161)
    for zone in curves.columns:
        load = table.get(zone, 0.01).headroom_mw
        below = curves.index.to_numpy() < load - 1e-6
        assert (curves[zone].to_numpy()[below] <= 0.01 + 1e-12).all()
        assert np.all(np.diff(curves[zone].to_numpy()) >= -1e-12)


def test_plant_sites_stand_for_their_zone(fortnight) -> None:
    dataset, base = fortnight
    sites = candidate_sites(dataset, PLANTS)
    ranks = rank_sites(base, sites, 0.005)
    by_name = {rank.site.name: rank for rank in ranks}
    for plant in PLANTS:
        zone = dataset.plants.loc[plant, "zone"]
        assert by_name[plant].headroom_mw == by_name[zone].headroom_mw
        assert by_name[plant].price_pkr_per_mwh == by_name[zone].price_pkr_per_mwh
    headrooms = [rank.headroom_mw for rank in ranks]
    assert headrooms == sorted(headrooms, reverse=True)


def test_unknown_site_is_a_clear_error(fortnight) -> None:
    dataset, _ = fortnight
    with pytest.raises(HeadroomError, match="neither a plant nor a zone"):
        split_load(dataset, ["atlantis"], 100.0)


def test_joint_curtailment_invariants(fortnight) -> None:
    dataset, base = fortnight
    sites = split_load(dataset, PLANTS, 6000.0)  # 2,000 MW each: more than firm anywhere
    answer = joint_curtailment(dataset, base, sites)
    assert answer.total_load_mw == pytest.approx(6000.0)
    total = sum(item.joint.curtailed_mwh_per_year for item in answer.sites)
    assert answer.combined.curtailed_mwh_per_year == pytest.approx(total)
    for item in answer.sites:
        for stats in (item.independent, item.joint):
            assert 0.0 <= stats.rate <= 1.0
            assert stats.hours_serving_90pct_per_year <= stats.hours_serving_50pct_per_year
            assert stats.hours_serving_50pct_per_year <= stats.curtailed_hours_per_year
            assert sum(stats.curtailed_hours_by_month) == stats.curtailed_hours_per_year
    assert "6,000 MW at sahiwal" in joint_verdict(answer)


def test_a_load_within_firm_headroom_is_never_curtailed(fortnight) -> None:
    dataset, base = fortnight
    firm = zone_headroom(base, (0.0,)).get("mepco", 0.0).headroom_mw
    site = Site("probe", "mepco", "zone", 0.9 * firm)
    answer = joint_curtailment(dataset, base, [site])
    assert answer.sites[0].independent.curtailed_mwh_per_year == 0.0
    assert answer.sites[0].joint.curtailed_mwh_per_year == pytest.approx(0.0, abs=1e-3)
    assert joint_verdict(answer).endswith("(firm).")


def test_figures_are_built(fortnight) -> None:
    dataset, base = fortnight
    report = assess_siting(dataset, base, split_load(dataset, PLANTS, 2000.0))
    figures = siting_figures(report)
    assert set(figures) == {"headroom_by_zone", "rate_curves", "joint_calendar", "zone_calendar"}
    assert len(figures["headroom_by_zone"].data) == 5
    assert len(figures["rate_curves"].data) == len(dataset.zones) + 3
    assert np.asarray(figures["joint_calendar"].data[0].z).shape == (12, 24)


def test_sites_command_answers_the_question(fortnight, monkeypatch) -> None:
    monkeypatch.setattr(headroom_cli, "dispatched", lambda path, cost_cap=None: fortnight)
    app = typer.Typer()
    app.command("sites")(headroom_cli.sites_command)
    app.command("headroom")(headroom_cli.headroom_command)
    result = CliRunner().invoke(app, ["sites"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2,000 MW at sahiwal, port_qasim, china_power_hub:" in result.output
    assert "2,000 MW at sahiwal, port_qasim, china_power_hub, at a marginal cost within" in (
        result.output.replace("\n", " ")
    )
    assert "Candidate sites" in result.output and "independent" in result.output
    assert "at a cost (marginal cost ≤ 21,340 PKR/MWh)" in result.output
    result = CliRunner().invoke(app, ["headroom", "--budget", "0.01"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "south_coast" in result.output


def test_headroom_at_a_cost_is_part_of_the_physical(fortnight) -> None:
    dataset, base = fortnight
    budgets = (0.0, 0.005, 0.05)
    physical = zone_headroom(base, budgets).headroom_mw()
    at_cost = zone_headroom(base, budgets, kind="at_cost").headroom_mw()
    assert (at_cost.to_numpy() <= physical.to_numpy() + 1e-6).all()
    assert (at_cost.to_numpy() < physical.to_numpy() - 1.0).any()  # the cap bites somewhere
    sites = split_load(dataset, PLANTS, 2000.0)
    answer = joint_curtailment(dataset, base, sites)
    costly = joint_curtailment(dataset, base, sites, kind="at_cost")
    assert costly.kind == "at_cost" and costly.cost_cap_pkr_per_mwh == pytest.approx(21_340.0)
    # Worth less to the dispatch (the cap, not just above the dearest plant), the loads are
    # never served more.
    assert costly.combined.rate >= answer.combined.rate - 1e-9
    assert "at a marginal cost within 21.34 Rs/kWh" in joint_verdict(costly)
