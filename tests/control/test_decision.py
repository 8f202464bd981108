"""The decision, worked by hand on tiny fleets, and its invariants on random ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.control.decision import (
    FAIL_SAFE,
    FREE,
    HELD,
    KEPT,
    PRICE,
    REASONS,
    SHORTFALL,
    Policy,
    decide,
)
from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import ZoneInputs
from tests.control.fleets import fleet, sheet, with_state, zones


def test_a_shortfall_is_shared_pro_rata_among_miners_and_spares_the_data_centre() -> None:
    # 350 MW of flexible load, 250 MW of room: 100 MW must come off, from the miners
    # (100 and 50 MW) in proportion: 66.7 and 33.3; the data centre keeps running.
    f, s = fleet(
        sheet(1, mw=100),
        sheet(2, mw=50),
        sheet(3, kind="ai_data_centre", mw=200, flexible_share=0.25),
    )
    d = decide(f, s, zones({"N": 250.0}))
    assert d.curtail_mw == pytest.approx([200 / 3, 100 / 3, 0.0])
    assert d.limit_mw[:2] == pytest.approx([100 - 200 / 3, 50 - 100 / 3])
    assert np.isnan(d.limit_mw[2])
    assert [REASONS[r] for r in d.reason] == ["shortfall", "shortfall", "free"]
    assert d.zones.required_mw[0] == pytest.approx(100.0)
    assert d.zones.uncovered_mw[0] == 0.0


def test_data_centres_give_only_their_flexible_share_once_miners_are_exhausted() -> None:
    # 350 MW, room 150: 200 MW must come off; miners give 150, the data centre 50 of its
    # 50 MW flexible share (25 % of 200); nothing is left uncovered.
    f, s = fleet(
        sheet(1, mw=100),
        sheet(2, mw=50),
        sheet(3, kind="ai_data_centre", mw=200, flexible_share=0.25),
    )
    d = decide(f, s, zones({"N": 150.0}))
    assert d.curtail_mw == pytest.approx([100.0, 50.0, 50.0])
    # Room 100: 250 must come off, only 200 can: 50 MW uncovered, none of it for contracts.
    d = decide(f, s, zones({"N": 100.0}))
    assert d.curtail_mw == pytest.approx([100.0, 50.0, 50.0])
    assert d.zones.uncovered_mw[0] == pytest.approx(50.0)
    assert d.zones.blocked_mw[0] == 0.0


def test_priority_fills_the_lowest_number_first_within_a_class() -> None:
    f, s = fleet(
        sheet(1, mw=100, priority=5), sheet(2, mw=100, priority=1), sheet(3, mw=100, priority=3)
    )
    d = decide(f, s, zones({"N": 150.0}), Policy(within_class="priority"))
    assert d.curtail_mw == pytest.approx([0.0, 100.0, 50.0])


def test_a_site_out_of_hours_is_not_ordered_and_the_gap_is_recorded() -> None:
    # Site 1 has used its 10 hours; site 2 alone cannot cover 150 MW.
    f, s = fleet(sheet(1, mw=100, max_hours_per_year=10), sheet(2, mw=100))
    s = with_state(s, used_s=[10 * 3600, 0.0])
    d = decide(f, s, zones({"N": 50.0}))
    assert d.curtail_mw == pytest.approx([0.0, 100.0])
    assert d.zones.uncovered_mw[0] == pytest.approx(50.0)
    assert d.zones.blocked_mw[0] == pytest.approx(100.0)


def test_the_longest_event_ends_a_sites_curtailment_and_others_take_over() -> None:
    f, s = fleet(sheet(1, mw=100, longest_event_hours=1), sheet(2, mw=100))
    s = with_state(s, curtail_mw=[50.0, 50.0], event_s=[3600.0, 3600.0])
    d = decide(f, s, zones({"N": 100.0}))  # 100 MW must come off
    assert d.curtail_mw == pytest.approx([0.0, 100.0])


def test_a_rested_site_may_start_again_but_not_before_its_rest() -> None:
    f, s = fleet(sheet(1, mw=100, min_rest_minutes=30))
    tired = with_state(s, rest_s=[600.0])
    assert decide(f, tired, zones({"N": 50.0})).curtail_mw[0] == 0.0
    rested = with_state(s, rest_s=[1800.0])
    assert decide(f, rested, zones({"N": 50.0})).curtail_mw[0] == pytest.approx(50.0)


def test_stale_grid_data_is_a_shortfall_everything_curtailable_comes_off() -> None:
    f, s = fleet(sheet(1, mw=100), sheet(2, kind="ai_data_centre", mw=100, flexible_share=0.3))
    stale = zones({"N": 1000.0})
    stale = ZoneInputs(stale.names, np.zeros(1), stale.price_pkr_per_mwh, np.array([True]))
    d = decide(f, s, stale)
    assert d.curtail_mw == pytest.approx([100.0, 30.0])
    assert set(d.reason.tolist()) == {FAIL_SAFE}


def test_price_above_a_sites_threshold_curtails_its_flexible_share() -> None:
    f, s = fleet(sheet(1, mw=100, price_cap=30_000), sheet(2, mw=100))
    d = decide(f, s, zones({"N": 10_000.0}, {"N": 45_000.0}))
    assert d.curtail_mw == pytest.approx([100.0, 0.0])
    assert d.reason[0] == PRICE and d.reason[1] == FREE
    d = decide(f, s, zones({"N": 10_000.0}, {"N": 25_000.0}))
    assert d.curtail_mw == pytest.approx([0.0, 0.0])


def test_a_firm_load_is_curtailed_on_price_but_never_for_capacity() -> None:
    # Site 1 is firm with curtailment on price above Rs 30,000/MWh; site 2 a plain miner.
    f, s = fleet(
        sheet(1, mw=100, price_cap=30_000, firm=True, max_share_of_energy=0.01),
        sheet(2, mw=100),
    )
    short = decide(f, s, zones({"N": 50.0}, {"N": 25_000.0}))  # 150 MW must come off
    assert short.curtail_mw == pytest.approx([0.0, 100.0])
    assert short.zones.uncovered_mw[0] == pytest.approx(50.0)
    assert short.zones.blocked_mw[0] == pytest.approx(100.0)  # only a breach could use it
    priced = decide(f, s, zones({"N": 500.0}, {"N": 45_000.0}))
    assert priced.curtail_mw == pytest.approx([100.0, 0.0]) and priced.reason[0] == PRICE


def test_the_share_of_energy_bounds_curtailment_like_the_hours() -> None:
    # 0.1 % of 100 MW over 8,760 h is 876 MWh; site 1 has used 875.5: half an MWh is
    # less than a minute at its 100 MW, so it may not start; site 2 covers what it can.
    f, s = fleet(sheet(1, mw=100, max_share_of_energy=0.001), sheet(2, mw=100))
    assert f.budget_mwh[0] == pytest.approx(876.0)
    s = with_state(s, used_mwh=[875.5, 0.0])
    d = decide(f, s, zones({"N": 50.0}))
    assert d.curtail_mw == pytest.approx([0.0, 100.0])
    assert d.zones.blocked_mw[0] == pytest.approx(100.0)
    # In an event, a site runs until its energy is spent, then is released.
    s = with_state(s, curtail_mw=[50.0, 50.0], event_s=[600.0, 600.0], used_mwh=[876.0, 0.0])
    assert decide(f, s, zones({"N": 100.0})).curtail_mw == pytest.approx([0.0, 100.0])


def test_a_site_that_missed_its_target_counts_only_for_what_it_delivered() -> None:
    # Site 1 was told to shed 60 MW but its meter shows 10: the others cover the other 50.
    f, s = fleet(sheet(1, mw=100), sheet(2, mw=100), sheet(3, mw=100))
    s = with_state(
        s,
        curtail_mw=[60.0, 20.0, 20.0],
        unreliable=[True, False, False],
        delivered_mw=[10.0, 0.0, 0.0],
        event_s=[120.0, 120.0, 120.0],
    )
    d = decide(f, s, zones({"N": 200.0}))  # 100 MW must come off
    assert d.reason[0] == KEPT and d.curtail_mw[0] == pytest.approx(60.0)
    assert d.curtail_mw[1:] == pytest.approx([45.0, 45.0])
    assert d.zones.covered_now_mw[0] == pytest.approx(100.0)


def test_a_site_with_notice_is_ordered_ahead_and_counts_only_once_it_applies() -> None:
    f, s = fleet(sheet(1, kind="ai_data_centre", mw=100, flexible_share=0.5, notice_minutes=10))
    d = decide(f, s, zones({"N": 60.0}))
    assert d.curtail_mw[0] == pytest.approx(40.0)
    assert d.starts_after_s[0] == 600.0
    assert d.zones.pending_mw[0] == pytest.approx(40.0)
    assert d.zones.uncovered_mw[0] == pytest.approx(40.0)


def test_restoration_waits_for_the_hold_then_goes_at_the_rate_data_centres_first() -> None:
    f, s = fleet(sheet(1, mw=100), sheet(2, kind="ai_data_centre", mw=100, flexible_share=0.5))
    s = with_state(s, curtail_mw=[100.0, 50.0], event_s=[600.0, 600.0])
    room = zones({"N": 1000.0})  # the shortfall is over
    policy = Policy(restore_hold_s=300, restore_rate_mw_per_min=30)
    held = decide(f, s, room, policy, calm_for_s=np.array([100.0]), dt_s=60)
    assert held.curtail_mw == pytest.approx([100.0, 50.0])
    assert set(held.reason.tolist()) == {HELD}
    step = decide(f, s, room, policy, calm_for_s=np.array([400.0]), dt_s=60)
    assert step.curtail_mw == pytest.approx([100.0, 20.0])  # 30 MW back, the data centre's
    assert step.zones.target_mw[0] == pytest.approx(120.0)


def test_a_site_that_never_delivered_does_not_hold_back_the_others_restoration() -> None:
    f, s = fleet(sheet(1, mw=100), sheet(2, mw=100))
    s = with_state(s, curtail_mw=[100.0, 100.0], event_s=[600.0, 600.0],
                   unreliable=[False, True], delivered_mw=[0.0, 0.0])  # fmt: skip
    d = decide(f, s, zones({"N": 5000.0}), Policy(restore_rate_mw_per_min=50),
               calm_for_s=np.array([1e6]), dt_s=60)  # fmt: skip
    assert d.curtail_mw == pytest.approx([50.0, 100.0])  # site 1 gets 50 MW back


def test_restoration_keeps_the_margin_when_the_room_is_narrow() -> None:
    # 100 MW curtailed of 200, room 150: restoring more than 50 - margin would leave
    # less than the margin; the margin is max(1, 5 % of 200) = 10 MW.
    f, s = fleet(sheet(1, mw=100), sheet(2, mw=100))
    s = with_state(s, curtail_mw=[50.0, 50.0], event_s=[600.0, 600.0])
    d = decide(
        f,
        s,
        zones({"N": 150.0}),
        Policy(restore_rate_mw_per_min=1000),
        calm_for_s=np.array([1e6]),
        dt_s=60,
    )
    assert d.curtail_mw.sum() == pytest.approx(60.0)


def test_held_curtailment_is_given_back_site_by_site_and_never_moved_to_a_free_site() -> None:
    f, s = fleet(sheet(1, mw=100, priority=1), sheet(2, mw=100, priority=2), sheet(3, mw=100))
    s = with_state(s, curtail_mw=[100.0, 100.0, 0.0], event_s=[600.0, 600.0, np.nan])
    d = decide(
        f,
        s,
        zones({"N": 5000.0}),
        Policy(restore_rate_mw_per_min=60),
        calm_for_s=np.array([1e6]),
        dt_s=60,
    )
    assert d.curtail_mw == pytest.approx([100.0, 40.0, 0.0])


# -- invariants on random fleets ----------------------------------------------------------


@st.composite
def situations(draw: st.DrawFn) -> tuple[Fleet, FleetState, ZoneInputs]:
    n = draw(st.integers(1, 25))
    n_zones = draw(st.integers(1, 4))
    sheets = []
    for i in range(n):
        kind = draw(st.sampled_from(["miner", "ai_data_centre"]))
        sheets.append(
            sheet(
                i + 1,
                zone=f"z{draw(st.integers(0, n_zones - 1))}",
                kind=kind,
                mw=draw(st.floats(1, 500)),
                flexible_share=draw(st.floats(0.05, 1.0)),
                max_hours_per_year=draw(st.sampled_from([0, 1, 438])),
                max_share_of_energy=draw(st.sampled_from([0.0, 1e-5, 0.05])),
                notice_minutes=draw(st.sampled_from([0, 0, 5])),
                priority=draw(st.integers(0, 5)),
            )
        )
    f, s = fleet(*sheets)
    used = [draw(st.floats(0, 3600)) for _ in range(n)]
    used_mwh = [draw(st.floats(0, 50)) for _ in range(n)]
    s = with_state(s, used_s=used, used_mwh=used_mwh)
    spare = {z: draw(st.floats(-200, 3000)) for z in sorted({x.zone for x in sheets})}
    return f, s, zones(spare)


@given(situations(), st.sampled_from(["pro_rata", "priority"]))
def test_every_order_is_within_the_contract_and_the_shortfall_adds_up(
    case: tuple[Fleet, FleetState, ZoneInputs], mode: str
) -> None:
    f, s, z = case
    d = decide(f, s, z, Policy(within_class=mode))  # type: ignore[arg-type]
    flexible = f.allocated_mw * f.flexible_share
    assert (d.curtail_mw >= -1e-9).all() and (d.curtail_mw <= flexible + 1e-6).all()
    out_of_hours = f.budget_s - s.used_s < Policy().min_order_s
    assert (d.curtail_mw[out_of_hours] == 0).all()
    out_of_energy = f.budget_mwh - s.used_mwh < flexible * Policy().min_order_s / 3600
    assert (d.curtail_mw[out_of_energy] == 0).all()
    # Delivered now + pending notice + uncovered covers what was required, zone by zone.
    o = d.zones
    assert (o.covered_now_mw + o.uncovered_mw >= o.required_mw - 1e-6).all()
    assert (o.covered_now_mw <= o.required_mw + 1e-6).all()  # no curtailment beyond need
    assert (o.uncovered_mw <= o.required_mw + 1e-9).all()


@given(situations(), st.randoms(use_true_random=False))
def test_the_order_of_sites_changes_nothing(
    case: tuple[Fleet, FleetState, ZoneInputs], rng: object
) -> None:
    f, s, z = case
    order = np.arange(len(f))
    rng.shuffle(order)  # type: ignore[attr-defined]
    f2 = Fleet(**{k: v[order] for k, v in vars(f).items()})
    s2 = FleetState(**{k: v[order] for k, v in vars(s).items()})
    a, b = decide(f, s, z), decide(f2, s2, z)
    assert b.curtail_mw == pytest.approx(a.curtail_mw[order], abs=1e-6)
    assert (b.reason == a.reason[order]).all()


def test_reason_codes_are_named() -> None:
    assert REASONS[SHORTFALL] == "shortfall" and REASONS[KEPT] == "kept"
