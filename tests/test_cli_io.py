"""One policy for inputs and outputs (issue 14): every bad input a user can type is one line
on stderr, exit code 1, before any dispatch, and nothing is overwritten without --force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import surplus.dispatch
from surplus.cli import app
from surplus.cli_io import check_timezone, output_file, output_folder, parse_share
from surplus.errors import InputError

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad input must be refused before any computation: dispatching fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("dispatched before the input was checked")

    monkeypatch.setattr(surplus.dispatch, "dispatch", refuse)


def fails_in_one_line(args: list[str], *words: str) -> str:
    result = runner.invoke(app, args)
    text = result.output
    assert result.exit_code == 1, text
    assert "internal error" not in text and "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    for word in words:
        assert word in text, text
    return text


def test_assess_out_is_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    fails_in_one_line(["assess", "--out", str(target)], "--out", "existing file")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_assess_refuses_to_overwrite_a_report_without_force(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("earlier", encoding="utf-8")
    fails_in_one_line(["assess", "--out", str(tmp_path)], "report.html", "--force")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "earlier"


def test_assess_out_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    fails_in_one_line(["assess", "--out", str(tmp_path / "file" / "out")], "is a file")


def test_headroom_timezone_must_exist() -> None:
    fails_in_one_line(
        ["headroom", "--demand", "eia930-us22", "--timezone", "Mars/Olympus"], "Mars/Olympus"
    )


def test_headroom_does_not_overwrite_a_file(tmp_path: Path) -> None:
    target = tmp_path / "existing.txt"
    target.write_text("keep me", encoding="utf-8")
    fails_in_one_line(["headroom", "--out", str(target)], "existing.txt", "--force")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_headroom_out_into_a_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("", encoding="utf-8")
    fails_in_one_line(["headroom", "--out", str(tmp_path / "a" / "b.csv")], "is a file")


def test_headroom_budget_out_of_range_and_unreadable() -> None:
    fails_in_one_line(["headroom", "--budget", "5"], "--budget", "5")
    fails_in_one_line(["headroom", "--budget", "half"], "--budget", "half")


def test_summer_peak_for_an_unknown_region(tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text("timestamp,A\n2024-01-01T00:00Z,1\n", encoding="utf-8")
    fails_in_one_line(
        ["headroom", "--demand", str(demand), "--summer-peak", "FOO=5-9"], "FOO", "--summer-peak"
    )


def test_summer_peak_without_a_demand_history() -> None:
    fails_in_one_line(["headroom", "--summer-peak", "CAISO=5-9"], "--demand")


def test_a_whole_column_of_naive_timestamps_is_one_line_without_an_assumed_zone(
    tmp_path: Path,
) -> None:
    from surplus.headroom.demand_file import read_demand_csv

    demand = tmp_path / "demand.csv"
    demand.write_text(
        "timestamp,A\n" + "".join(f"2024-01-01T{h:02d}:00,1\n" for h in range(24)),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        read_demand_csv(demand)
    assert len(raised.value.problems) == 1


def test_sites_budget_is_checked_before_the_dispatch() -> None:
    fails_in_one_line(["sites", "--budget", "5"], "--budget")


def test_sites_names_are_checked_before_the_dispatch() -> None:
    fails_in_one_line(["sites", "--site", "atlantis"], "atlantis", "--site")


def test_sites_total_must_be_positive() -> None:
    fails_in_one_line(["sites", "--total-mw", "-5"], "--total-mw")


def test_economics_shares_are_fractions(tmp_path: Path) -> None:
    fails_in_one_line(["economics", "--miner-share", "1.5"], "--miner-share")
    fails_in_one_line(["economics", "--btc-price", "0"], "--btc-price")


def test_economics_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "comparison.json").write_text("{}", encoding="utf-8")
    fails_in_one_line(["economics", "--out", str(tmp_path)], "comparison.json", "--force")


def test_allocate_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    fails_in_one_line(["allocate", "--out", str(tmp_path)], "summary.json", "--force")


def test_export_pypsa_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "network.nc"
    target.write_text("earlier", encoding="utf-8")
    fails_in_one_line(["data", "export-pypsa", str(target)], "network.nc", "--force")
    assert target.read_text(encoding="utf-8") == "earlier"


def test_export_pypsa_wants_a_netcdf_name(tmp_path: Path) -> None:
    fails_in_one_line(["data", "export-pypsa", str(tmp_path / "network.txt")], ".nc")


def test_readme_export_pypsa_writes_the_embedded_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`surplus data export-pypsa network.nc` (the README's form) takes the argument as the
    file to write, not as the dataset, and creates missing folders."""
    import surplus.grid.pypsa_export as pypsa_export

    written: list[tuple[str, Path]] = []
    monkeypatch.setattr(
        pypsa_export, "export_pypsa", lambda data, out: written.append((data.info.name, out))
    )
    target = tmp_path / "new" / "network.nc"
    result = runner.invoke(app, ["data", "export-pypsa", str(target)])
    assert result.exit_code == 0, result.output
    assert written == [(written[0][0], target)] and "Pakistan" in written[0][0]
    assert target.parent.is_dir()


