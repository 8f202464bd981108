"""What a simulated month leaves for settlement, besides its database: each site's revenue
meter as a one-minute CSV (the format `surplus settle import-meter` reads) and the zones'
hourly marginal cost (the dispatch's price, over the whole month) for dynamic and
curtail-on-price tariffs.

The meter is the simulated device's exact power on the simulation's tick grid, averaged
over each minute: a perfect meter. Real meters' noise and faults are what the settlement's
validation is for; its tests inject them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surplus.simulation.world import SimResult

METER_FOLDER = "meter"
PRICES_FILE = "prices.csv"


def minute_power_mw(result: SimResult) -> pd.DataFrame:
    """Minutes × site ids: mean power drawn (MW) over each whole minute of the timeline."""
    times = pd.DatetimeIndex(result.timeline.times).tz_convert("UTC")
    power = pd.DataFrame(
        np.vstack(result.timeline.site_mw),
        index=times,
        columns=[s.site_id for s in result.scenario.sites],
    )
    per_minute = power.resample("1min").mean()
    counts = power.iloc[:, 0].resample("1min").count()
    whole = counts >= max(round(60.0 / result.tick_s), 1)
    return per_minute[whole.to_numpy()]


def write_settlement_inputs(
    result: SimResult, price_pkr_per_mwh: pd.DataFrame, out: Path
) -> list[Path]:
    """Write meter/site-<id>.csv per site and prices.csv for the simulated span."""
    folder = out / METER_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    minutes = minute_power_mw(result)
    written = []
    stamps = minutes.index.strftime("%Y-%m-%dT%H:%M:%SZ")
    for site_id in minutes.columns:
        mw = minutes[site_id].to_numpy()
        frame = pd.DataFrame(
            {
                "site_id": site_id,
                "read_at": stamps,
                "power_mw": np.round(mw, 6),
                "energy_mwh": np.round(mw / 60.0, 7),
            }
        )
        path = folder / f"site-{site_id}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    # The whole local month of the first day, so a month settles even when fewer days ran.
    day = result.scenario.day
    tz = result.scenario.timezone
    start = pd.Timestamp(day.replace(day=1)).tz_localize(tz).tz_convert("UTC")
    end = (pd.Timestamp(day.replace(day=1)) + pd.offsets.MonthBegin(1)).tz_localize(tz)
    end = min(end.tz_convert("UTC"), price_pkr_per_mwh.index[-1] + pd.Timedelta(hours=1))
    zones = result.zones
    prices = price_pkr_per_mwh.loc[
        (price_pkr_per_mwh.index >= start) & (price_pkr_per_mwh.index < end), zones
    ]
    long = (
        prices.rename_axis("time")
        .reset_index()
        .melt(id_vars="time", var_name="zone", value_name="price_pkr_per_mwh")
    )
    long["time"] = pd.DatetimeIndex(long["time"]).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = out / PRICES_FILE
    long.sort_values(["time", "zone"]).to_csv(path, index=False)
    written.append(path)
    return written
