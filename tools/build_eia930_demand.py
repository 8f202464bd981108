"""Pack the 22-region EIA-930 hourly demand history into the compact file the package ships.

Input: the stitched CSV described in src/surplus/data/eia930/README.md (`timestamp` in UTC,
then one integer MW column per balancing authority). Output: a zstd-compressed Parquet file
with a UTC timestamp column and int32 demand columns, under a quarter of the CSV's size, read
by `surplus headroom --demand eia930-us22`:

    python tools/build_eia930_demand.py eia930_22ba_hourly_demand_mw_2016_2024.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "surplus"
    / "data"
    / "eia930"
    / "demand_22ba_2016_2024.parquet"
)


def pack(source: Path, out: Path = OUT) -> pd.DataFrame:
    frame = pd.read_csv(source)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
    values = frame.drop(columns="timestamp")
    if values.isna().any().any() or (values % 1 != 0).any().any():
        raise SystemExit(f"{source}: expected whole MW in every cell")
    frame[values.columns] = values.astype("int32")
    # Hour-to-hour changes are small, so delta encoding before zstd halves the file.
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False),
        out,
        use_dictionary=False,
        column_encoding={column: "DELTA_BINARY_PACKED" for column in frame.columns},
        compression="zstd",
        compression_level=19,
    )
    return frame


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the stitched EIA-930 demand CSV")
    args = parser.parse_args()
    packed = pack(args.source)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, {len(packed):,} hours)")
