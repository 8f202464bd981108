"""Term sheets for every grant: the data (`surplus.contracts.TermSheet`) and a readable
Markdown or HTML document of the same data.

How terms are set from an application and its verification:

- curtailment share, longest event and notice are what the applicant offered;
- hours a year with curtailment: 1.5 × the hours the verification dispatch found (capacity
  and price together), and never fewer than the share of the year at full depth, so a year
  a little tighter than the one studied stays within the rights (`HOURS_MARGIN`);
- time to shed once ordered: the granted MW at the applicant's ramp rate, at least a minute;
- penalties: the value of lost load for each MWh drawn above an order (that MWh may have
  been taken from a consumer who was then shed), and the flat amounts in `TermsPolicy`;
- the Strategic Bitcoin Reserve share: the economics' reserve policy for miners, 0 for
  data centres.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from surplus.allocation.allocator import Allocation, Decision
from surplus.allocation.rules import tariff_rules
from surplus.contracts import (
    CurtailmentRights,
    ExpectedService,
    PenaltyTerms,
    TermSheet,
)

HOURS_MARGIN = 1.5


@dataclass(frozen=True)
class TermsPolicy:
    """Flat terms no application or dataset sets (assumptions, adjustable)."""

    late_response_pkr_per_mw: float = 10_000.0
    telemetry_gap_pkr_per_hour: float = 5_000.0
    suspension_after_breaches: int = 3
    value_of_lost_load_pkr_per_mwh: float = 240_000.0


def term_sheet(decision: Decision, allocation: Allocation, policy: TermsPolicy) -> TermSheet:
    """The terms of one grant (raises if the decision granted nothing)."""
    app, v = decision.application, decision.verified
    if decision.allocated_mw <= 0 or decision.site is None or decision.zone is None or v is None:
        raise ValueError(f"{app.application_id} was not granted")
    settings = allocation.settings
    rule = tariff_rules(settings.benefit.serving)[app.tariff_rule]
    found_hours = v.capacity.curtailed_hours_per_year + v.price_hours_per_year
    hours = max(math.ceil(HOURS_MARGIN * found_hours), math.ceil(app.max_curtailment_share * 8760))
    reserve = settings.benefit.reserve.share_of_mined if app.kind == "miner" else 0.0
    return TermSheet(
        term_sheet_id=f"TS-{app.application_id}",
        application_id=app.application_id,
        operator=app.operator,
        kind=app.kind,
        site=decision.site,
        zone=decision.zone,
        allocated_mw=decision.allocated_mw,
        phase=settings.phases[settings.phase_of(app.start_date)].name,
        start_date=app.start_date,
        ramp_mw_per_min=app.ramp_mw_per_min,
        tariff=rule.terms(),
        curtailment=CurtailmentRights(
            max_share_of_energy=app.max_curtailment_share,
            max_hours_per_year=min(hours, 8760),
            longest_event_hours=app.longest_event_hours,
            notice_minutes=app.notice_minutes,
            on_price=rule.requires_price_curtailment,
            firm=app.firm,
        ),
        penalties=PenaltyTerms(
            excess_energy_pkr_per_mwh=policy.value_of_lost_load_pkr_per_mwh,
            late_response_pkr_per_mw=policy.late_response_pkr_per_mw,
            telemetry_gap_pkr_per_hour=policy.telemetry_gap_pkr_per_hour,
            suspension_after_breaches=policy.suspension_after_breaches,
            response_minutes=max(1.0, decision.allocated_mw / app.ramp_mw_per_min),
        ),
        strategic_bitcoin_reserve_share=reserve,
        expected=ExpectedService(
            energy_mwh_per_year=v.energy_mwh_per_year,
            curtailed_share=min(v.total_share, 1.0),
            curtailed_hours_per_year=v.capacity.curtailed_hours_per_year,
            longest_event_hours=v.capacity.longest_event_hours,
            price_curtailed_hours_per_year=v.price_hours_per_year,
            net_benefit_pkr_per_year=decision.benefit_pkr_per_mw_year * decision.allocated_mw,
        ),
        dataset=allocation.grid.dataset or "dataset",
    )


def term_sheets(allocation: Allocation, policy: TermsPolicy | None = None) -> tuple[TermSheet, ...]:
    policy = policy or TermsPolicy()
    return tuple(
        term_sheet(d, allocation, policy) for d in allocation.decisions if d.allocated_mw > 0
    )


def _rows(sheet: TermSheet) -> list[tuple[str, list[tuple[str, str]]]]:
    t, c, p, e, m = (
        sheet.tariff,
        sheet.curtailment,
        sheet.penalties,
        sheet.expected,
        sheet.telemetry,
    )
    if t.basis == "fixed":
        price = f"Rs {(t.rate_pkr_per_mwh or 0) / 1000:,.2f}/kWh flat"
    elif t.basis == "time_of_use":
        price = (
            f"Rs {(t.peak_pkr_per_mwh or 0) / 1000:,.2f}/kWh for {t.peak_hours} h from "
            f"{t.peak_start_hour:02d}:00, Rs {(t.off_peak_pkr_per_mwh or 0) / 1000:,.2f}/kWh "
            "otherwise"
        )
    else:
        price = (
            f"zone marginal cost + Rs {(t.adder_pkr_per_mwh or 0) / 1000:,.2f}/kWh, at least "
            f"Rs {(t.floor_pkr_per_mwh or 0) / 1000:,.2f}/kWh"
        )
    cap = (
        "supply stops while the zone's marginal cost exceeds "
        f"Rs {t.cost_cap_pkr_per_mwh / 1000:,.2f}/kWh"
        if t.cost_cap_pkr_per_mwh is not None
        else "none: the tariff follows the cost"
    )
    return [
        (
            "Grant",
            [
                ("Operator", sheet.operator),
                ("Load", sheet.kind.replace("_", " ")),
                ("Site", f"{sheet.site} (zone {sheet.zone})"),
                ("Capacity", f"{sheet.allocated_mw:,.3f} MW"),
                ("Phase", sheet.phase),
                ("Start", sheet.start_date.isoformat()),
                ("Ramp", f"{sheet.ramp_mw_per_min:g} MW/min"),
            ],
        ),
        (
            "Tariff",
            [
                ("Rule", f"{t.rule}: {t.description}"),
                ("Energy price", price),
                ("Network charge", f"Rs {t.network_charge_pkr_per_mwh / 1000:,.2f}/kWh"),
                ("Losses", f"{t.loss_share:.1%}"),
                ("Price cap", cap),
            ],
        ),
        (
            "Curtailment rights of the grid",
            [
                ("Firm", "yes: never curtailed for lack of capacity" if c.firm else "no"),
                ("Most energy curtailed", f"{c.max_share_of_energy:.3%} of the year's energy"),
                ("Most hours with curtailment", f"{c.max_hours_per_year:,} a year"),
                ("Longest event", f"{c.longest_event_hours} h"),
                ("Notice", f"{c.notice_minutes} min"),
                ("On price", "yes" if c.on_price else "no"),
            ],
        ),
        (
            "Telemetry",
            [
                ("Protocol", m.protocol),
                ("Interval", f"{m.interval_seconds} s"),
                ("Latency", f"at most {m.max_latency_seconds} s"),
                ("Channels", ", ".join(m.channels)),
                ("Meter class", m.meter_class),
            ],
        ),
        (
            "Penalties",
            [
                ("Energy drawn above an order", f"Rs {p.excess_energy_pkr_per_mwh:,.0f}/MWh"),
                ("Late response", f"Rs {p.late_response_pkr_per_mw:,.0f} per MW per event"),
                ("Time to shed once ordered", f"{p.response_minutes:,.1f} min"),
                ("Telemetry gap", f"Rs {p.telemetry_gap_pkr_per_hour:,.0f} per hour"),
                ("Suspension", f"after {p.suspension_after_breaches} breaches in twelve months"),
            ],
        ),
        (
            "Strategic Bitcoin Reserve",
            [
                ("Share of bitcoin mined", f"{sheet.strategic_bitcoin_reserve_share:.1%}"),
            ],
        ),
        (
            "Expected service (for information)",
            [
                ("Energy", f"{e.energy_mwh_per_year:,.0f} MWh a year"),
                ("Curtailed", f"{e.curtailed_share:.3%} of its energy"),
                (
                    "Hours cut for lack of capacity",
                    f"{e.curtailed_hours_per_year:,.0f} a year, longest {e.longest_event_hours} h",
                ),
                ("Hours stopped on price", f"{e.price_curtailed_hours_per_year:,.0f} a year"),
                ("Public net benefit", f"Rs {e.net_benefit_pkr_per_year / 1e6:,.1f} m a year"),
            ],
        ),
    ]


def to_markdown(sheet: TermSheet) -> str:
    """The term sheet as a Markdown document."""
    lines = [
        f"# Term sheet {sheet.term_sheet_id}",
        "",
        f"Application {sheet.application_id}; computed on {sheet.dataset}; schema version "
        f"{sheet.schema_version}. The JSON file of the same name is the binding data.",
    ]
    for title, rows in _rows(sheet):
        lines += ["", f"## {title}", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v.replace('|', '/')} |" for k, v in rows]
    return "\n".join(lines) + "\n"


def to_html(sheet: TermSheet) -> str:
    """The term sheet as a self-contained HTML page."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Term sheet {esc(sheet.term_sheet_id)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;color:#1d2430}"
        "table{border-collapse:collapse;width:100%}td{border:1px solid #dde3ea;padding:.3rem .5rem}"
        "td:first-child{width:38%;color:#5a6472}</style></head><body>",
        f"<h1>Term sheet {esc(sheet.term_sheet_id)}</h1>",
        f"<p>Application {esc(sheet.application_id)}; computed on {esc(sheet.dataset)}; schema "
        f"version {esc(sheet.schema_version)}. The JSON file of the same name is the binding "
        "data.</p>",
    ]
    for title, rows in _rows(sheet):
        parts.append(f"<h2>{esc(title)}</h2><table>")
        parts += [f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows]
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
