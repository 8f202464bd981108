"""Settlement: meter data, baselines, compliance verdicts, statements and the public report.

Every kWh sold is metered, priced by its contract and billed; every curtailment order is
checked against what the site's meter shows. The pure core takes plain values and returns
plain values: `meter` (reading and validating meter files, hourly energy), `baselines`
(meter-before, ERCOT middle 8-of-10 and regression, CAISO 10-in-10, firm), `verdicts`
(per order: ordered, delivered and short, time to reach, verdict, escalation), `pricing`
(the term sheet's tariff rule hour by hour), `statements` (the monthly statement, its lines
and rounding) and `money` (the one rounding rule). At the edges: `records` (the store),
`month` (`surplus settle month`), `public` (`month_summary(session, month) ->
MonthSummary`, what the dashboard and the public report show), `report` and `pdf`
(HTML and PDF), `routes` (/api/v1/settlement) and `cli` (`surplus settle`).
Method and sources: docs/settlement.md.
"""

from surplus.settlement.baselines import Baseline, Event, baseline
from surplus.settlement.meter import Flag, MeterRows, check_rows, hourly_energy, read_meter_csv
from surplus.settlement.money import RULE, amount_pkr, pkr
from surplus.settlement.pricing import HourlyPrices, hourly_prices, tariff_of
from surplus.settlement.statements import (
    Line,
    MeterUse,
    SiteMonth,
    Statement,
    build_statement,
)
from surplus.settlement.verdicts import Judgement, OrderWindow, escalate, judge_order

__all__ = [
    "RULE",
    "Baseline",
    "Event",
    "Flag",
    "HourlyPrices",
    "Judgement",
    "Line",
    "MeterRows",
    "MeterUse",
    "OrderWindow",
    "SiteMonth",
    "Statement",
    "amount_pkr",
    "baseline",
    "build_statement",
    "check_rows",
    "escalate",
    "hourly_energy",
    "hourly_prices",
    "judge_order",
    "pkr",
    "read_meter_csv",
    "tariff_of",
]
