"""Build the hourly files of the embedded Pakistan dataset (calendar year 2025).

`zones.csv`, `plants.csv`, `corridors.csv` and `dataset.toml` are curated by hand; this
script synthesises `demand.csv`, `availability.csv`, `hydro_budgets.csv` and
`fuel_limits.csv` from the documented parameters below (every number is explained in
docs/pakistan-dataset.md), with a fixed seed, so the files regenerate byte for byte:

    python tools/build_pakistan_dataset.py            # write the four CSVs
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "surplus" / "data" / "pakistan"
YEAR = 2025
TIMEZONE = "Asia/Karachi"
SEED = 20250101

# --- demand ------------------------------------------------------------------------------

CPPA_MONTHLY_GWH = {
    1: 8153, 2: 6945, 3: 7900, 4: 8800, 5: 11000, 6: 13744,
    7: 14123, 8: 13700, 9: 12592, 10: 10300, 11: 8000, 12: 8487,
}  # fmt: skip
"""CPPA-G generation per month of 2025 (FCA filings); Mar-May and Oct-Nov are estimates [E]."""

ANNUAL_TARGET_GWH = 127_000.0
"""Generation-level demand incl. K-Electric's own plants and unserved demand (FY25 127,159)."""

DISCO_PURCHASES_GWH = {
    "lesco": 24338, "mepco": 19367, "pesco": 14427 + 1821, "fesco": 14970,
    "iesco": 11838, "gepco": 11100, "qesco": 6257, "hesco": 5557, "sepco": 4412,
}  # fmt: skip
"""FY2018-19 units purchased per DISCO (PESCO incl. HAZECO, plus TESCO), used as proportions."""

KE_SHARE = 0.14
SEASONAL_TILT = {
    "lesco": 0.0, "mepco": 0.06, "pesco": -0.05, "fesco": 0.0, "iesco": -0.03,
    "gepco": 0.0, "qesco": 0.05, "hesco": 0.04, "sepco": 0.08, "ke": -0.12,
}  # fmt: skip
"""How much a zone's share rises (per unit of summerness) in the hot season [E]."""

WINTER_SHAPE = np.array([
    0.86, 0.83, 0.81, 0.80, 0.81, 0.84, 0.90, 0.97, 1.00, 1.00, 0.99, 0.98,
    0.97, 0.97, 0.97, 0.98, 1.02, 1.10, 1.15, 1.14, 1.09, 1.03, 0.96, 0.90,
])  # fmt: skip
"""Gross (before rooftop solar) hourly shape of a winter day, relative to the daily mean [E]."""

SUMMER_SHAPE = np.array([
    1.10, 1.07, 1.03, 0.99, 0.94, 0.89, 0.86, 0.87, 0.91, 0.95, 0.98, 1.00,
    1.01, 1.02, 1.02, 1.01, 1.00, 1.00, 1.02, 1.05, 1.08, 1.11, 1.13, 1.12,
])  # fmt: skip
"""Gross hourly shape of a summer day: air conditioning keeps the night high [E]."""

ROOFTOP_SOLAR_MW = (7_000.0, 10_000.0)
"""Behind-the-meter PV seen by the grid on 1 Jan and 31 Dec 2025 (net metering + off-grid) [E]."""

HOLIDAYS = {
    "2025-02-05": 0.97, "2025-03-23": 0.95, "2025-03-31": 0.85, "2025-04-01": 0.85,
    "2025-04-02": 0.9, "2025-05-01": 0.97, "2025-06-07": 0.88, "2025-06-08": 0.88,
    "2025-06-09": 0.92, "2025-07-05": 0.96, "2025-07-06": 0.96, "2025-08-14": 0.95,
    "2025-09-06": 0.97, "2025-12-25": 0.96,
}  # fmt: skip
"""Daily demand factors for public holidays (Eid al-Fitr, Eid al-Adha, Ashura, ...) [E]."""

# --- availability ------------------------------------------------------------------------

