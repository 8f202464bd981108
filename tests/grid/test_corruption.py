"""Random corruptions of a valid dataset end in a clean error, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from surplus.cli import app
from surplus.errors import DatasetError
from surplus.grid import load_dataset
from tests.grid.tiny import write_tiny

FILES = [
    "zones.csv",
    "plants.csv",
    "corridors.csv",
    "hydro_budgets.csv",
    "demand.csv",
    "availability.csv",
]
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "nan", "inf", "-1", "1e400", "NULL", "2025-13-01T00:00+05:00", "Ω", '"']),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@st.composite
def corruptions(draw: st.DrawFn) -> tuple[str, str, int, str, str]:
    kind = draw(
        st.sampled_from(
            [
                "cell",
                "drop_row",
                "duplicate_row",
                "drop_column",
                "rename_column",
                "garbage_file",
                "truncate",
            ]
        )
    )
    return (
        draw(st.sampled_from(FILES)),
        kind,
        draw(st.integers(0, 10_000)),
        draw(st.integers(0, 20).map(str)),
        draw(JUNK),
    )


def corrupt(folder: Path, file: str, kind: str, row: int, column: str, junk: str) -> None:
    path = folder / file
    if kind == "garbage_file":
        path.write_bytes(junk.encode("utf-8", "replace") + b'\x00\xff,\n"')
        return
    if kind == "truncate":
        text = path.read_bytes()
        path.write_bytes(text[: row % max(len(text), 1)])
        return
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row %= len(frame)
    name = frame.columns[int(column) % len(frame.columns)]
    if kind == "cell":
        frame.loc[row, name] = junk
    elif kind == "drop_row":
        frame = frame.drop(index=row)
    elif kind == "duplicate_row":
        frame = pd.concat([frame, frame.iloc[[row]]])
    elif kind == "drop_column":
        frame = frame.drop(columns=name)
    else:
        frame = frame.rename(columns={name: junk or "x"})
    frame.to_csv(path, index=False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corruption=corruptions())
def test_random_corruption_is_a_clean_error(tmp_path_factory, corruption) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("corrupt")
    shutil.copytree(TEMPLATE, folder, dirs_exist_ok=True)
    corrupt(folder, *corruption)
    try:
        load_dataset(folder)
    except DatasetError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file and problem.expected and problem.found


def test_cli_reports_errors_without_traceback(tiny: Path) -> None:
    (tiny / "plants.csv").write_text(
        (tiny / "plants.csv").read_text().replace("1320", "-1320").replace("hydro,1000", "hydro,x")
    )
    result = CliRunner().invoke(app, ["data", "validate", str(tiny)])
    assert result.exit_code == 1
    output = result.output
    assert "2 problems found" in output
    assert "plants.csv, row 4, column 'capacity_mw'" in output
    assert "plants.csv, row 2, column 'capacity_mw'" in output
    assert "Traceback" not in output


def test_cli_missing_folder() -> None:
    result = CliRunner().invoke(app, ["data", "validate", "/no/such/folder"])
    assert result.exit_code == 1
    assert "no such folder" in result.output and "Traceback" not in result.output


TEMPLATE = write_tiny(Path(__import__("tempfile").mkdtemp(prefix="surplus-tiny-")))
