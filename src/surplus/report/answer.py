"""The answer first: can the programme's 2,000 MW be served, and at which tariff without a
subsidy. One set of plain values feeds the console panel, the top of report.html and the
first object of summary.json, so the three cannot disagree.

The subsidy test has one definition everywhere: a tariff passes when, in every hour the
loads were served, it covers the cost to serve them at their meters (the zone's marginal
generation cost, capped at the dearest running plant, grossed up for losses, plus the
network cost). Over the year a tariff can contribute billions and still fail the test in
a few dear hours; the panel says both.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from surplus.economics.study import EconomicsStudy
    from surplus.headroom.joint import JointAnswer

SUBSIDY_TEST = (
    "A tariff passes the subsidy test when, in every hour the loads are served, it covers "
    "the cost to serve them at their meters: the zone's marginal generation cost (capped "
    "at the dearest running plant) grossed up for losses, plus the network cost."
)


@dataclass(frozen=True)
class ServingAnswer:
    """Can the load be served at the named plants, and how often is it curtailed?"""

    kind: str
    """'physical' (any spare capacity) or 'at cost' (only energy within the cost cap)."""
    total_mw: float
    sites: tuple[str, ...]
    served_share: float
    curtailed_hours_per_year: float
    events_per_year: float
    longest_event_hours: int
    season: str
    busiest_hour: int | None
    cost_cap_rs_per_kwh: float | None

    @property
    def firm(self) -> bool:
        return self.curtailed_hours_per_year == 0

    def sentence(self) -> str:
        head = f"{self.total_mw:,.0f} MW at {', '.join(self.sites)}"
        if self.kind == "at cost":
            cap = self.cost_cap_rs_per_kwh
            head += f" at a cost (energy within Rs {cap:,.2f}/kWh)" if cap else " at a cost"
        else:
            head += " (physically)"
        if self.firm:
            return f"{head}: served in every hour of the year (firm)."
        when = f", mostly in {self.season}" if self.season else ""
        if self.busiest_hour is not None:
            when += f", most often at {self.busiest_hour:02d}:00 local time"
        return (
            f"{head}: {self.served_share:.2%} of the energy served; curtailed "
            f"{self.curtailed_hours_per_year:,.0f} hours a year in "
            f"{self.events_per_year:,.0f} events (longest {self.longest_event_hours} h){when}."
        )


@dataclass(frozen=True)
class TariffAnswer:
    """One tariff rule against the subsidy test, and what the miners make of it."""

    name: str
    label: str
    passes: bool
    failing_hours: int
    shortfall_rs_bn: float
    contribution_rs_bn: float
    """Tariff receipts less the cost to serve, over the period (the year's margin)."""
    energy_gwh: float
    served_share: float
    """Energy the loads took over what the full programme would take all period."""
    average_tariff_rs_per_kwh: float
    break_even_flat_rs_per_kwh: float
    """The lowest flat tariff that passes every served hour."""
    break_even_set_by: str
    average_cost_rs_per_kwh: float
    miners_run: bool
    miners_profit_rs_bn: float
    """After the capital charge on their machines."""
    miners_cash_margin_rs_bn: float
    """Before the capital charge: what keeps them running hour by hour."""
    miners_cash_breakeven_rs_per_kwh: float
    miners_stop_btc_usd: float

    def verdict(self) -> str:
        return "passes" if self.passes else "fails"

    def sentence(self) -> str:
        if self.passes:
            test = "passes the subsidy test in every served hour"
        else:
            test = (
                f"fails the subsidy test in {self.failing_hours:,} hours (shortfall Rs "
                f"{self.shortfall_rs_bn:,.2f} bn paid by others in those hours"
                + (
                    f", though over the year it contributes Rs {self.contribution_rs_bn:,.1f} bn"
                    if self.contribution_rs_bn > 0
                    else ""
                )
                + ")"
            )
        if not self.miners_run:
            miners = "miners do not run at all at this tariff"
        else:
            miners = (
                f"miners' cash margin Rs {self.miners_cash_margin_rs_bn:,.1f} bn (Rs "
                f"{self.miners_profit_rs_bn:,.1f} bn after the capital charge); they stop "
                f"below {_usd(self.miners_stop_btc_usd)} a bitcoin"
            )
        return (
            f"{self.label}: {test}; {self.served_share:.1%} of the programme's energy served; "
            f"break-even flat tariff Rs {self.break_even_flat_rs_per_kwh:,.2f}/kWh, set by "
            f"{self.break_even_set_by}; {miners}."
        )


@dataclass(frozen=True)
class Answer:
    """The panel: the serving answers and the tariff answers, with the test's definition."""

    question: str
    serving: tuple[ServingAnswer, ...]
    tariffs: tuple[TariffAnswer, ...]
    subsidy_test: str = SUBSIDY_TEST

    def headline(self) -> str:
        """One sentence: served or not, how often curtailed, which rules are subsidy-free."""
        parts = []
        for s in self.serving:
            how = "physically" if s.kind == "physical" else "at a cost"
            parts.append(
                f"{how}, {s.served_share:.2%} of the energy served, curtailed "
                f"{s.curtailed_hours_per_year:,.0f} hours a year"
            )
        mw = self.serving[0].total_mw if self.serving else 0.0
        served = f"{mw:,.0f} MW at the named plants: " + "; ".join(parts) if parts else ""
        passing = [t.label for t in self.tariffs if t.passes]
        if not self.tariffs:
            tariffs = "tariffs not assessed"
        elif passing:
            tariffs = f"subsidy-free tariff rules: {', '.join(passing)}"
        else:
            tariffs = "no tariff rule is subsidy-free"
        return (f"{served}. " if served else "") + f"{tariffs[0].upper()}{tariffs[1:]}."

    def sentences(self) -> list[str]:
        """Every line of the panel, in order: the same text in the console and the page."""
        return (
            [s.sentence() for s in self.serving]
            + [t.sentence() for t in self.tariffs]
            + [self.subsidy_test]
        )

    def table(self) -> pd.DataFrame:
        """The tariff rules side by side, labelled in words with units."""
        rows = {
            t.label: {
                "Subsidy test": t.verdict(),
                "Failing hours": f"{t.failing_hours:,}",
                "Shortfall, Rs bn": f"{t.shortfall_rs_bn:,.2f}",
                "Year's margin, Rs bn": f"{t.contribution_rs_bn:,.1f}",
                "Energy served": f"{t.served_share:.1%}",
                "Break-even flat tariff, Rs/kWh": f"{t.break_even_flat_rs_per_kwh:,.2f}",
                "Miners' cash margin, Rs bn": (
                    f"{t.miners_cash_margin_rs_bn:,.1f}" if t.miners_run else "do not run"
                ),
                "Miners stop below, USD/BTC": (
                    _usd(t.miners_stop_btc_usd) if t.miners_run else "—"
                ),
            }
            for t in self.tariffs
        }
        frame = pd.DataFrame(rows).T
        frame.index.name = "Tariff rule"
        return frame

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "headline": self.headline(),
            "subsidy_test": self.subsidy_test,
            "serving": [asdict(s) | {"sentence": s.sentence()} for s in self.serving],
            "tariffs": [_clean(asdict(t)) | {"sentence": t.sentence()} for t in self.tariffs],
        }

    def html(self) -> str:
        """The panel at the top of report.html (escaped text, a table of the rules)."""
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences()[:-1])
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["Tariff rule", *self.table()])
        rows = "".join(
            f"<tr><td>{html.escape(str(label))}</td>"
            + "".join(
                f"<td{' class=bad' if value == 'fails' else ''}>{html.escape(str(value))}</td>"
                for value in row
            )
            + "</tr>"
            for label, row in zip(
                self.table().index, self.table().itertuples(index=False), strict=True
            )
        )
        return (
            f'<section id="answer" class="answer"><h2>The answer</h2>'
            f"<p class='question'>{html.escape(self.question)}</p>"
            f"<p class='headline'><strong>{html.escape(self.headline())}</strong></p>"
            f"<ul>{items}</ul>"
            f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
            f"</table></div><p class='meta'>{html.escape(self.subsidy_test)}</p></section>"
        )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in values.items()
    }