@pytest.mark.parametrize(
    ("text", "share"), [("0.5%", 0.005), ("0.005", 0.005), ("0", 0.0), (" 5 % ", 0.05)]
)
def test_shares_as_fraction_or_percent(text: str, share: float) -> None:
    assert parse_share(text.replace(" ", ""), "--budget") == pytest.approx(share)


@pytest.mark.parametrize("text", ["-0.1", "1", "100%", "abc", "nan", ""])
def test_bad_shares(text: str) -> None:
    with pytest.raises(InputError):
        parse_share(text, "--budget")


def test_timezones() -> None:
    assert check_timezone("Asia/Karachi") == "Asia/Karachi"
    with pytest.raises(InputError, match="Mars/Olympus"):
        check_timezone("Mars/Olympus")


def test_force_allows_overwriting(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    assert output_folder(tmp_path, ["summary.json"], force=True) == tmp_path
    with pytest.raises(InputError, match=r"summary\.json"):
        output_folder(tmp_path, ["summary.json"], force=False)
    file = tmp_path / "summary.json"
    assert output_file(file, force=True) == file
    with pytest.raises(InputError, match="--force"):
        output_file(file, force=False)


def test_missing_folders_are_fine(tmp_path: Path) -> None:
    assert output_folder(tmp_path / "a" / "b", ["x"], force=False) == tmp_path / "a" / "b"
    assert not (tmp_path / "a").exists()  # nothing is created before the work is done


def test_the_solver_banner_never_reaches_stdout() -> None:
    """HiGHS prints a banner when created; `surplus headroom > file` must not get it."""
    import subprocess
    import sys

    code = "from surplus.dispatch.highs import quiet_highs; quiet_highs(); quiet_highs()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == ""


def year_of_demand(zone: str) -> str:
    """A year of hourly demand for one region 'A' (every season present)."""
    hours = pd.date_range("2024-01-01", periods=8784, freq="h")
    load = 1000 + 200 * np.sin(np.arange(len(hours)) / 24 * 2 * np.pi)
    stamps = hours.strftime("%Y-%m-%dT%H:%M") + zone
    return "timestamp,A\n" + "".join(f"{t},{v:.1f}\n" for t, v in zip(stamps, load, strict=True))


def test_a_single_region_of_unknown_zone_is_warned_about(tmp_path: Path) -> None:
    """A one-column demand file is not read silently in UTC: the warning names the zone used,
    and budgets may be written as percentages."""
    demand = tmp_path / "demand.csv"
    demand.write_text(year_of_demand(zone="Z"), encoding="utf-8")
    result = runner.invoke(app, ["headroom", "--demand", str(demand), "--budget", "0.5%"])
    assert result.exit_code == 0, result.output
    assert "A: local time zone not known" in result.output and "UTC" in result.output
    assert "0.5%" in result.output


def test_naive_timestamps_warn_and_use_the_given_zone(tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text(year_of_demand(zone=""), encoding="utf-8")
    args = ["headroom", "--demand", str(demand), "--timezone", "Asia/Karachi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "no time zone" in result.output and "Asia/Karachi" in result.output
    assert "local time zone not known" not in result.output  # the user named it


def test_headroom_out_creates_missing_folders(tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text(year_of_demand(zone="Z"), encoding="utf-8")
    target = tmp_path / "new" / "folder" / "headroom.csv"
    args = ["headroom", "--demand", str(demand), "--timezone", "UTC", "--out", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert target.is_file() and "headroom_mw" in target.read_text(encoding="utf-8")
    again = runner.invoke(app, args)  # a second run refuses to overwrite it ...
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0  # ... unless told to
