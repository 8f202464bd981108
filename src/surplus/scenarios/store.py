"""An ensemble's folder: the spec it runs (`spec.toml`) and one Parquet file per finished
run (`runs/run-000042.parquet`), written as each run finishes, by rename, so an interrupted
ensemble leaves only whole files and a rerun skips the runs already done."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from surplus.errors import InputError, Problem
from surplus.scenarios.record import RunRecord
from surplus.scenarios.spec import ScenarioSpec, read_spec

SPEC_NAME = "spec.toml"


def run_path(out: Path, run_id: int) -> Path:
    return out / "runs" / f"run-{run_id:06d}.parquet"


def claim(out: Path, spec_path: Path) -> None:
    """Make `out` this spec's folder; refuse a folder that holds another spec's runs."""
    text = spec_path.read_text(encoding="utf-8")
    kept = out / SPEC_NAME
    if kept.exists() and kept.read_text(encoding="utf-8") != text:
        raise InputError(
            Problem(
                str(out),
                None,
                SPEC_NAME,
                f"the runs of {spec_path} (or a new folder)",
                "the runs of another spec",
            )
        )
    (out / "runs").mkdir(parents=True, exist_ok=True)
    kept.write_text(text, encoding="utf-8")


def finished(out: Path, runs: int) -> set[int]:
    """Runs with a stored result that succeeded (a failed run is tried again)."""
    done = set()
    for run_id in range(runs):
        path = run_path(out, run_id)
        if path.exists() and pd.read_parquet(path, columns=["status"])["status"].iat[0] == "ok":
            done.add(run_id)
    return done


def write(out: Path, record: RunRecord) -> Path:
    path = run_path(out, record.run_id)
    partial = path.with_suffix(".partial")
    record.frame().to_parquet(partial, index=False)
    os.replace(partial, path)
    return path


def read_all(out: Path) -> list[RunRecord]:
    """Every stored run, in id order."""
    paths = sorted((out / "runs").glob("run-*.parquet"))
    if not paths:
        raise InputError(
            Problem(str(out), None, None, "an ensemble folder with runs/run-*.parquet", "none")
        )
    return [RunRecord.from_row(row) for row in pd.concat(map(pd.read_parquet, paths)).itertuples()]


def load(folder: Path) -> tuple[ScenarioSpec, list[RunRecord]]:
    """The spec an ensemble folder ran and its stored runs."""
    kept = folder / SPEC_NAME
    if not kept.exists():
        raise InputError(
            Problem(str(folder), None, None, "an ensemble folder (with spec.toml)", "none")
        )
    return read_spec(kept), read_all(folder)
