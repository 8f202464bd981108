"""PDF documents with ReportLab (pure Python, no system libraries): an operator's
statement and the monthly public report. Built-in fonts, no network, and the `invariant`
mode, so the same statement gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from surplus.settlement.public import MonthSummary
from surplus.settlement.statements import Statement

_STYLES = getSampleStyleSheet()
_GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f9")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d1da")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None) -> Table:
    table = Table([list(r) for r in rows], colWidths=widths, repeatRows=1)
    table.setStyle(_GRID)
    return table


def _render(title: str, story: list[object]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="surplus",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    document.build(story)
    return buffer.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF: header, sites and their meter data, lines, total, reserve."""
    p = _STYLES
    story: list[object] = [
        Paragraph(f"Statement {statement.statement_id}", p["Title"]),
        Paragraph(
            f"Operator: {statement.operator} · month {statement.month} (Asia/Karachi) · "
            f"version {statement.version}",
            p["Normal"],
        ),
    ]
    if statement.reason:
        story.append(
            Paragraph(
                f"Re-issued (replaces {statement.supersedes}): {statement.reason}", p["Normal"]
            )
        )
    story += [Spacer(1, 4 * mm), Paragraph("Sites and the meter data used", p["Heading3"])]
    rows = [
        [
            "site",
            "term sheet",
            "tariff",
            "MWh",
            "source",
            "version",
            "readings",
            "hours w/o data",
            "flags",
        ]
    ]
    for s in statement.sites:
        m = s.meter
        rows.append(
            [
                str(s.site_id),
                s.term_sheet_id,
                f"{s.tariff_rule} ({s.tariff_basis})",
                f"{s.energy_mwh:,.3f}",
                m.source,
                str(m.version),
                f"{m.readings:,}/{m.expected_readings:,}",
                str(m.hours_without_readings),
                str(m.flags),
            ]
        )
    story += [_table(rows), Spacer(1, 4 * mm), Paragraph("Lines", p["Heading3"])]
    rows = [["site", "line", "quantity", "rate (PKR)", "amount (PKR)"]]
    for line in statement.lines:
        rate = money(line.rate_pkr) if line.rate_pkr is not None else "hourly"
        rows.append(
            [
                str(line.site_id or ""),
                Paragraph(line.description, p["BodyText"]),
                f"{line.quantity:,.3f} {line.unit}",
                rate,
                money(line.amount_pkr),
            ]
        )
    rows.append(["", "Total", "", "", money(statement.total_pkr)])
    story.append(_table(rows, [14 * mm, 80 * mm, 32 * mm, 24 * mm, 30 * mm]))
    if statement.reserve:
        story += [
            Spacer(1, 4 * mm),
            Paragraph("Strategic Bitcoin Reserve (in kind, estimated)", p["Heading3"]),
        ]
        rows = [["site", "share", "MWh", "BTC per MWh", "BTC owed"]]
        for r in statement.reserve:
            rows.append(
                [
                    str(r.site_id),
                    f"{r.share:.1%}",
                    f"{r.energy_mwh:,.3f}",
                    f"{r.btc_per_mwh:.6f}",
                    f"{r.btc:.8f}",
                ]
            )
        story.append(_table(rows))
    story += [Spacer(1, 4 * mm), Paragraph(f"Rounding: {statement.rounding}.", p["Italic"])]
    return _render(statement.statement_id, story)


def report_pdf(summary: MonthSummary, assumptions: Sequence[str]) -> bytes:
    """The monthly public report as a PDF (aggregates only)."""
    p = _STYLES
    story: list[object] = [
        Paragraph(f"Surplus power programme: public report for {summary.month}", p["Title"]),
        Paragraph("Three promises: no subsidy, no load-shedding caused, money in.", p["Normal"]),
        Spacer(1, 4 * mm),
        _table(
            [["test", "result"], *[[k, v] for k, v in verdict_rows(summary)]], [70 * mm, 100 * mm]
        ),
        Spacer(1, 4 * mm),
        Paragraph("The month in figures", p["Heading3"]),
        _table(
            [["figure", "value"], *[[k, v] for k, v in figure_rows(summary)]], [70 * mm, 100 * mm]
        ),
        Spacer(1, 4 * mm),
        Paragraph("By day", p["Heading3"]),
        _table(
            [
                ["day", "energy sold (MWh)", "energy and network revenue (PKR)"],
                *[[d.day, f"{d.energy_mwh:,.1f}", money(d.revenue_pkr)] for d in summary.daily],
            ]
        ),
        Spacer(1, 4 * mm),
        Paragraph("Assumptions and sources", p["Heading3"]),
    ]
    story += [Paragraph(f"• {text}", p["BodyText"]) for text in assumptions]
    return _render(f"Public report {summary.month}", story)


def verdict_rows(summary: MonthSummary) -> list[tuple[str, str]]:
    s, shed = summary.subsidy, summary.load_shedding
    if s.passed is None:
        subsidy = "not assessed (no marginal cost given)"
    else:
        subsidy = (
            f"{'passed' if s.passed else 'FAILED'}: revenue {money(s.revenue_pkr)} PKR against a "
            f"cost of serving of {money(s.cost_of_serving_pkr or Decimal(0))} PKR"
        )
    return [
        ("No subsidy", subsidy),
        (
            "No load-shedding caused",
            ("FAILED: " if shed.caused else "passed: ")
            + f"{shed.drawn_above_orders_mwh:,.3f} MWh drawn above grid-protection orders",
        ),
        ("Money in", f"{money(summary.revenue_pkr)} PKR billed"),
    ]


def figure_rows(summary: MonthSummary) -> list[tuple[str, str]]:
    c = summary.compliance
    return [
        ("Operators, sites", f"{summary.operators}, {summary.sites}"),
        ("MW allocated", f"{summary.mw_allocated:,.1f}"),
        (
            "MW running (mean, peak hour)",
            f"{summary.mw_running:,.1f}, {summary.mw_running_peak:,.1f}",
        ),
        ("Energy sold (MWh)", f"{summary.energy_sold_mwh:,.3f}"),
        ("Billed (PKR)", money(summary.revenue_pkr)),
        ("of which penalties (PKR)", money(summary.penalties_pkr)),
        ("Strategic Bitcoin Reserve (BTC, estimated)", f"{summary.reserve_btc:.8f}"),
        ("Curtailment orders", f"{c.curtailment_events} at {c.sites_ordered} sites"),
        (
            "Compliant, late, exceeded, no data",
            f"{c.compliant}, {c.late}, {c.exceeded}, {c.no_data}",
        ),
        ("Suspensions", str(c.suspensions)),
        (
            "Reduction ordered, delivered, short (MWh)",
            f"{c.ordered_mwh:,.1f}, {c.delivered_mwh:,.1f}, {c.shortfall_mwh:,.1f}",
        ),
    ]
