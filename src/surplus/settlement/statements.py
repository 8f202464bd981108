"""Monthly statements per operator: what each of its sites owes for the month, line by line.

Lines per site: energy at the tariff (peak and off-peak apart for time-of-use), the
network charge, the cost of serving above the tariff in priced-out hours (curtail-on-price
clauses), penalties (excess energy during orders, MW not shed in time, hours without
telemetry), and credits. Each line is rounded once (`surplus.settlement.money`); the total
is the sum of the lines. The Strategic Bitcoin Reserve share is owed in kind (bitcoin),
estimated from the energy a miner drew, and is listed apart from the PKR total. Every
statement names the meter data it used: source, version, readings and a SHA-256 of the
hourly energy billed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from surplus.contracts import TermSheet
from surplus.loads.catalogue import BITCOIN
from surplus.loads.miner import MinerFleet
from surplus.settlement.money import (
    ENERGY_DIGITS,
    PRICE_DIGITS,
    RULE,
    amount_pkr,
    energy,
    pkr,
    price,
    scaled,
)
from surplus.settlement.pricing import HourlyPrices, hourly_prices, is_peak
from surplus.settlement.verdicts import Judgement

LineCode = Literal[
    "energy",
    "energy_peak",
    "energy_off_peak",
    "network",
    "price_cap_recovery",
    "penalty_excess_energy",
    "penalty_late_response",
    "penalty_telemetry_gap",
    "credit",
]


Unit = Literal["MWh", "MW", "h", "PKR"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MeterUse(_Model):
    """Which meter data a statement used for one site."""

    source: Literal["meter", "telemetry", "none"]
    version: int
    """0: as received; N: with corrections up to version N."""
    readings: int
    expected_readings: int
    hours_billed: int
    hours_without_readings: int
    flags: int
    sha256: str
    """Of the hourly MWh billed, so the same data can be shown to give the same bill."""


class Line(_Model):
    site_id: int | None
    code: LineCode
    description: str
    quantity: Decimal
    unit: Unit
    rate_pkr: Decimal | None
    """Per unit; None when it varies by hour (the hourly table shows it)."""
    amount_pkr: Decimal


class SiteHours(_Model):
    """One site's hours, as columns: MWh billed and PKR/MWh at the stated resolutions."""

    site_id: int
    hour_start: tuple[datetime, ...]
    energy_mwh: tuple[Decimal, ...]
    energy_pkr_per_mwh: tuple[Decimal, ...]
    recovery_pkr_per_mwh: tuple[Decimal, ...]
    network_pkr_per_mwh: Decimal


class ReserveShare(_Model):
    site_id: int
    share: float
    energy_mwh: Decimal
    btc_per_mwh: float
    btc: Decimal
    """Owed in kind, estimated; reconciled against the pool's payouts."""


class SiteSummary(_Model):
    site_id: int
    zone: str
    kind: str
    allocated_mw: float
    term_sheet_id: str
    tariff_rule: str
    tariff_basis: str
    energy_mwh: Decimal
    orders: int
    breaches: int
    meter: MeterUse
    revenue_pkr: Decimal
    """Energy, network and priced-out recovery lines: what the site paid for its power."""
    cost_of_serving_pkr: Decimal | None
    """Σ energy × (marginal cost grossed up for losses + network charge), when the zone's
    marginal cost is known: the subsidy test passes when revenue covers it."""


class Statement(_Model):
    """One operator's statement for one month (local calendar month)."""

    statement_id: str
    month: str
    operator: str
    version: int = 1
    reason: str | None = None
    supersedes: str | None = None
    currency: Literal["PKR"] = "PKR"
    rounding: str = RULE
    sites: tuple[SiteSummary, ...]
    lines: tuple[Line, ...]
    reserve: tuple[ReserveShare, ...]
    hours: tuple[SiteHours, ...]
    total_pkr: Decimal

    @property
    def energy_mwh(self) -> Decimal:
        return sum((s.energy_mwh for s in self.sites), Decimal(0))


@dataclass(frozen=True)
class SiteMonth:
    """What settlement knows of one site for the month."""

    site_id: int
    sheet: TermSheet
    hours: pd.DatetimeIndex
    """The month's hours (UTC) while the contract was in force."""
    energy_mwh: np.ndarray
    """Billed MWh per hour; NaN: no usable reading."""
    meter: MeterUse
    marginal_cost_pkr_per_mwh: pd.Series | None = None
    judgements: tuple[Judgement, ...] = ()
    credits: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "operator"


def statement_id(month: str, operator: str, version: int) -> str:
    return f"{month}/{slug(operator)}/v{version}"