def _usd(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return f"USD {value:,.0f}" if value < 1e6 else "USD 1m+ (no price makes them run)"


def serving_answer(joint: JointAnswer) -> ServingAnswer:
    """The headroom package's joint answer, as plain values."""
    stats = joint.combined
    cap = joint.cost_cap_pkr_per_mwh
    return ServingAnswer(
        kind="physical" if joint.kind == "physical" else "at cost",
        total_mw=joint.total_load_mw,
        sites=tuple(s.site.name for s in joint.sites),
        served_share=1.0 - stats.rate,
        curtailed_hours_per_year=stats.curtailed_hours_per_year,
        events_per_year=stats.events_per_year,
        longest_event_hours=stats.longest_event_hours,
        season=joint.season,
        busiest_hour=stats.busiest_hour_of_day,
        cost_cap_rs_per_kwh=cap / 1000 if math.isfinite(cap) else None,
    )


def tariff_answers(
    study: EconomicsStudy, usd_exchange_rate: float, timezone: str
) -> tuple[TariffAnswer, ...]:
    """Each tariff rule of the study, as plain values (the one subsidy test: the price measure)."""
    from surplus.economics.compare import tariff_label
    from surplus.economics.sweeps import miners_stop_price_usd

    answers = []
    full_mwh = study.programme.grid_mw * study.comparison.hours
    for outcome in study.comparison.outcomes:
        test, finance = outcome.subsidy_price, outcome.finance
        miners = [load for load in outcome.loads if load.kind == "miner"]
        miner_energy = sum(m.energy_mwh for m in miners)
        cash = sum(m.cash_profit_pkr + m.energy_cost_pkr for m in miners)
        answers.append(
            TariffAnswer(
                name=outcome.tariff,
                label=tariff_label(outcome.tariff),
                passes=test.passes,
                failing_hours=test.failing_hours,
                shortfall_rs_bn=test.shortfall_pkr / 1e9,
                contribution_rs_bn=finance.contribution_price_pkr / 1e9,
                energy_gwh=finance.energy_sold_mwh / 1e3,
                served_share=finance.energy_sold_mwh / full_mwh if full_mwh else 0.0,
                average_tariff_rs_per_kwh=(
                    finance.revenue_pkr / finance.energy_sold_mwh / 1e3
                    if finance.energy_sold_mwh
                    else float("nan")
                ),
                break_even_flat_rs_per_kwh=test.min_flat_tariff_pkr_per_mwh / 1e3,
                break_even_set_by=_dearest_hour(outcome.hourly, test, timezone),
                average_cost_rs_per_kwh=test.average_cost_pkr_per_mwh / 1e3,
                miners_run=miner_energy > 0,
                miners_profit_rs_bn=sum(m.profit_pkr for m in miners) / 1e9,
                miners_cash_margin_rs_bn=sum(m.cash_profit_pkr for m in miners) / 1e9,
                miners_cash_breakeven_rs_per_kwh=(
                    cash / miner_energy / 1e3 if miner_energy > 0 else float("nan")
                ),
                miners_stop_btc_usd=miners_stop_price_usd(
                    outcome,
                    study.programme,
                    study.scenario,
                    usd_exchange_rate,
                    study.assumptions.reserve,
                ),
            )
        )
    return tuple(answers)


def _dearest_hour(hourly: pd.DataFrame, test: Any, timezone: str) -> str:
    """Which hour sets the break-even flat tariff, in words."""
    dearest = test.hourly["max_cost_pkr_per_mwh"].dropna()
    if dearest.empty:
        return "no served hour"
    when = pd.Timestamp(dearest.idxmax()).tz_convert(timezone)
    p99 = test.flat_tariff_p99_pkr_per_mwh / 1e3
    loads = test.by_load["min_flat_tariff_pkr_per_mwh"].dropna()
    where = f", {loads.idxmax()}" if len(loads) else ""
    return (
        f"the dearest served hour ({when:%d %b %H:00} local{where}); all but the dearest 1 % "
        f"of served hours pass at Rs {p99:,.2f}/kWh"
    )


def build_answer(
    joints: Sequence[JointAnswer],
    study: EconomicsStudy | None,
    usd_exchange_rate: float,
    timezone: str,
    programme_mw: float,
) -> Answer:
    """The panel from the headroom's joint answers (physical, at cost) and the study."""
    serving = tuple(serving_answer(j) for j in joints)
    tariffs = tariff_answers(study, usd_exchange_rate, timezone) if study is not None else ()
    sites = serving[0].sites if serving else ()
    question = (
        f"Can {programme_mw:,.0f} MW of miners and data centres be served at "
        f"{', '.join(sites) or 'the named plants'}, how often are they curtailed, and at which "
        "tariff without a subsidy?"
    )
    return Answer(question, serving, tariffs)


def print_answer(answer: Answer, console: Any) -> None:
    """The panel at the end of `surplus assess`: the same sentences as the page, one line
    each (never cut, so the terminal, a log and the page read alike)."""
    from rich.text import Text

    console.rule("[bold]The answer[/]", align="left")
    console.print(Text(answer.headline(), style="bold"), soft_wrap=True)
    for sentence in answer.sentences()[:-1]:
        console.print(Text(f"• {sentence}"), soft_wrap=True)
    console.print(Text(answer.subsidy_test, style="dim"), soft_wrap=True)
