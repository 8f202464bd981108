"""`surplus economics`: the programme's tariffs compared on a dataset.

Register with the main app: ``app.command("economics")(economics_command)``.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from surplus.console import console, fails_cleanly, print_frame, stage_bars
from surplus.economics.assess import Assumptions
from surplus.economics.catalogue import PROGRAMME
from surplus.economics.compare import Comparison
from surplus.economics.reserve import ReservePolicy
from surplus.errors import InputError, Problem
from surplus.loads.bitcoin import BitcoinScenario
from surplus.loads.catalogue import BITCOIN


def _utc(text: str, option: str) -> pd.Timestamp:
    """A timestamp option; a naive one is read as UTC."""
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise InputError(
            Problem("options", None, option, "a date or ISO timestamp", text)
        ) from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


@fails_cleanly
def economics_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Dataset folder; the embedded Pakistan dataset when left out.", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for comparison.json and the CSV tables.")
    ] = None,
    btc_price: Annotated[
        float, typer.Option(help="BTC price, USD (constant, or the start of --seed's path).")
    ] = BITCOIN.default("btc_price_usd"),
    btc_csv: Annotated[
        Path | None,
        typer.Option(
            help="Scenario CSV: timestamp, btc_price_usd, fees_btc_per_block, network_hashrate_ehs."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Use a seeded random price path (GBM) instead.")
    ] = None,
    programme_mw: Annotated[
        float, typer.Option(help="MW split over Sahiwal, Port Qasim and China Power Hub.")
    ] = PROGRAMME.default("programme_mw"),
    miner_share: Annotated[
        float, typer.Option(help="Share of the MW taken by miners; the rest data centres.")
    ] = PROGRAMME.default("miner_share"),
    reserve_share: Annotated[
        float, typer.Option(help="Share of mined bitcoin handed to the national reserve.")
    ] = PROGRAMME.default("reserve_share"),
    reserve_fee: Annotated[
        float, typer.Option(help="Or a levy per MWh, USD, paid into the reserve in bitcoin.")
    ] = PROGRAMME.default("reserve_fee_usd_per_mwh"),
    foreign_share: Annotated[
        float,
        typer.Option(
            help="Share of operators' profit (after imported equipment) that leaves the "
            "country, for the foreign-exchange balance."
        ),
    ] = PROGRAMME.default("operators_foreign_share"),
    start: Annotated[str | None, typer.Option(help="First hour (UTC), e.g. 2025-01-01.")] = None,
    end: Annotated[str | None, typer.Option(help="End (exclusive, UTC).")] = None,
) -> None:
    """Compare Rs 23/kWh, industrial B3 and a dynamic tariff for the 2,000 MW programme.

    For each tariff: the subsidy test, the government's position and operators' profit."""
    from surplus.study import BitcoinPath, Programme, Stages, StudyInput, run_study

    assumptions = Assumptions(
        reserve=ReservePolicy(reserve_share, reserve_fee), operators_foreign_share=foreign_share
    )
    spec = StudyInput(
        dataset=path,
        start=_utc(start, "--start") if start else None,
        end=_utc(end, "--end") if end else None,
        programme=Programme(quota_mw=programme_mw, miner_share=miner_share),
        bitcoin=BitcoinPath(btc_price, seed, btc_csv),
        assumptions=assumptions,
        stages=Stages(
            headroom=False,
            siting_prices=False,
            load_shedding=False,
            economics_required=True,
            allocation=False,
        ),
    )
    with stage_bars() as progress:
        done = run_study(spec, progress=progress)
    study = done.economics
    assert study is not None  # economics_required: the study fails rather than skip it
    programme, scenario = study.programme, study.scenario
    comparison, profit, reserve = (
        study.comparison,
        study.miner_profit_by_price,
        study.reserve_by_price,
    )
    _print(comparison, programme.grid_mw, programme.hashrate_ehs)
    print_frame(
        reserve.pivot(index="btc_price_usd", columns="tariff", values="btc_per_year"),
        f"Strategic Bitcoin Reserve, BTC a year ({assumptions.reserve.share_of_mined:.0%} of "
        f"coins mined, plus {assumptions.reserve.fee_usd_per_mwh:g} USD/MWh paid in BTC), "
        "in the hours the miners would run at each price",
        digits=1,
    )
    if out is not None:
        written = _write(
            comparison,
            out,
            assumptions,
            programme_mw,
            miner_share,
            scenario,
            {"miner_profit_by_btc_price": profit, "reserve_by_btc_price": reserve},
        )
        console.print(f"[green]wrote[/] {len(written)} files to {out}")


def _print(comparison: Comparison, grid_mw: float, hashrate_ehs: float) -> None:
    console.print(
        f"[bold]{comparison.dataset}[/]: {comparison.hours:,} h; programme {grid_mw:,.0f} MW, "
        f"miners {hashrate_ehs:,.1f} EH/s"
    )
    summary = comparison.summary.set_index("tariff").drop(columns="hours").T
    summary.index.name = "figure"
    print_frame(
        summary.astype(object), "Tariffs compared (Rs bn, GWh, Rs/kWh over the period)", digits=2
    )
    console.print(
        "[dim]min_flat_tariff: the cost to serve in the dearest served load-hour of the period, "
        "so a few hours can set it; flat_tariff_p99 passes all but the dearest 1 % of served "
        "hours. Costs are capped at the dearest running plant (the value of lost load never "
        "sets them).[/]"
    )
    parties = pd.concat([o.parties.assign(tariff=o.tariff) for o in comparison.outcomes])
    net = parties.pivot(index="party", columns="tariff", values="net_pkr") / 1e9
    net = net.reindex(index=comparison.outcomes[0].parties["party"])[summary.columns]
    print_frame(net, "Who gains and who pays: net over the period, Rs bn", digits=2)
    console.print(
        "[dim]Government/CPPA: tariff receipts less the change in fuel cost (delta measure) and "
        "network cost. Other consumers: the same rupees, if passed on through capacity "
        "charges; do not add the two rows. Gains and payments per party are in parties.csv.[/]"
    )


def _write(
    comparison: Comparison,
    out: Path,
    assumptions: Assumptions,
    programme_mw: float,
    miner_share: float,
    scenario: BitcoinScenario,
    extra: dict[str, pd.DataFrame],
) -> list[Path]:
    from surplus.economics.output import write_comparison

    recorded: dict[str, Any] = {
        "programme_mw": programme_mw,
        "miner_share": miner_share,
        "serving": asdict(assumptions.serving),
        "capacity": asdict(assumptions.capacity),
        "reserve": asdict(assumptions.reserve),
        "operators_foreign_share": assumptions.operators_foreign_share,
        "btc_price_usd_mean": float(scenario.btc_price_usd.mean()),
        "network_hashrate_ehs_mean": float(scenario.network_hashrate_ehs.mean()),
    }
    return write_comparison(comparison, out, recorded, extra)
