"""The value grammar: shares, changes, megawatts, hours; and what each key accepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.sensitivity.keys import KEYS, read_derating, read_share, read_switch
from surplus.sensitivity.values import (
    Hours,
    Megawatts,
    Share,
    Word,
    parse_megawatts,
    parse_share,
)


@pytest.mark.parametrize(
    ("text", "factor"),
    [("70%", 0.7), ("70 %", 0.7), ("+15%", 1.15), ("-10%", 0.9), ("100%", 1.0), ("0%", 0.0),
     ("12.5%", 0.125), ("+0.5%", 1.005)],
)  # fmt: skip
def test_an_unsigned_percentage_is_a_share_and_a_signed_one_a_change(
    text: str, factor: float
) -> None:
    share = parse_share(text)
    assert share is not None and share.factor == pytest.approx(factor)


@pytest.mark.parametrize("text", ["70", "seventy%", "%", "+%", "1e2%", "70%%", "", "--10%"])
def test_what_is_not_a_percentage(text: str) -> None:
    assert parse_share(text) is None


@pytest.mark.parametrize(("text", "mw"), [("800", 800.0), ("800MW", 800.0), ("800 mw", 800.0)])
def test_megawatts(text: str, mw: float) -> None:
    assert parse_megawatts(text) == Megawatts(mw)


@given(percent=st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda p: round(p, 3)))
def test_a_written_change_reads_back_as_its_factor(percent: float) -> None:
    up, down = parse_share(f"+{percent}%"), parse_share(f"{percent}%")
    assert up is not None and down is not None
    assert up.factor == pytest.approx(1 + percent / 100)
    assert down.factor == pytest.approx(percent / 100)


def test_a_change_below_minus_100_percent_is_refused() -> None:
    assert read_share("-120%") is None
    assert read_share("-100%") == Share(0.0, "-100%")


def test_a_plant_is_out_derated_by_a_share_at_most_its_availability_or_capped_in_mw() -> None:
    assert read_derating("out") == Word("out")
    assert read_derating("OUT") == Word("out")
    assert read_derating("60%") == Share(0.6, "60%")
    assert read_derating("-40%") == Share(0.6, "-40%")
    assert read_derating("120%") is None and read_derating("+10%") is None
    assert read_derating("500") == Megawatts(500.0)


def test_the_load_shedding_switch() -> None:
    assert read_switch("on") == Hours(10.0)
    assert read_switch("off") == Word("off")
    assert read_switch("14h") == Hours(14.0)
    assert read_switch("25") is None and read_switch("maybe") is None


def test_every_key_is_declared_once_and_says_what_it_accepts() -> None:
    patterns = [key.pattern for key in KEYS]
    assert len(patterns) == len(set(patterns))
    for key in KEYS:
        assert key.accepts and key.meaning
        assert (key.names is None) == (key.noun == "")


def test_a_pattern_matches_its_keys_only() -> None:
    corridor, forward = KEYS[0], KEYS[1]
    assert corridor.match("corridor.southern_ring") == "southern_ring"
    assert corridor.match("corridor.southern_ring.forward") is None
    assert forward.match("corridor.southern_ring.forward") == "southern_ring"
    assert corridor.match("corridor.") is None and corridor.match("demand") is None
