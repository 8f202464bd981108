"""The dashboard in headless Chromium (Debian's, at $SURPLUS_CHROMIUM), served by uvicorn on
a free loopback port over a seeded SQLite store: every page in both languages loads with no
console error and no request leaving the service, shows the API's numbers, lays Urdu out
right to left in the shipped Nastaliq font, and the Content-Security-Policy stops what a
page might try. Screenshots go to out/screenshots/ (kept by CI as artefacts)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.dashboard.i18n import LANGUAGES, Formatter
from surplus.server.app import create_app
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from tests.api.conftest import make_settings
from tests.dashboard.programme import SECRET_A, SECRET_B, seed
from tests.dashboard.settled import previous_month_start, settle
from tests.report.test_report_browser import chromium

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
FONT_URL = "/dashboard-static/fonts/NotoNastaliqUrdu-Regular.ttf"
BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'dashboard.db'}")
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        seed(session, datetime.now(UTC))
        # last month settled by settlement itself; "Indus Hash" is operator A (log-in a1)
        start = previous_month_start(datetime.now(UTC))
        settle(session, start, {"Indus Hash": [10.0], "Settled Other": [5.0]})
    port = free_port()
    settings = make_settings(engine, public_url=f"http://127.0.0.1:{port}")
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    running.should_exit = True
    thread.join(10)
    app.state.engine.dispose()
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=BROWSER_ARGS)
        yield launched
        launched.close()


class Visit:
    """A browser context that records console errors, page errors, every request, and
    aborts (and records) any request for another origin before it reaches the network."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.origin = urlsplit(base).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[tuple[str, int | None]] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfinished", self._finished)
        self.context.route("**/*", self._route)

    def _finished(self, request: Any) -> None:
        response = request.response()
        self.requests.append((request.url, response.status if response else None))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != self.origin:
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return response

    def log_in(self, client_id: str, secret: str, prefix: str = "") -> None:
        self.open(f"{prefix}/operator/login")
        self.page.fill("#client_id", client_id)
        self.page.fill("#client_secret", secret)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        self.page.wait_for_load_state("load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def figures(self, scope: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.page.eval_on_selector_all(
            f"#{scope} data[data-figure]",
            "els => els.map(e => ({name: e.dataset.figure, value: e.value, text: e.textContent}))",
        )
        return found

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, server: tuple[str, Any]) -> Iterator[Visit]:
    v = Visit(browser, server[0])
    yield v
    v.close()


def test_every_page_loads_in_both_languages_without_error_or_outside_request(
    visit: Visit,
) -> None:
    for code in ("en", "ur"):
        prefix = LANGUAGES[code].prefix
        for name, path in (("public", "/"), ("login", "/operator/login")):
            response = visit.open(prefix + path)
            assert response.status == 200, path
            visit.shot(f"{code}-{name}")
        visit.log_in("a1" if code == "en" else "b1", SECRET_A if code == "en" else SECRET_B,
                     prefix)  # fmt: skip
        assert visit.page.url.endswith(f"{prefix}/operator/")
        visit.shot(f"{code}-operator")
    assert visit.errors == []
    assert visit.external == []
    assert visit.requests
    # every request answered: pages, style sheet, icon, font; the log-ins redirect (303)
    odd = [(url, status) for url, status in visit.requests if status != 200]
    assert [(urlsplit(u).path, s) for u, s in odd] == [
        ("/operator/login", 303),
        ("/ur/operator/login", 303),
    ]


