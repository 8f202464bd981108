"""Grid state in, from three feeds behind one interface (`GridFeed.snapshot(now)`):

* `StoreFeed` (in `surplus.control.push`): what the control room last pushed to
  `POST /api/v1/control/grid-state`;
* `DispatchReplay`: the dispatch's hourly spare capacity and prices, replayed from a
  chosen hour of the dataset's year (studies, `surplus simulate`);
* `CsvReplay`: a recorded day at second resolution (`time, zone, spare_mw` and optional
  `price_pkr_per_mwh`, `frequency_hz` columns).

A replay maps recorded time onto the controller's clock by a fixed shift. The controller
applies the fail-safe rule (stale or missing = shortfall) to whatever a feed returns.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from surplus.control.grid import FrequencyReading, GridSnapshot, ZoneState
from surplus.errors import InputError, Problem


class GridFeed(Protocol):
    def snapshot(self, now: datetime) -> GridSnapshot: ...


class DispatchReplay:
    """Hourly dispatch results replayed: at controller time t, the hour holding
    `first_hour + (t - start)`. Values are fresh (observed at the hour's start) inside
    the replayed span, missing outside it.

    `spare_mw` and `price_pkr_per_mwh` are hours (UTC index) × zones, as
    `surplus.dispatch.DispatchResult` has them.
    """

    def __init__(
        self,
        spare_mw: pd.DataFrame,
        price_pkr_per_mwh: pd.DataFrame | None,
        first_hour: datetime,
        start: datetime,
    ) -> None:
        self._index = spare_mw.index
        self._zones = [str(zone) for zone in spare_mw.columns]
        self._spare = spare_mw.to_numpy(dtype=float)
        self._price = (
            None
            if price_pkr_per_mwh is None
            else (price_pkr_per_mwh.reindex(columns=spare_mw.columns).to_numpy(dtype=float))
        )
        self._shift = pd.Timestamp(first_hour) - pd.Timestamp(start)
        self._cache: dict[int, dict[str, ZoneState]] = {}

    def recorded_time(self, now: datetime) -> pd.Timestamp:
        return pd.Timestamp(now) + self._shift

    def next_change(self, now: datetime) -> datetime | None:
        """When the replayed state next changes (the next hour), None past the end."""
        moment = self.recorded_time(now)
        row = int(self._index.searchsorted(moment, side="right"))
        if row >= len(self._index):
            end = self._index[-1] + pd.Timedelta(hours=1)
            return (end - self._shift).to_pydatetime() if moment < end else None
        return (self._index[row] - self._shift).to_pydatetime()

    def snapshot(self, now: datetime) -> GridSnapshot:
        moment = self.recorded_time(now)
        row = int(self._index.searchsorted(moment, side="right")) - 1
        if row < 0 or moment >= self._index[-1] + pd.Timedelta(hours=1):
            return GridSnapshot(now)
        cached = self._cache.get(row)
        if cached is not None:
            return GridSnapshot(now, cached)
        observed = (self._index[row] - self._shift).to_pydatetime()
        zones = {}
        for k, zone in enumerate(self._zones):
            price = None if self._price is None else float(self._price[row, k])
            zones[zone] = ZoneState(zone, float(self._spare[row, k]), observed, price, "dispatch")
        self._cache = {row: zones}
        return GridSnapshot(now, zones)


REQUIRED = ("time", "zone", "spare_mw")


class CsvReplay:
    """A recorded day (or any span) at second resolution, replayed with a shift so its
    first row falls at `start`. Each zone's latest row at or before the replayed time is
    its state, observed at that row's time: a gap in the recording ages the data, and the
    controller's stale limit turns it into a shortfall. Rows with `frequency_hz` (zone may
    be empty there) feed the under-frequency trigger."""

    def __init__(self, frame: pd.DataFrame, start: datetime) -> None:
        self._first = frame["time"].min()
        self._shift = self._first - pd.Timestamp(start)
        zoned = frame[frame["zone"] != ""].dropna(subset=["spare_mw"])
        self._zones: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for zone, rows in zoned.groupby("zone", sort=True):
            rows = rows.sort_values("time")
            self._zones[str(zone)] = (
                rows["time"].to_numpy(dtype="datetime64[ns]"),
                rows["spare_mw"].to_numpy(dtype=float),
                rows["price_pkr_per_mwh"].to_numpy(dtype=float),
            )
        freq = frame.dropna(subset=["frequency_hz"]).sort_values("time")
        self._freq_time = freq["time"].to_numpy(dtype="datetime64[ns]")
        self._freq_hz = freq["frequency_hz"].to_numpy(dtype=float)

    @classmethod
    def read(cls, path: Path, start: datetime) -> CsvReplay:
        return cls(read_grid_csv(path), start)

    def snapshot(self, now: datetime) -> GridSnapshot:
        moment = (pd.Timestamp(now) + self._shift).tz_convert("UTC").tz_localize(None)
        key = np.datetime64(moment.to_datetime64(), "ns")
        zones = {}
        for zone, (times, spare, price) in self._zones.items():
            row = int(np.searchsorted(times, key, side="right")) - 1
            if row < 0:
                continue
            observed = self._to_clock(times[row])
            value = float(price[row])
            zones[zone] = ZoneState(
                zone, float(spare[row]), observed, value if math.isfinite(value) else None, "csv"
            )
        reading = None
        row = int(np.searchsorted(self._freq_time, key, side="right")) - 1
        if row >= 0:
            reading = FrequencyReading(
                float(self._freq_hz[row]), self._to_clock(self._freq_time[row]), "csv"
            )
        return GridSnapshot(now, zones, reading)

    def _to_clock(self, recorded: np.datetime64) -> datetime:
        stamp = pd.Timestamp(recorded).tz_localize("UTC") - self._shift
        return stamp.to_pydatetime()


def read_grid_csv(path: Path) -> pd.DataFrame:
    """Read and check a recorded grid-state CSV; every bad cell is named by row and column
    (the header is row 1) and nothing is returned unless all rows are good."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(
            Problem(str(path), None, None, "a readable CSV file", str(error))
        ) from None
    missing = [name for name in REQUIRED if name not in raw.columns]
    if missing:
        raise InputError(
            Problem(str(path), 1, ", ".join(missing), "columns time, zone, spare_mw", "absent")
        )
    problems: list[Problem] = []
    times = pd.to_datetime(raw["time"], errors="coerce", utc=True, format="ISO8601")
    for number, (written, parsed) in enumerate(zip(raw["time"], times, strict=True), start=2):
        if pd.isna(parsed) or not _has_offset(written):
            problems.append(Problem(str(path), number, "time", "an ISO time with offset", written))
    out = pd.DataFrame({"time": times, "zone": raw["zone"].str.strip()})
    for column in ("spare_mw", "price_pkr_per_mwh", "frequency_hz"):
        text = raw[column] if column in raw.columns else pd.Series([""] * len(raw))
        values = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        bad = values.isna() & (text != "") | ~np.isfinite(values.fillna(0.0))
        for index in np.flatnonzero(bad.to_numpy()):
            problems.append(
                Problem(str(path), int(index) + 2, column, "a number", text.iloc[index])
            )
        out[column] = values.astype(float)
    for index in np.flatnonzero(((out["zone"] == "") & out["frequency_hz"].isna()).to_numpy()):
        problems.append(
            Problem(str(path), int(index) + 2, "zone", "a zone (or a frequency_hz)", "")
        )
    for index in np.flatnonzero(((out["zone"] != "") & out["spare_mw"].isna()).to_numpy()):
        problems.append(Problem(str(path), int(index) + 2, "spare_mw", "a number", ""))
    hz = out["frequency_hz"]
    for index in np.flatnonzero(((hz < 40) | (hz > 60)).to_numpy()):
        problems.append(
            Problem(str(path), int(index) + 2, "frequency_hz", "40–60 Hz", str(hz.iloc[index]))
        )
    if len(out) == 0:
        problems.append(Problem(str(path), None, None, "at least one row", "none"))
    if problems:
        raise InputError(problems)
    return out


def _has_offset(text: str) -> bool:
    tail = text.strip()[-6:]
    return text.strip().endswith(("Z", "z")) or (tail[:1] in "+-" and ":" in tail)