def meter_digest(energy_mwh: np.ndarray) -> str:
    """SHA-256 of the hourly MWh at the billing resolution (NaN as empty)."""
    text = ",".join("" if not np.isfinite(v) else f"{v:.6f}" for v in energy_mwh)
    return hashlib.sha256(text.encode()).hexdigest()


def _line(
    site: int,
    code: LineCode,
    text: str,
    qty: float,
    unit: Unit,
    rate: float | None,
    amount: Decimal,
) -> Line:
    return Line(
        site_id=site,
        code=code,
        description=text,
        quantity=energy(qty),
        unit=unit,
        rate_pkr=price(rate) if rate is not None else None,
        amount_pkr=amount,
    )


def site_lines(site: SiteMonth) -> tuple[list[Line], SiteHours, ReserveShare | None]:
    sheet, sid = site.sheet, site.site_id
    prices = hourly_prices(sheet, site.hours, site.marginal_cost_pkr_per_mwh)
    billed = np.nan_to_num(site.energy_mwh, nan=0.0)
    lines: list[Line] = []
    t = sheet.tariff
    loss = f"grossed up for {t.loss_share:.1%} losses" if t.loss_share else "no losses"
    energy_price = prices.energy_pkr_per_mwh.to_numpy()
    if t.basis == "time_of_use":
        peak = is_peak(t, site.hours)
        parts: tuple[tuple[np.ndarray, LineCode, str], ...] = (
            (peak, "energy_peak", "peak"),
            (~peak, "energy_off_peak", "off-peak"),
        )
        for mask, code, name in parts:
            rate = float(energy_price[mask][0]) if mask.any() else None
            text = f"Energy, {t.rule}, {name} hours ({loss})"
            lines.append(
                _line(
                    sid,
                    code,
                    text,
                    float(billed[mask].sum()),
                    "MWh",
                    rate,
                    amount_pkr(billed[mask], energy_price[mask]),
                )
            )
    else:
        flat = t.basis == "fixed"
        text = f"Energy, {t.rule} ({'flat' if flat else 'hourly'}, {loss})"
        rate = float(energy_price[0]) if flat and len(energy_price) else None
        lines.append(
            _line(
                sid,
                "energy",
                text,
                float(billed.sum()),
                "MWh",
                rate,
                amount_pkr(billed, energy_price),
            )
        )
    network = np.full(len(billed), prices.network_pkr_per_mwh)
    lines.append(
        _line(
            sid,
            "network",
            "Network charge",
            float(billed.sum()),
            "MWh",
            prices.network_pkr_per_mwh,
            amount_pkr(billed, network),
        )
    )
    priced_out = prices.priced_out.to_numpy()
    if priced_out.any():
        above_floor = np.clip(billed - sheet.floor_mw, 0.0, None) * priced_out
        recovery = prices.recovery_pkr_per_mwh.to_numpy()
        text = f"Cost of serving above the tariff in {int(priced_out.sum())} priced-out hours"
        lines.append(
            _line(
                sid,
                "price_cap_recovery",
                text,
                float(above_floor.sum()),
                "MWh",
                None,
                amount_pkr(above_floor, recovery),
            )
        )
    p = sheet.penalties
    excess = sum(j.excess_mwh for j in site.judgements)
    if excess > 0:
        text = "Energy drawn above ordered limits (after the response time)"
        lines.append(
            _line(
                sid,
                "penalty_excess_energy",
                text,
                excess,
                "MWh",
                p.excess_energy_pkr_per_mwh,
                amount_pkr(np.array([excess]), np.array([p.excess_energy_pkr_per_mwh])),
            )
        )
    late = sum(j.not_shed_mw for j in site.judgements if j.verdict in ("late", "exceeded"))
    if late > 0:
        text = "MW not shed within the response time"
        lines.append(
            _line(
                sid,
                "penalty_late_response",
                text,
                late,
                "MW",
                p.late_response_pkr_per_mw,
                amount_pkr(np.array([late]), np.array([p.late_response_pkr_per_mw])),
            )
        )
    gap_hours = int(np.isnan(site.energy_mwh).sum())
    if gap_hours:
        text = "Hours without usable meter readings"
        lines.append(
            _line(
                sid,
                "penalty_telemetry_gap",
                text,
                float(gap_hours),
                "h",
                p.telemetry_gap_pkr_per_hour,
                amount_pkr(np.array([gap_hours]), np.array([p.telemetry_gap_pkr_per_hour])),
            )
        )
    for text, value in site.credits:
        lines.append(
            Line(
                site_id=sid,
                code="credit",
                description=text,
                quantity=Decimal(1),
                unit="PKR",
                rate_pkr=None,
                amount_pkr=-abs(pkr(value)),
            )
        )
    hours = hour_rows(sid, site.hours, billed, energy_price, prices)
    reserve = None
    if sheet.kind == "miner" and sheet.strategic_bitcoin_reserve_share > 0:
        per_mwh = btc_per_mwh()
        mined = Decimal(repr(float(billed.sum()) * per_mwh * sheet.strategic_bitcoin_reserve_share))
        reserve = ReserveShare(
            site_id=sid,
            share=sheet.strategic_bitcoin_reserve_share,
            energy_mwh=energy(float(billed.sum())),
            btc_per_mwh=per_mwh,
            btc=mined.quantize(Decimal("0.00000001")),
        )
    return lines, hours, reserve