MONTHLY = {
    # reservoir hydro: monthly capacity factor of the water budget, and capacity available
    "tarbela_cf": [0.08, 0.27, 0.14, 0.09, 0.38, 0.80, 0.95, 0.90, 0.78, 0.55, 0.26, 0.20],
    "hydro_tarbela": [0.45, 0.45, 0.40, 0.35, 0.60, 0.92, 0.97, 0.97, 0.95, 0.85, 0.70, 0.55],
    "mangla_cf": [0.12, 0.35, 0.40, 0.55, 0.70, 0.80, 0.80, 0.78, 0.60, 0.42, 0.30, 0.22],
    "hydro_mangla": [0.50, 0.55, 0.60, 0.75, 0.90, 0.95, 0.95, 0.95, 0.90, 0.75, 0.60, 0.50],
    # run-of-river hydro: monthly mean flow as a share of capacity
    "ror_indus": [0.10, 0.30, 0.22, 0.20, 0.40, 0.70, 0.74, 0.76, 0.66, 0.50, 0.30, 0.24],
    "ror_jhelum": [0.14, 0.18, 0.32, 0.50, 0.72, 0.74, 0.64, 0.56, 0.42, 0.28, 0.18, 0.16],
    "ror_kp": [0.10, 0.10, 0.16, 0.27, 0.50, 0.70, 0.70, 0.66, 0.46, 0.27, 0.16, 0.13],
    # wind: monthly capacity factor (CPPA-G: 218 GWh Jan vs 592 GWh Jul on ~1,845 MW)
    "wind_sindh": [0.16, 0.17, 0.18, 0.22, 0.31, 0.40, 0.43, 0.38, 0.27, 0.15, 0.12, 0.14],
    # solar: clearness (fog in Dec-Jan, monsoon cloud in Jul-Aug)
    "clearness": [0.74, 0.84, 0.90, 0.93, 0.93, 0.89, 0.76, 0.76, 0.88, 0.93, 0.86, 0.76],
    # domestic gas allocated to power (winter diversion to households)
    "gas_supply": [0.30, 0.32, 0.40, 0.48, 0.52, 0.55, 0.55, 0.55, 0.52, 0.45, 0.38, 0.30],
}
NEELUM_DERATING = 0.7
"""Neelum-Jhelum's long shutdowns: its flow profile is scaled down [U]."""

THERMAL = {  # profile: (availability outside, inside the Dec-Feb maintenance season)
    "thermal_coal": (0.88, 0.80),
    "thermal_thar": (0.70, 0.64),
    "thermal_ccgt": (0.90, 0.85),
    "thermal_steam": (0.75, 0.70),
    "thermal_engine": (0.88, 0.85),
}
"""Thar: recalibrated from (0.76, 0.70) so that local coal makes about FY25's 12.23 % of
generation (~15.5 TWh; TOPLINE) with Lakhra; load factors 65-69 % in Aug 2024 (AHL-AUG24)."""
GAS_TECHNICAL = 0.88
NUCLEAR_AVAILABLE = 0.815
"""Recalibrated to the fleet's FY25 utilisation (17.66 % of 127,159 GWh on 3,530 MW ≈ 73 %,
TOPLINE): with one refuelling outage per unit this gives ~72-73 % a year (0.88 gave 78.5 %)."""
REFUELLING = {  # profile: first and last day of the refuelling outage in 2025 [E]
    "nuclear_k2": ("2025-02-10", "2025-03-26"),
    "nuclear_k3": ("2025-10-15", "2025-11-28"),
    "nuclear_c1": ("2025-03-01", "2025-03-31"),
    "nuclear_c2": ("2025-11-01", "2025-11-30"),
    "nuclear_c3": ("2025-04-01", "2025-04-30"),
    "nuclear_c4": ("2025-12-01", "2025-12-28"),
}
BAGASSE = (0.85, "2025-04-01", "2025-04-15", "2025-11-15")
"""Crushing-season availability; half from the first date, nil from the second to the third."""

SOLAR_SITE = (29.3, 71.8)
"""Quaid-e-Azam Solar Park, Bahawalpur: the sun model's latitude and longitude."""
SOLAR_CF = 0.19
ROOFTOP_NOON_CF = 0.8
"""Rooftop PV output per unit of capacity under a clear overhead sun [E]."""
WINTER_DISPLACEMENT = 0.5
"""Share of rooftop PV output that displaces grid demand on a cool day (1.0 in summer) [E]."""
BUDGET_PLANTS = {"tarbela": "tarbela_cf", "tarbela_t4": "tarbela_cf", "mangla": "mangla_cf"}
T4_SHARE_OF_TARBELA_CF = 0.376 / 0.439
"""T4 shares Tarbela's water and ran at CF 37.6% against 43.9% for units 1-14 in FY24."""


def local_index(year: int = YEAR) -> pd.DatetimeIndex:
    start = pd.Timestamp(f"{year}-01-01", tz=TIMEZONE)
    end = pd.Timestamp(f"{year + 1}-01-01", tz=TIMEZONE)
    return pd.date_range(start, end, freq="h", inclusive="left", name="timestamp")


