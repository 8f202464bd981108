"""Plotly figures for the report: the subsidy test hour by hour, and miners' profit against
the bitcoin price. Builders only: they return figures and write nothing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from surplus.economics.assess import TariffOutcome


def cost_vs_tariff_figure(outcome: TariffOutcome, timezone: str = "Asia/Karachi") -> go.Figure:
    """Energy-weighted cost to serve the programme (marginal generation cost grossed up for
    losses, plus network) against the tariff it pays, each hour, in Rs/kWh; hours that fail
    the subsidy test are marked."""
    hourly = outcome.hourly
    local = pd.DatetimeIndex(hourly.index).tz_convert(timezone)
    failing = outcome.subsidy_price.hourly["failing_mw"] > 0
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=local,
            y=hourly["cost_to_serve_pkr_per_mwh"] / 1000,
            name="cost to serve",
            mode="lines",
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=local,
            y=hourly["tariff_pkr_per_mwh"] / 1000,
            name=f"tariff: {outcome.tariff}",
            mode="lines",
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=local[failing.to_numpy()],
            y=hourly["cost_to_serve_pkr_per_mwh"][failing] / 1000,
            name="fails the subsidy test",
            mode="markers",
            marker={"color": "crimson", "size": 4},
        )
    )
    fig.update_layout(
        title=f"Hourly cost to serve vs tariff ({outcome.tariff}): "
        f"{outcome.subsidy_price.failing_hours:,} failing hours",
        xaxis_title=f"time ({timezone})",
        yaxis_title="Rs/kWh",
        hovermode="x unified",
    )
    return fig


def miner_profit_figure(sweep: pd.DataFrame) -> go.Figure:
    """Miners' profit (after and before the capital charge) against the BTC price, one line
    per tariff; `sweep` is `miner_profit_by_price` output, stacked over tariffs."""
    fig = go.Figure()
    for tariff, rows in sweep.groupby("tariff", sort=False):
        fig.add_trace(
            go.Scatter(
                x=rows["btc_price_usd"],
                y=rows["miners_profit_pkr"] / 1e9,
                name=f"{tariff}: profit",
                mode="lines+markers",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=rows["btc_price_usd"],
                y=rows["miners_cash_profit_pkr"] / 1e9,
                name=f"{tariff}: before capital",
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
