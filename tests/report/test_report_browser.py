"""`surplus assess` writes a report that opens in a real browser with every plot and no error."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surplus.cli import app
from tests.grid.tiny import write_tiny

pytestmark = pytest.mark.browser


def chromium() -> str:
    path = os.environ.get("SURPLUS_CHROMIUM") or shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (scripts/browser.sh installs it)")
        pytest.skip("no Chromium on this machine; run scripts/browser.sh")
    return path


def open_in_browser(page_path: Path) -> tuple[list[str], int]:
    """Console errors and page errors seen while loading, and the number of rendered plots."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        plots = page.locator(".js-plotly-plot .main-svg").count()
        browser.close()
    return errors, plots


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_tiny(tmp_path_factory.mktemp("data") / "tiny")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["assess", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_opens_with_every_plot_and_no_console_error(report: Path) -> None:
    html = (report / "report.html").read_text()
    figures = html.count('class="plotly-graph-div"')
    assert figures >= 6
    errors, plots = open_in_browser(report / "report.html")
    assert errors == []
    assert plots >= figures  # each figure draws at least one svg layer


def test_summary_json_matches_the_report(report: Path) -> None:
    summary = json.loads((report / "summary.json").read_text())
    assert summary["dataset"]["name"] == "Tiny test grid"
    assert set(summary["hours_per_year_with_spare_at_least_mw"]) == {"north", "south", "hub"}
    assert summary["assumptions"] and summary["version"]


SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


@pytest.fixture(scope="module")
def answered_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny dataset's report with an answer panel in front (the tiny grid has no named
    plants, so the answer is the hand-built one of test_answer.py)."""
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset
    from surplus.report.assess import write_outputs
    from surplus.report.summary import summarise
    from tests.report.test_answer import sample_answer

    dataset = load_dataset(write_tiny(tmp_path_factory.mktemp("data") / "tiny"))
    out = tmp_path_factory.mktemp("answered")
    write_outputs(summarise(dataset, dispatch(dataset)), out, answer=sample_answer())
    return out / "report.html"


def test_the_answer_is_in_the_first_viewport_and_each_section_is_shot(
    answered_report: Path,
) -> None:
    """At 1400×900 the answer panel is on the first screen, names the 2,000 MW, the
    curtailment and the tariff verdict; a screenshot of each section is kept."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(answered_report.as_uri())
        page.wait_for_load_state("load")
        panel = page.locator("#answer")
        box = panel.bounding_box()
        assert box is not None and box["y"] < 900 and box["height"] > 100
        first_screen = page.evaluate(
            "() => { const r = document.querySelector('.headline').getBoundingClientRect();"
            " return r.bottom <= window.innerHeight; }"
        )
        assert first_screen  # the headline sits wholly on the first screen
        text = panel.inner_text()
        assert "2,000 MW" in text and "curtailed" in text
        assert "fails the subsidy test" in text and "passes the subsidy test" in text
        page.screenshot(path=str(SCREENSHOTS / "report-first-screen.png"))
        headings = page.locator("h2[id]")
        for k in range(headings.count()):
            heading = headings.nth(k)
            name = heading.get_attribute("id") or f"section-{k}"
            heading.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"report-{k:02d}-{name}.png"))
        browser.close()
    assert (SCREENSHOTS / "report-first-screen.png").stat().st_size > 10_000