def stamps(index: pd.DatetimeIndex) -> list[str]:
    return [t.isoformat(timespec="minutes") for t in index]


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    """Stationary AR(1) noise with standard deviation `sigma`, for day-to-day weather."""
    noise = rng.normal(0.0, sigma * math.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sigma)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + noise[i]
    return out


def monthly_daily(values: list[float], days: pd.DatetimeIndex) -> np.ndarray:
    """Monthly values interpolated to days through mid-month points, wrapping at year end."""
    mids = np.array([pd.Timestamp(YEAR, m, 15).day_of_year for m in range(1, 13)], float)
    x = np.concatenate([[mids[-1] - 365], mids, [mids[0] + 365]])
    y = np.concatenate([[values[-1]], values, [values[0]]])
    return np.interp(days.day_of_year.to_numpy(float), x, y)


def sun_factor(index: pd.DatetimeIndex, lat: float, lon: float) -> np.ndarray:
    """Clear-sky PV output per unit at the middle of each hour, from the sun's elevation."""
    utc = index.tz_convert("UTC")
    day = utc.day_of_year.to_numpy(float)
    hours = utc.hour.to_numpy(float) + 0.5
    gamma = 2 * math.pi * (day - 1) / 365
    decl = 0.006918 - 0.399912 * np.cos(gamma) + 0.070257 * np.sin(gamma)
    eot = 229.18 * (0.000075 + 0.001868 * np.cos(gamma) - 0.032077 * np.sin(gamma))
    solar_time = hours + (eot + 4 * lon) / 60
    angle = np.radians(15 * (solar_time - 12))
    phi = math.radians(lat)
    cos_z = math.sin(phi) * np.sin(decl) + math.cos(phi) * np.cos(decl) * np.cos(angle)
    return np.clip(cos_z, 0.0, None) ** 1.2


