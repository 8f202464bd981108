"""Settings are checked against the dataset before anything runs: one line per bad setting,
naming the key and what it accepts; scenario files read the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from surplus.errors import InputError
from surplus.sensitivity import parse_setting, read_scenario, resolve_settings
from tests.dispatch.systems import two_zones_congested


def problems(*texts: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        resolve_settings(two_zones_congested(), [parse_setting(t) for t in texts])
    return [str(p) for p in caught.value.problems]


def test_an_unknown_key_lists_the_keys() -> None:
    [line] = problems("voltage=400")
    assert line.startswith("--set voltage=400: expected a key: corridor.<corridor>, ")
    assert "plant.<plant>" in line and line.endswith("found 'voltage'")


def test_an_unknown_name_lists_the_names_of_its_kind() -> None:
    [line] = problems("corridor.sn=70%")
    assert line == (
        "--set corridor.sn=70%: expected a corridor of test system: ns, or * for all, found 'sn'"
    )
    [line] = problems("plant.coal=out")
    assert "a plant of test system: cheap, dear" in line and "found 'coal'" in line


def test_a_bad_value_says_what_the_key_accepts() -> None:
    [line] = problems("demand=lots")
    assert line == (
        "--set demand=lots: expected P% of the base (70%) or a change (+15%, -10%), found 'lots'"
    )
    [line] = problems("plant.dear=150%")
    assert "out, P% of its availability (≤ 100%), or at most MW (500)" in line


def test_every_bad_setting_is_reported_at_once_and_good_ones_do_not_hide_them() -> None:
    lines = problems("demand=+5%", "demand=x", "corridor.zz=1", "nonsense=1")
    assert len(lines) == 3
    assert all("\n" not in line for line in lines)


def test_a_setting_needs_an_equals_sign() -> None:
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        parse_setting("demand")


def test_load_shedding_needs_the_pakistan_zones() -> None:
    [line] = problems("load_shedding=on")
    assert "Pakistan DISCO zones" in line and "no zone pesco" in line


def test_a_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "dry.toml"
    path.write_text(
        'description = "dry year"\n[set]\n"corridor.ns" = "70%"\ndemand = "+10%"\n'
        '"corridor.ns.forward" = 150\nload_shedding = false\n'
    )
    settings = read_scenario(path)
    assert [(s.key, s.value) for s in settings] == [
        ("corridor.ns", "70%"), ("demand", "+10%"), ("corridor.ns.forward", "150"),
        ("load_shedding", "off"),
    ]  # fmt: skip
    assert all(s.source == str(path) for s in settings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[set\n", "a readable TOML file"),
        ('title = "x"\n[set]\ndemand = "+1%"\n', "only `description` and a [set] table"),
        ('description = "nothing set"\n', "a [set] table of KEY = VALUE"),
        ("[set]\ndemand = [1, 2]\n", "a string or number"),
    ],
)
def test_a_bad_scenario_file_names_the_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_scenario(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_a_missing_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="a readable TOML file"):
        read_scenario(tmp_path / "none.toml")
