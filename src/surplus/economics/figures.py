"""Plotly figures for the report: the subsidy test hour by hour, and miners' profit against
the bitcoin price. Builders only: they return figures and write nothing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from surplus.economics.assess import TariffOutcome
from surplus.economics.compare import tariff_label


def daily_tightest_hours(outcome: TariffOutcome, timezone: str) -> pd.DataFrame:
    """Each local day's tightest served hour: the one where the dearest cost to serve
    (the subsidy test's) most exceeds the tariff, or comes closest to it. A day fails the
    test exactly when its tightest hour does, so 365 points tell what 8,760 would."""
    hourly = outcome.hourly
    served = hourly["served_mw"] > 1e-6
    cost = hourly["dearest_cost_to_serve_pkr_per_mwh"].where(served)
    tariff = hourly["tariff_pkr_per_mwh"].where(served)
    frame = pd.DataFrame({"cost": cost, "tariff": tariff, "gap": cost - tariff}).dropna()
    if frame.empty:
        return pd.DataFrame(columns=["cost", "tariff", "gap", "fails"])
    frame.index = pd.DatetimeIndex(frame.index).tz_convert(timezone)
    day = frame.index.floor("D")
    tightest = frame.loc[frame.groupby(day)["gap"].idxmax()]
    failing = outcome.subsidy_price.hourly["failing_mw"] > 0
    failing.index = pd.DatetimeIndex(failing.index).tz_convert(timezone)
    failing_days = set(failing[failing].index.floor("D"))
    tightest = tightest.assign(fails=[d in failing_days for d in tightest.index.floor("D")])
    tightest.index = tightest.index.floor("D")
    return tightest


def cost_vs_tariff_figure(outcome: TariffOutcome, timezone: str = "Asia/Karachi") -> go.Figure:
    """The subsidy test day by day: each day's tightest served hour, its cost to serve (the
    dearest site's, as the test reads it) against the tariff, in Rs/kWh; failing days
    marked."""
    days = daily_tightest_hours(outcome, timezone)
    label = tariff_label(outcome.tariff)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days.index, y=days["cost"] / 1000, name="cost to serve", mode="lines",
            line={"color": "#4c72b0", "width": 1.5},
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=days.index, y=days["tariff"] / 1000, name=f"tariff: {label}", mode="lines",
            line={"color": "#dd8452", "width": 1.5},
        )
    )  # fmt: skip
    fails = days[days["fails"]]
    fig.add_trace(
        go.Scatter(
            x=fails.index, y=fails["cost"] / 1000, name="day with a failing hour",
            mode="markers", marker={"color": "crimson", "size": 5},
        )
    )  # fmt: skip
    test = outcome.subsidy_price
    fig.update_layout(
        title=f"Subsidy test, {label}: each day's tightest served hour; "
        f"{test.failing_hours:,} failing hours, break-even flat tariff Rs "
        f"{test.min_flat_tariff_pkr_per_mwh / 1000:,.2f}/kWh",
        xaxis_title=f"day ({timezone})",
        yaxis_title="Rs/kWh",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def miner_profit_figure(sweep: pd.DataFrame) -> go.Figure:
    """Miners' profit (after and before the capital charge) against the BTC price, one line
    per tariff; `sweep` is `miner_profit_by_price` output, stacked over tariffs."""
    fig = go.Figure()
    for tariff, rows in sweep.groupby("tariff", sort=False):
        label = tariff_label(str(tariff))
        fig.add_trace(
            go.Scatter(
                x=rows["btc_price_usd"],
                y=rows["miners_profit_pkr"] / 1e9,
                name=f"{label}: profit",
                mode="lines+markers",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=rows["btc_price_usd"],
                y=rows["miners_cash_profit_pkr"] / 1e9,
                name=f"{label}: cash margin (before capital)",
                mode="lines",
                line={"dash": "dot"},
            )
        )
    fig.add_hline(y=0.0, line={"color": "grey", "width": 1})
    fig.update_layout(
        title="Miners' profit against the bitcoin price",
        xaxis_title="BTC price, USD",
        yaxis_title="profit over the period, Rs bn",
    )
    return fig