def daily(values: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    """Spread one value per local day over that day's hours."""
    day_of = (index.normalize() - index[0].normalize()).days.to_numpy()
    return values[day_of]


# --- demand synthesis ------------------------------------------------------------------

CLIMATE_C = [12.8, 15.5, 20.5, 26.5, 31.5, 34.0, 32.5, 31.5, 30.0, 25.5, 19.5, 14.5]
"""Daily mean temperature by month, plains of Punjab, deg C: a temperature-like driver [E]."""
HEAT_WAVE = ("2025-05-20", "2025-06-12", 6.5)
"""A pre-monsoon heat wave: first and last day, peak extra deg C [E]."""
COOLING_PER_C = 0.035
HEATING_PER_C = 0.010


def temperature_c(rng: np.random.Generator, days: pd.DatetimeIndex) -> np.ndarray:
    """Daily temperature: climatology, a heat wave and AR(1) weather."""
    t = monthly_daily(CLIMATE_C, days) + ar1(rng, len(days), 0.8, 1.8)
    start, end, extra = pd.Timestamp(HEAT_WAVE[0]), pd.Timestamp(HEAT_WAVE[1]), HEAT_WAVE[2]
    naive = days.tz_localize(None)
    inside = (naive >= start) & (naive <= end)
    phase = (naive[inside] - start).days.to_numpy() / max((end - start).days, 1)
    t[inside] += extra * np.sin(math.pi * phase)
    return t


def summerness(temp_c: np.ndarray) -> np.ndarray:
    return np.clip((temp_c - 16.0) / 15.0, 0.0, 1.0)


def day_factors(days: pd.DatetimeIndex, temp_c: np.ndarray) -> np.ndarray:
    """Relative daily level: cooling and heating degrees, weekends and holidays."""
    level = (
        1 + COOLING_PER_C * np.maximum(temp_c - 22, 0) + HEATING_PER_C * np.maximum(14 - temp_c, 0)
    )
    weekday = days.day_of_week.to_numpy()
    level *= np.select([weekday == 6, weekday == 5], [0.93, 0.98], 1.0)
    keys = days.strftime("%Y-%m-%d")
    level *= np.array([HOLIDAYS.get(k, 1.0) for k in keys])
    return level


def gross_shape(index: pd.DatetimeIndex, summer: np.ndarray) -> np.ndarray:
    """Hourly shape blended between the winter and summer day by daily summerness."""
    hour = index.hour.to_numpy()
    w = daily(summer, index)
    shape = (1 - w) * WINTER_SHAPE[hour] + w * SUMMER_SHAPE[hour]
    friday_prayer = (index.day_of_week.to_numpy() == 4) & np.isin(hour, (12, 13))
    return np.where(friday_prayer, shape * 0.95, shape)


def rooftop_solar_mw(index: pd.DatetimeIndex, cloud: np.ndarray, summer: np.ndarray) -> np.ndarray:
    """Behind-the-meter PV output that the grid no longer serves, MW.

    Off-grid PV only displaces load that exists, so the displacement shrinks in the cool
    season, when households draw little at midday.
    """
    days = index.normalize()
    start, end = ROOFTOP_SOLAR_MW
    growth = (days.day_of_year.to_numpy(float) - 1) / 364
    capacity = start + (end - start) * growth
    clear = daily(monthly_daily(MONTHLY["clearness"], unique_days(index)), index)
    displaced = WINTER_DISPLACEMENT + (1 - WINTER_DISPLACEMENT) * daily(summer, index)
    pv = sun_factor(index, 31.0, 72.5) * clear * daily(cloud, index)
    return capacity * ROOFTOP_NOON_CF * pv * displaced


def unique_days(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.normalize().unique()


def monthly_targets_mwh() -> dict[int, float]:
    scale = ANNUAL_TARGET_GWH / sum(CPPA_MONTHLY_GWH.values())
    return {m: gwh * scale * 1000 for m, gwh in CPPA_MONTHLY_GWH.items()}


def national_demand_mw(index: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    """National demand (net of rooftop PV) scaled so each month meets its energy target."""
    days = unique_days(index)
    temp = temperature_c(rng, days)
    summer = summerness(temp)
    cloud = np.clip(1 + ar1(rng, len(days), 0.6, 0.08), 0.6, 1.1)
    gross = gross_shape(index, summer) * daily(day_factors(days, temp), index)
    gross *= 1 + rng.normal(0, 0.01, len(index))
    rooftop = rooftop_solar_mw(index, cloud, summer)
    net = np.empty(len(index))
    month = index.month.to_numpy()
    for m, target in monthly_targets_mwh().items():
        sel = month == m
        scale = (target + rooftop[sel].sum()) / gross[sel].sum()
        net[sel] = scale * gross[sel] - rooftop[sel]
    frame = pd.DataFrame({"demand_mw": net, "summerness": daily(summer, index)}, index=index)
    return frame


def zone_shares(summer: np.ndarray) -> pd.DataFrame:
    """Hourly zone shares: DISCO purchase proportions and KE ~14%, tilted by season."""
    total = sum(DISCO_PURCHASES_GWH.values())
    base = {z: (1 - KE_SHARE) * gwh / total for z, gwh in DISCO_PURCHASES_GWH.items()}
    base["ke"] = KE_SHARE
    anomaly = summer - summer.mean()
    raw = pd.DataFrame({z: s * (1 + SEASONAL_TILT[z] * anomaly) for z, s in base.items()})
    return raw.div(raw.sum(axis=1), axis=0)


def build_demand(index: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    national = national_demand_mw(index, rng)
    shares = zone_shares(national["summerness"].to_numpy())
    zones = shares.mul(national["demand_mw"].to_numpy(), axis=0)
    zones.index = index
    return zones[sorted(zones.columns)].round(1)


# --- availability synthesis ------------------------------------------------------------


def hydro_profiles(index: pd.DatetimeIndex, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Reservoir capacity limits (monthly steps) and run-of-river flows (smooth, with weather)."""
    days = unique_days(index)
    month = index.month.to_numpy() - 1
    out = {name: np.array(MONTHLY[name])[month] for name in ("hydro_tarbela", "hydro_mangla")}
    for name in ("ror_indus", "ror_jhelum", "ror_kp"):
        flow = monthly_daily(MONTHLY[name], days) * np.exp(ar1(rng, len(days), 0.9, 0.08))
        out[name] = np.clip(daily(flow, index), 0.0, 0.97)
    out["ror_neelum"] = out["ror_jhelum"] * NEELUM_DERATING
    return out


def wind_profile(index: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Sindh coastal wind: monsoon season, afternoon sea breeze, multi-day weather."""
    days = unique_days(index)
    hour = index.hour.to_numpy()
    diurnal = 1 + 0.35 * np.cos(2 * math.pi * (hour - 17) / 24)
    weather = daily(np.exp(ar1(rng, len(days), 0.7, 0.35)), index)
    raw = diurnal * weather * np.exp(rng.normal(0, 0.1, len(index)))
    month = index.month.to_numpy()
    out = np.empty(len(index))
    for m in range(1, 13):
        sel = month == m
        target = MONTHLY["wind_sindh"][m - 1]
        out[sel] = fit_mean(raw[sel], target, 0.92)
    return out


def fit_mean(raw: np.ndarray, target: float, cap: float) -> np.ndarray:
    """Scale `raw` so that, clipped at `cap`, its mean equals `target`."""
    scale = target / raw.mean()
    for _ in range(30):
        clipped = np.clip(raw * scale, 0.0, cap)
        if abs(clipped.mean() - target) < 1e-6:
            break
        scale *= target / clipped.mean()
    return np.clip(raw * scale, 0.0, cap)


def solar_profile(index: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    days = unique_days(index)
    clear = daily(monthly_daily(MONTHLY["clearness"], days), index)
    cloud = daily(np.clip(1 + ar1(rng, len(days), 0.6, 0.1), 0.4, 1.1), index)
    raw = sun_factor(index, *SOLAR_SITE) * clear * cloud
    return fit_mean(raw, SOLAR_CF, 0.85)


def nuclear_profiles(index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    day = index.tz_localize(None).normalize()
    out = {}
    for name, (first, last) in REFUELLING.items():
        outage = (day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))
        out[name] = np.where(outage, 0.0, NUCLEAR_AVAILABLE)
    return out


def thermal_profiles(index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Forced-outage derating, lower in the Dec-Feb planned-maintenance season."""
    winter = np.isin(index.month.to_numpy(), (12, 1, 2))
    out = {name: np.where(winter, low, high) for name, (high, low) in THERMAL.items()}
    supply = np.array(MONTHLY["gas_supply"])[index.month.to_numpy() - 1]
    out["thermal_gas"] = np.minimum(GAS_TECHNICAL, supply)
    level, half_from, nil_from, back_from = BAGASSE
    day = index.tz_localize(None).normalize()
    off = (day >= pd.Timestamp(nil_from)) & (day < pd.Timestamp(back_from))
    half = (day >= pd.Timestamp(half_from)) & (day < pd.Timestamp(nil_from))
    out["bagasse"] = np.select([off, half], [0.0, level / 2], level)
    return out


def build_availability(index: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    profiles = hydro_profiles(index, rng)
    profiles["wind_sindh"] = wind_profile(index, rng)
    profiles["solar_pv"] = solar_profile(index, rng)
    profiles |= nuclear_profiles(index)
    profiles |= thermal_profiles(index)
    frame = pd.DataFrame(profiles, index=index)
    return frame[sorted(frame.columns)].round(4)


def build_hydro_budgets(plants: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Monthly energy for the reservoir plants: capacity x hours x monthly capacity factor."""
    hours = pd.Series(index.month).value_counts().sort_index()
    rows = []
    for plant, profile in BUDGET_PLANTS.items():
        capacity = float(plants.loc[plant, "capacity_mw"])
        factor = T4_SHARE_OF_TARBELA_CF if plant == "tarbela_t4" else 1.0
        for month, n in hours.items():
            cf = MONTHLY[profile][month - 1] * factor
            rows.append((plant, month, round(capacity * n * cf, 0)))
    return pd.DataFrame(rows, columns=["plant", "month", "energy_mwh"])


# --- fuel limits ---------------------------------------------------------------------------

FY25_GENERATION_GWH = 127_159.0
"""FY25 generation [TOPLINE]."""

FUELS_FY25 = {  # fuel: (share of FY25 generation [TOPLINE], fall from FY24 to FY25 [GEO-FY25])
    "rlng": (0.1748, 0.06),
    "oil": (0.0041, 0.79),
}
"""The most the fuel's plants generated in FY24 or FY25, the larger being FY24 for both:
what the LNG and furnace-oil supply chains recently delivered to power [E]."""


def must_run_mwh(plants: pd.DataFrame, availability: pd.DataFrame, fuel: str) -> pd.Series:
    """Local month -> the energy the fuel's operating plants must make (must-run share x
    capacity x hourly availability), MWh: for RLNG, the take-or-pay cargoes the must-run
    share stands for."""
    rows = plants[(plants["fuel"] == fuel) & (plants["status"] == "operating")]
    hourly = sum(
        (
            float(row.must_run) * float(row.capacity_mw) * availability[row.availability]
            for row in rows.itertuples()
            if float(row.must_run) > 0
        ),
        start=pd.Series(0.0, index=availability.index),
    )
    return hourly.groupby(availability.index.month).sum()


def spread_with_floor(total_mwh: float, weights: pd.Series, floor_mwh: pd.Series) -> pd.Series:
    """`total_mwh` over the months in proportion to `weights`, each month at least its floor;
    what the floored months gain comes from the others in proportion to their room above
    their own floor, so the total is kept."""
    share = total_mwh * weights / weights.sum()
    floored = share < floor_mwh
    while True:
        short = float((floor_mwh[floored] - share[floored]).sum())
        room = (share - floor_mwh).where(~floored, 0.0)
        share = share.where(~floored, floor_mwh) - room / room.sum() * short
        if not (share < floor_mwh - 1e-6).any():
            return share
        floored |= share < floor_mwh


def build_fuel_limits(plants: pd.DataFrame, availability: pd.DataFrame) -> pd.DataFrame:
    """Monthly electricity each limited fuel may make: its FY24 generation, spread over the
    months in proportion to the monthly generation the demand is calibrated to (power gets
    more LNG in summer, when demand is high), but in no month below what its plants must
    run (the take-or-pay cargoes cannot exceed what is delivered) [E]."""
    weights = pd.Series(CPPA_MONTHLY_GWH, dtype=float)
    rows = []
    for fuel, (share, fall) in FUELS_FY25.items():
        fy24_gwh = FY25_GENERATION_GWH * share / (1.0 - fall)
        floor = must_run_mwh(plants, availability, fuel).reindex(weights.index, fill_value=0.0)
        spread = spread_with_floor(fy24_gwh * 1000.0, weights, floor)
        note = (
            f"[E] FY24 {fuel} generation {fy24_gwh:,.0f} GWh (FY25: {share:.2%} of "
            f"{FY25_GENERATION_GWH:,.0f} GWh, {fall:.0%} below FY24), spread by month in "
            "proportion to monthly generation"
            + (", never below the month's must-run output" if floor.any() else "")
        )
        for month, energy in spread.items():
            # Up to the next 100 MWh in a month held at its floor, to the nearest elsewhere.
            rounded = np.ceil(energy / 100.0) if energy <= floor[month] + 1e-6 else None
            energy_mwh = int(rounded * 100) if rounded is not None else int(round(energy, -2))
            rows.append((fuel, int(month), energy_mwh, "TOPLINE GEO-FY25", note))
    return pd.DataFrame(rows, columns=["fuel", "month", "energy_mwh", "source", "notes"])


# --- files -------------------------------------------------------------------------------


def write_hourly(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    out.index = pd.Index(stamps(frame.index), name="timestamp")
    out.to_csv(path, lineterminator="\n")


def build(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Synthesise and write demand, availability, hydro budgets and fuel limits; return
    them."""
    rng = np.random.default_rng(SEED)
    index = local_index()
    plants = pd.read_csv(data_dir / "plants.csv", index_col="plant")
    demand = build_demand(index, rng)
    availability = build_availability(index, rng)
    budgets = build_hydro_budgets(plants, index)
    limits = build_fuel_limits(plants, availability)
    write_hourly(demand, data_dir / "demand.csv")
    write_hourly(availability, data_dir / "availability.csv")
    budgets.to_csv(data_dir / "hydro_budgets.csv", index=False, lineterminator="\n")
    limits.to_csv(data_dir / "fuel_limits.csv", index=False, lineterminator="\n")
    return {
        "demand": demand,
        "availability": availability,
        "hydro_budgets": budgets,
        "fuel_limits": limits,
    }


def summary(demand: pd.DataFrame) -> None:
    total = demand.sum(axis=1)
    local = total.index
    print(f"annual energy  {total.sum() / 1e6:10.1f} TWh")
    print(f"peak           {total.max():10.0f} MW at {total.idxmax()}")
    print(f"minimum        {total.min():10.0f} MW at {total.idxmin()}")
    winter = total[np.isin(local.month, (12, 1, 2))]
    daily_peak = winter.groupby(winter.index.date).max()
    print(f"winter daily peak median {daily_peak.median():8.0f} MW, min {daily_peak.min():.0f}")
    print((total.groupby(local.month).sum() / 1e3).round(0).to_string())
    print(demand.sum().div(total.sum()).round(3).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print demand figures")
    args = parser.parse_args()
    frames = build()
    if args.summary:
        summary(frames["demand"])


if __name__ == "__main__":
    main()