def test_numbers_shown_are_the_api_s(visit: Visit, server: tuple[str, Any]) -> None:
    base, settings = server
    api = httpx.get(f"{base}/api/v1/public/dashboard").json()
    # the public figures against the register's own API, read with a programme-office token
    token = grant_for("office", "bl", None, SCOPES_BY_ROLE["bl"], settings).access_token
    active = httpx.get(
        f"{base}/api/v1/allocations",
        params={"status": "active", "limit": 1000},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    in_force = [
        a for a in active if a["ends_on"] is None or a["ends_on"] > str(datetime.now(UTC).date())
    ]
    assert api["totals"]["allocated_mw"] == pytest.approx(sum(a["allocated_mw"] for a in in_force))
    assert api["totals"]["sites"] == len({a["site_id"] for a in in_force})
    for code in ("en", "ur"):
        fmt = Formatter(LANGUAGES[code])
        visit.open(LANGUAGES[code].prefix + "/")
        shown = {f["name"]: f for f in visit.figures("totals")}
        for name in ("allocated_mw", "running_mw", "curtailed_mw"):
            assert float(shown[name]["value"]) == api["totals"][name]
            assert shown[name]["text"] == fmt.mw(api["totals"][name])
        for name in ("operators", "sites", "curtailment_events", "open_noncompliance"):
            assert shown[name]["text"] == fmt.number(api["totals"][name])
        zones = [f for f in visit.figures("zones") if f["name"] == "allocated_mw"]
        assert [float(z["value"]) for z in zones] == [z["allocated_mw"] for z in api["zones"]]
        assert [z["text"] for z in zones] == [fmt.mw(z["allocated_mw"]) for z in api["zones"]]


def test_the_settled_month_shown_is_settlement_s_summary(
    visit: Visit, server: tuple[str, Any]
) -> None:
    """The public page's last settled month against settlement's own API
    (`month_summary`), in both languages; the operator sees its statement's downloads."""
    base, settings = server
    token = grant_for("office", "bl", None, SCOPES_BY_ROLE["bl"], settings).access_token
    for code in ("en", "ur"):
        fmt = Formatter(LANGUAGES[code])
        visit.open(LANGUAGES[code].prefix + "/")
        month = str(visit.page.get_attribute("#settled", "data-month"))[:7]
        summary = httpx.get(
            f"{base}/api/v1/settlement/months/{month}/summary",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        revenue, energy = Decimal(summary["revenue_pkr"]), float(summary["energy_sold_mwh"])
        assert revenue > 0 and energy > 0
        shown = {f["name"]: f for f in visit.figures("settled")}
        assert Decimal(shown["revenue_pkr"]["value"]) == revenue
        assert shown["revenue_pkr"]["text"] == fmt.pkr(revenue)
        assert shown["energy_sold_mwh"]["text"] == fmt.mwh(energy)
        judged = summary["compliance"]["curtailment_events"]
        assert shown["orders_judged"]["text"] == fmt.number(judged)
        row = visit.page.locator(f'#months tr[data-month="{month}-01"] data[data-figure]')
        assert row.first.get_attribute("data-figure") == "energy_sold_mwh"
        assert row.first.text_content() == fmt.mwh(energy)
        link = visit.page.locator(f'a[href="/reports/public-report-{month}.pdf"]')
        assert link.count() == 1
        visit.shot(f"{code}-public-settled")
    visit.log_in("a1", SECRET_A)
    links = visit.page.locator("#statements a[href$='.pdf']")
    assert links.count() == 1
    pdf = httpx.get(base + str(links.first.get_attribute("href")))
    assert pdf.status_code == 303  # not logged in outside the browser: no statement
    assert visit.errors == [] and visit.external == []


def test_urdu_is_laid_out_right_to_left(visit: Visit) -> None:
    visit.open("/ur/")
    page = visit.page
    assert page.evaluate("document.documentElement.lang") == "ur"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    cards = page.locator("#totals .card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] > second["x"]  # the first card is on the right
    brand, nav = page.locator(".brand").bounding_box(), page.locator(".top nav").bounding_box()
    assert brand["x"] > nav["x"]
    header = page.locator("#zones thead th").first.bounding_box()
    last = page.locator("#zones thead th").last.bounding_box()
    assert header["x"] > last["x"]  # table columns run right to left
    visit.open("/")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] < second["x"]  # and left to right in English


def test_urdu_text_is_rendered_in_the_shipped_nastaliq_font(visit: Visit) -> None:
    visit.open("/ur/")
    page = visit.page
    loaded = page.evaluate(
        """[...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Surplus Nastaliq')
             .map(f => f.status)"""
    )
    assert loaded == ["loaded"]
    assert page.evaluate("""document.fonts.check('20px "Surplus Nastaliq"', 'اردو')""")
    assert any(url.endswith(FONT_URL) and status == 200 for url, status in visit.requests)
    # What Chromium actually drew the heading with (DevTools: platform fonts of a node)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("h1", "#totals dt", "#zones tbody th"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used = max(fonts, key=lambda f: f["glyphCount"])
        assert used["familyName"] == "Noto Nastaliq Urdu" and used["isCustomFont"], fonts


def test_the_policy_stops_requests_a_page_might_make(visit: Visit) -> None:
    visit.open("/ur/")
    violations = visit.page.evaluate(
        """async () => {
             const seen = [];
             document.addEventListener('securitypolicyviolation',
               e => seen.push(e.effectiveDirective));
             const img = document.createElement('img');
             img.src = 'http://external.invalid/pixel.png';
             document.body.appendChild(img);
             try { await fetch('http://external.invalid/data.json'); } catch (e) {}
             const style = document.createElement('link');
             style.rel = 'stylesheet'; style.href = 'http://external.invalid/x.css';
             document.head.appendChild(style);
             await new Promise(r => setTimeout(r, 300));
             return seen.sort();
           }"""
    )
    assert violations == ["connect-src", "img-src", "style-src-elem"]
    assert visit.external == []  # blocked before any request was made
