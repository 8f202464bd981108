"""The answer panel: the same answer in the console, report.html and summary.json."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from surplus.cli import app
from surplus.report.answer import Answer, ServingAnswer, TariffAnswer, print_answer
from surplus.report.html import Section, render_report


def sample_answer() -> Answer:
    """A hand-built answer: one firm-ish physical answer, one tariff passing, one failing,
    one at which miners do not run."""
    serving = ServingAnswer(
        kind="physical",
        total_mw=2000.0,
        sites=("sahiwal", "port_qasim", "china_power_hub"),
        served_share=0.9994,
        curtailed_hours_per_year=22.0,
        events_per_year=5.0,
        longest_event_hours=6,
        season="summer (Jun-Aug)",
        busiest_hour=0,
        cost_cap_rs_per_kwh=None,
    )

    def tariff(name: str, label: str, passes: bool, miners_run: bool) -> TariffAnswer:
        return TariffAnswer(
            name=name,
            label=label,
            passes=passes,
            failing_hours=0 if passes else 937,
            shortfall_rs_bn=0.0 if passes else 4.13,
            contribution_rs_bn=76.8,
            energy_gwh=17_508.0,
            served_share=0.999,
            average_tariff_rs_per_kwh=23.0,
            break_even_flat_rs_per_kwh=36.05,
            break_even_set_by="the dearest served hour (02 Jun 00:00 local)",
            average_cost_rs_per_kwh=18.2,
            miners_run=miners_run,
            miners_profit_rs_bn=-293.8,
            miners_cash_margin_rs_bn=17.1 if miners_run else 0.0,
            miners_cash_breakeven_rs_per_kwh=24.3,
            miners_stop_btc_usd=86_522.0 if miners_run else float("nan"),
        )

    return Answer(
        question="Can 2,000 MW be served?",
        serving=(serving,),
        tariffs=(
            tariff("proposed_fixed_23", "Fixed Rs 23/kWh", False, True),
            tariff("fixed_23_curtailed_on_price", "Rs 23/kWh, curtailed when dearer", True, True),
            tariff("industrial_b3_27", "Industrial B3 (Rs 27/kWh)", False, False),
        ),
    )


def console_text(answer: Answer) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    print_answer(answer, console)
    return console.export_text()


def page_text(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_sentence_is_in_the_console_the_page_and_the_json() -> None:
    answer = sample_answer()
    console = " ".join(console_text(answer).split())
    page = page_text(render_report("t", "s", [Section("Other")], lead=answer.html()))
    document = json.loads(json.dumps(answer.to_json()))
    for sentence in answer.sentences():
        assert sentence in console
        assert sentence in page
    assert [t["sentence"] for t in document["tariffs"]] == [t.sentence() for t in answer.tariffs]
    assert document["headline"] in console and document["headline"] in page


def test_the_sentences_say_what_a_minister_needs() -> None:
    answer = sample_answer()
    fixed, curtailed, b3 = (t.sentence() for t in answer.tariffs)
    assert "fails the subsidy test in 937 hours" in fixed
    assert "Rs 4.13 bn" in fixed and "Rs 76.8 bn" in fixed  # the hours, and the year's margin
    assert "stop below USD 86,522" in fixed
    assert "passes the subsidy test" in curtailed
    assert "miners do not run at all" in b3
    assert "2,000 MW" in answer.serving[0].sentence() and "22 hours" in answer.serving[0].sentence()
    assert "Rs 23/kWh, curtailed when dearer" in answer.headline()


def test_the_answer_comes_before_the_contents_and_the_sections() -> None:
    page = render_report("t", "s", [Section("Assumptions and method")], lead=sample_answer().html())
    assert (
        page.index('id="answer"')
        < page.index('id="contents"')
        < page.index('id="assumptions-and-method"')
    )


def test_json_has_no_nan() -> None:
    document = sample_answer().to_json()
    text = json.dumps(document, allow_nan=False)  # raises on NaN
    assert '"miners_stop_btc_usd": null' in text


@pytest.mark.slow
def test_assess_console_html_and_json_agree(tmp_path: Path) -> None:
    """`surplus assess` on the embedded dataset: the answer ends the console output, leads
    report.html and is the first object of summary.json, with the same sentences."""
    out = tmp_path / "out"
    args = ["assess", "-o", str(out), "--no-allocation", "--no-load-shedding"]
    result = CliRunner().invoke(app, [*args, "--no-siting-prices"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert next(iter(summary)) == "answer"
    answer = summary["answer"]
    console = " ".join(result.output.split())
    page = page_text((out / "report.html").read_text(encoding="utf-8"))
    sentences = [s["sentence"] for s in answer["serving"] + answer["tariffs"]]
    assert len(answer["tariffs"]) == 5 and any("2,000 MW" in s for s in sentences)
    for sentence in sentences:
        assert sentence in console, sentence
        assert sentence in page, sentence
    assert console.rindex(answer["headline"]) > console.index("wrote")  # the answer ends it
    assert page.index(answer["headline"]) < page.index("Contents")
    by_name = {t["name"]: t for t in answer["tariffs"]}
    curtailed = by_name["fixed_23_curtailed_on_price"]
    assert curtailed["passes"] and curtailed["failing_hours"] == 0
    assert curtailed["served_share"] < by_name["proposed_fixed_23"]["served_share"]
    # One definition of the test: the answer, the economics table and its json agree.
    for row in summary["economics"]["tariffs"]:
        assert row["passes_subsidy_test"] == by_name[row["tariff"]]["passes"]
        assert row["failing_hours"] == by_name[row["tariff"]]["failing_hours"]
