"""Reading a dataset folder's files as text, so validation sees exactly what the user wrote."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from surplus.errors import DatasetError, Problem

EMBEDDED = "pakistan"


def embedded_path(name: str = EMBEDDED) -> Path:
    """Folder of an embedded dataset shipped inside the package."""
    return Path(str(files("surplus") / "data" / name))


@dataclass(frozen=True)
class RawTable:
    """A table as read from disk: every cell a string, with the numbering a user sees."""

    file: str
    frame: pd.DataFrame
    first_row: int
    """Row number of the first data row: 2 for CSV (the header is row 1), 1 for Parquet."""

    def row(self, position: int | np.integer) -> int:
        return self.first_row + int(position)


def find_table(folder: Path, name: str) -> Path | None:
    """The CSV or Parquet file of a table; both at once is ambiguous and refused."""
    candidates = [folder / f"{name}.csv", folder / f"{name}.parquet"]
    present = [path for path in candidates if path.is_file()]
    if len(present) > 1:
        raise DatasetError(
            Problem(
                str(present[0]),
                None,
                None,
                f"one file for table '{name}'",
                f"both {present[0].name} and {present[1].name}",
            )
        )
    return present[0] if present else None


def read_table(path: Path) -> RawTable:
    """Read CSV or Parquet into strings; a file that cannot be parsed at all is one problem."""
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
            first_row = 1
        else:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                encoding="utf-8-sig",
            )
            first_row = 2
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        kind = "Parquet" if path.suffix == ".parquet" else "CSV"
        message = " ".join(str(error).split())[:200]
        raise DatasetError(
            Problem(str(path), None, None, f"a readable {kind} file", message)
        ) from None
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.apply(lambda column: column.str.strip())
    return RawTable(str(path), frame.reset_index(drop=True), first_row)
