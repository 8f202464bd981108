"""One self-contained HTML page: plotly.js inlined once, every figure and table after it."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from surplus.labels import humanise

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;
margin:2rem auto;padding:0 1rem;color:#1d2430;line-height:1.45}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #dde3ea;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.88rem}
th,td{border:1px solid #dde3ea;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child,td.text{text-align:left} thead th{background:#f3f6f9}
.meta{color:#5a6472;font-size:.9rem} .bad{color:#b3261e;font-weight:600}
.wide{overflow-x:auto} .note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem .8rem}
.answer{background:#f3f8f4;border:1px solid #b7d7bf;border-radius:6px;padding:.2rem 1rem .6rem}
.answer h2{margin-top:.6rem;border:0} .answer ul{margin:.3rem 0;padding-left:1.2rem}
.answer li{margin:.15rem 0} .headline{font-size:1.05rem}
nav.toc{columns:2;font-size:.92rem;margin:1rem 0} nav.toc a{color:#1d4f91}
"""


@dataclass(frozen=True)
class Section:
    """A titled part of the report: prose, tables and figures, in that order."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    figures: tuple[go.Figure, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    data: dict[str, object] = field(default_factory=dict)
    """What this section adds to summary.json, under its own key."""


SHARE_WORDS = ("utilisation", "share", "rate", "fraction", "uptime")


def column_format(name: object, values: pd.Series) -> str:
    """One number style per column: shares (by name, all within 0..1) as percentages, other
    numbers with as many decimals as the column's size needs (0 from 100 up, 1 from 10, else
    2), so a column never mixes styles.

    >>> column_format("utilisation", pd.Series([0.153, 0.9]))
    '{:.1%}'
    >>> column_format("MW", pd.Series([5.0, 250.0]))
    '{:,.0f}'
    """
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    numbers = numbers[np.isfinite(numbers.astype(float))]
    text = str(name).lower()
    if len(numbers) and any(w in text for w in SHARE_WORDS) and numbers.between(0, 1).all():
        return "{:.1%}"
    top = float(numbers.abs().max()) if len(numbers) else 0.0
    return "{:,.0f}" if top >= 100 else "{:,.1f}" if top >= 10 else "{:,.2f}"


def _table_html(caption: str, frame: pd.DataFrame) -> str:
    formats = {
        column: column_format(column, frame[column])
        for column in frame.columns
        if frame[column].dtype.kind == "f"
    }

    def cell(value: object, column: object) -> str:
        if isinstance(value, bool | np.bool_):
            return "yes" if value else '<span class="bad">no</span>'
        if isinstance(value, int | np.integer):
            return f"{value:,}"
        if isinstance(value, float | np.floating):
            number = float(value)
            if number != number:
                return ""
            if not np.isfinite(number):
                return "∞" if number > 0 else "−∞"
            return formats.get(column, "{:,.2f}").format(number)
        return html.escape(str(value))

    head = "".join(
        f"<th>{html.escape(humanise(c))}</th>" for c in [frame.index.name or "", *frame.columns]
    )
    rows = "".join(
        "<tr>"
        + f"<td>{html.escape(str(label))}</td>"
        + "".join(
            f"<td{_align(v)}>{cell(v, c)}</td>" for v, c in zip(row, frame.columns, strict=True)
        )
        + "</tr>"
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f'<h3>{html.escape(caption)}</h3><div class="wide">{table}</div>'


def _align(value: object) -> str:
    return ' class="text"' if isinstance(value, str) else ""


def section_id(title: str) -> str:
    """An anchor for a section title.

    >>> section_id("Economics: tariffs and the subsidy test")
    'economics-tariffs-and-the-subsidy-test'
    """
    words = "".join(c.lower() if c.isalnum() else " " for c in title).split()
    return "-".join(words) or "section"


def _toc(sections: list[Section]) -> str:
    links = "".join(
        f'<li><a href="#{section_id(s.title)}">{html.escape(s.title)}</a></li>' for s in sections
    )
    return f'<nav class="toc" id="contents"><strong>Contents</strong><ol>{links}</ol></nav>'


def _section_html(section: Section, counter: list[int]) -> str:
    parts = [f'<h2 id="{section_id(section.title)}">{html.escape(section.title)}</h2>']
    parts += [f"<p>{p}</p>" for p in section.paragraphs]
    parts += [f'<p class="note">{n}</p>' for n in section.notes]
    parts += [_table_html(caption, frame) for caption, frame in section.tables]
    for figure in section.figures:
        counter[0] += 1
        parts.append(
            figure.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"figure-{counter[0]}",
                config={"responsive": True},
            )
        )
    return "\n".join(parts)


def render_report(title: str, subtitle: str, sections: list[Section], lead: str = "") -> str:
    """The whole page: the `lead` (the answer) first, then a table of contents and the
    sections. Plotly.js is embedded once so the file opens offline."""
    counter = [0]
    body = "\n".join(_section_html(section, counter) for section in sections)
    if lead:
        body = lead + _toc(sections) + body
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{subtitle} · generated {stamp}</p>"
        f"{body}</body></html>"
    )