REVENUE_CODES = frozenset(
    {"energy", "energy_peak", "energy_off_peak", "network", "price_cap_recovery"}
)


def cost_of_serving(site: SiteMonth) -> Decimal | None:
    """What serving the site's energy cost the system: marginal cost at the node grossed up
    for losses, plus the network charge; None without the zone's marginal cost."""
    cost = site.marginal_cost_pkr_per_mwh
    if cost is None:
        return None
    t = site.sheet.tariff
    serving = cost.to_numpy(dtype=float) / (1.0 - t.loss_share) + t.network_charge_pkr_per_mwh
    return amount_pkr(np.nan_to_num(site.energy_mwh, nan=0.0), serving)


def hour_rows(
    site_id: int,
    index: pd.DatetimeIndex,
    billed: np.ndarray,
    energy_price: np.ndarray,
    prices: HourlyPrices,
) -> SiteHours:
    """The hourly table at the stated resolutions, built without re-validation: every
    value is made here, of the declared type (thousands a statement)."""

    def column(values: np.ndarray, digits: int) -> tuple[Decimal, ...]:
        return tuple(Decimal(v).scaleb(-digits) for v in scaled(values, digits))

    return SiteHours.model_construct(
        site_id=site_id,
        hour_start=tuple(index.to_pydatetime()),
        energy_mwh=column(billed, ENERGY_DIGITS),
        energy_pkr_per_mwh=column(energy_price, PRICE_DIGITS),
        recovery_pkr_per_mwh=column(prices.recovery_pkr_per_mwh.to_numpy(), PRICE_DIGITS),
        network_pkr_per_mwh=price(prices.network_pkr_per_mwh),
    )


def btc_per_mwh() -> float:
    """Bitcoin a default fleet mines per MWh at its meter, at the catalogue's network
    hashrate, subsidy and fees: the reserve share's estimate."""
    fleet = MinerFleet("reserve estimate", grid_mw=1.0)
    share = fleet.hashrate_phs / (BITCOIN.default("network_hashrate_ehs") * 1000.0)
    per_hour = BITCOIN.default("blocks_per_day") / 24.0
    reward = BITCOIN.default("subsidy_btc") + BITCOIN.default("fees_btc_per_block")
    return share * per_hour * reward


def build_statement(
    month: str,
    operator: str,
    sites: Sequence[SiteMonth],
    version: int = 1,
    reason: str | None = None,
    supersedes: str | None = None,
) -> Statement:
    """The statement of `operator` for `month` from its sites' months."""
    lines: list[Line] = []
    hours: list[SiteHours] = []
    reserve: list[ReserveShare] = []
    summaries = []
    for site in sorted(sites, key=lambda s: s.site_id):
        found, rows, share = site_lines(site)
        revenue = sum(
            (line.amount_pkr for line in found if line.code in REVENUE_CODES), Decimal("0.00")
        )
        lines += found
        hours.append(rows)
        if share is not None:
            reserve.append(share)
        summaries.append(
            SiteSummary(
                site_id=site.site_id,
                zone=site.sheet.zone,
                kind=site.sheet.kind,
                allocated_mw=site.sheet.allocated_mw,
                term_sheet_id=site.sheet.term_sheet_id,
                tariff_rule=site.sheet.tariff.rule,
                tariff_basis=site.sheet.tariff.basis,
                energy_mwh=energy(float(np.nansum(site.energy_mwh))),
                orders=len(site.judgements),
                breaches=sum(1 for j in site.judgements if j.breach),
                meter=site.meter,
                revenue_pkr=revenue,
                cost_of_serving_pkr=cost_of_serving(site),
            )
        )
    return Statement(
        statement_id=statement_id(month, operator, version),
        month=month,
        operator=operator,
        version=version,
        reason=reason,
        supersedes=supersedes,
        sites=tuple(summaries),
        lines=tuple(lines),
        reserve=tuple(reserve),
        hours=tuple(hours),
        total_pkr=sum((line.amount_pkr for line in lines), Decimal("0.00")),
    )
