"""Loading a dataset folder: read every file, validate everything, then build a `Dataset`.

Nothing is returned unless the whole dataset is valid, and every problem found is reported in
one `DatasetError`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from surplus.errors import DatasetError, Problem
from surplus.grid.columns import Collector, check_references, parse_table
from surplus.grid.files import EMBEDDED, RawTable, embedded_path, find_table, read_table
from surplus.grid.hourly import parse_hourly, year_index
from surplus.grid.info import read_info
from surplus.grid.model import Dataset, DatasetInfo
from surplus.grid.schema import (
    AVAILABILITY,
    CORRIDORS,
    DEMAND,
    FUEL_LIMITS,
    HYDRO_BUDGETS,
    PLANTS,
    ZONES,
    Table,
)


def resolve(path: Path | str | None) -> Path:
    """The folder to read: the given one, or the embedded default when none is given."""
    return embedded_path(EMBEDDED) if path is None else Path(path)


def _read(folder: Path, table: Table, found: Collector) -> RawTable | None:
    try:
        located = find_table(folder, table.name)
        if located is None:
            if not table.optional:
                found.add(
                    Problem(
                        str(folder / f"{table.name}.csv"),
                        None,
                        None,
                        f"the {table.name} table (.csv or .parquet)",
                        "no such file",
                    )
                )
            return None
        return read_table(located)
    except DatasetError as error:
        for problem in error.problems:
            found.add(problem)
        return None


def load_dataset(path: Path | str | None = None) -> Dataset:
    """Read and validate a dataset folder (the embedded Pakistan dataset when `path` is None).

    Raises `DatasetError` listing every problem; never returns a partly valid dataset.
    """
    folder = resolve(path)
    found = Collector()
    if not folder.is_dir():
        raise DatasetError(Problem(str(folder), None, None, "a dataset folder", "no such folder"))
    info = read_info(folder / "dataset.toml", found.problems)
    tables: dict[str, pd.DataFrame] = {}
    raws: dict[str, RawTable] = {}
    for table in (ZONES, PLANTS, CORRIDORS, HYDRO_BUDGETS, FUEL_LIMITS):
        raw = _read(folder, table, found)
        if raw is not None:
            raws[table.name] = raw
            tables[table.name] = parse_table(raw, table, found)
    expected = year_index(info.year, info.timezone) if info else None
    hourly: dict[str, pd.DataFrame] = {}
    for table in (DEMAND, AVAILABILITY):
        raw = _read(folder, table, found)
        if raw is not None:
            raws[table.name] = raw
            hourly[table.name] = parse_hourly(raw, table, expected, found)
    _check_links(raws, tables, hourly, found)
    if info is not None:
        _check_reserve(folder / "dataset.toml", info, raws, tables, found)
    if found.problems or info is None:
        raise DatasetError(found.problems)
    zones = tables["zones"].set_index("zone")
    demand = hourly["demand"].reindex(columns=zones.index, fill_value=0.0)
    budgets = tables.get("hydro_budgets", pd.DataFrame(columns=["plant", "month", "energy_mwh"]))
    return Dataset(
        info=info,
        zones=zones,
        plants=tables["plants"].set_index("plant"),
        corridors=tables["corridors"].pipe(_fill_reverse).set_index("corridor"),
        demand_mw=demand.rename_axis(columns=None),
        availability=hourly["availability"],
        hydro_budgets=budgets.reset_index(drop=True),
        fuel_limits=tables.get(
            "fuel_limits", pd.DataFrame(columns=["fuel", "month", "energy_mwh"])
        ).reset_index(drop=True),
    )


def _fill_reverse(corridors: pd.DataFrame) -> pd.DataFrame:
    reverse = corridors["reverse_capacity_mw"].fillna(corridors["capacity_mw"])
    return corridors.assign(reverse_capacity_mw=reverse)


def _check_links(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    hourly: dict[str, pd.DataFrame],
    found: Collector,
) -> None:
    """Cross-table references: zones, corridor ends, profiles, hydro plants, demand columns."""
    zones = set(tables["zones"]["zone"]) if "zones" in tables else None
    if zones is not None:
        for name, column in (
            ("plants", "zone"),
            ("corridors", "from_zone"),
            ("corridors", "to_zone"),
        ):
            if name in tables:
                check_references(
                    raws[name], tables[name], column, zones, "zone of zones.csv", found
                )
    if "corridors" in tables:
        corridors = tables["corridors"]
        same = corridors["from_zone"].eq(corridors["to_zone"]) & corridors["from_zone"].ne("")
        for position in corridors.index[same]:
            found.add(
                Problem(
                    raws["corridors"].file,
                    raws["corridors"].row(position),
                    "to_zone",
                    "a zone other than from_zone",
                    repr(corridors["to_zone"][position]),
                )
            )
    if "plants" in tables and "availability" in hourly:
        profiles = set(hourly["availability"].columns)
        check_references(
            raws["plants"],
            tables["plants"],
            "availability",
            profiles,
            "profile (a column of availability.csv)",
            found,
        )
    if "hydro_budgets" in tables and "plants" in tables:
        plants = tables["plants"]
        hydro = set(plants.loc[plants["fuel"] == "hydro", "plant"])
        check_references(
            raws["hydro_budgets"],
            tables["hydro_budgets"],
            "plant",
            hydro,
            "hydro plant of plants.csv",
            found,
        )
    if "demand" in hourly and zones is not None:
        for name in hourly["demand"].columns:
            if name not in zones:
                found.add(
                    Problem(
                        raws["demand"].file, 1, name, "a zone of zones.csv as column", repr(name)
                    )
                )


def _check_reserve(
    toml: Path,
    info: DatasetInfo,
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    found: Collector,
) -> None:
    """Reserve regions name known zones, each zone at most once; a plant slower than the
    reserve's response time that holds reserve states its minimum stable output."""
    rule = info.reserve
    if "zones" in tables:
        known = set(tables["zones"]["zone"])
        seen: dict[str, str] = {}
        for position, region in enumerate(rule.regions):
            field = f"reserve.regions.{position}.zones"
            if region.name in known and tuple(region.zones) != (region.name,):
                found.add(
                    Problem(
                        str(toml),
                        None,
                        f"reserve.regions.{position}.name",
                        "a region name that is not another zone's name",
                        repr(region.name),
                    )
                )
            for zone in region.zones:
                if zone not in known:
                    found.add(Problem(str(toml), None, field, "a zone of zones.csv", repr(zone)))
                elif zone in seen:
                    found.add(
                        Problem(
                            str(toml),
                            None,
                            field,
                            "each zone in at most one reserve region",
                            f"{zone!r}, already in region {seen[zone]!r}",
                        )
                    )
                else:
                    seen[zone] = region.name
    if "plants" not in tables:
        return
    plants = tables["plants"]
    slow = (
        plants["provides_reserve"].astype(bool)
        & (plants["start_minutes"].fillna(0.0) > rule.response_minutes)
        & ~(plants["min_stable_share"].fillna(0.0) > 0)
        & (plants["status"] == "operating")
    )
    for position in slow.to_numpy().nonzero()[0]:
        found.add(
            Problem(
                raws["plants"].file,
                raws["plants"].row(position),
                "min_stable_share",
                f"a share above 0 for a plant that holds reserve but starts slower than the "
                f"reserve's response time ({rule.response_minutes:g} min)",
                "an empty cell"
                if pd.isna(plants["min_stable_share"].iloc[position])
                else repr(plants["min_stable_share"].iloc[position]),
            )
        )
