"""The one catalogue of flexible-load parameters, ASIC models and sources.

Each parameter is declared once here, with its unit, default, allowed range and source. The
load dataclasses take their defaults from it, `check` validates against it, and
`docs/economics.md` renders its tables from it, so a number cannot drift between code and docs.
A source is a key from the project's reference sheets (`SOURCES`) or the word `assumption`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite

from surplus.errors import InputError, Problem

ASSUMPTION = "assumption"

SOURCES: dict[str, str] = {
    "FORBESIN-HALV": "https://www.forbesindia.com/article/cryptocurrency/bitcoins-fourth-halving-"
    "completed-coinciding-with-a-surge-in-transaction-fees/92685/1",
    "HRI-DATA-NOV24": "snapshot of data.hashrateindex.com, 12 Nov 2024",
    "JBACZUK": "https://gist.github.com/JBaczuk/c203c1934d9c642c27c5210362e890a3",
    "ELEK-HP": "https://elektronics.dev/docs/hashprice",
    "HRI-2026-01-12": "https://hashrateindex.com/blog/hashrate-index-roundup-january-12-2026",
    "HASHLABS-FEES": "https://www.hashlabs.io/insights/dont-forget-the-transaction-fees",
    "ASICTOOLS": "github.com/nhamilton1/asics-tools — src/utils/asic-queries/asicWattList.ts",
    "CD-ASIC23": "https://www.coindesk.com/consensus-magazine/2023/07/26/bitcoin-miners-buy-up-"
    "rigs-as-prices-near-all-time-lows/",
    "GLASSNODE-FLEET": "https://studio.glassnode.com/charts/btc-asic-fleet-count?a=BTC",
    "ZEUS-A13": "https://blog.zeusmining.co/2022/08/Antminer-s19-pro-110t-evaluation.html",
    "DCENT-A1466": "https://d-central.tech/fr/asic-troubleshooting/avalon-1466-low-hashrate/",
    "VIABTC-WDMS23": "https://viabtc.com/blog/en/268?category=0",
    "IREN-S21": "Iris Energy / Bitmain S21 purchase, 7 Oct 2023 (news item)",
    "LMC-EFF": "https://lmc-mining.vercel.app/university/asic-miner-efficiency-explained",
    "MININGFTW": "github.com/kookoo55/miningftw — reports/DATA_SNAPSHOT.md",
    "TCMA-S21PH": "https://top-crypto-mining-asics.com/how-to-calculate-the-roi-for-antminer-"
    "s21-hydro-in-2024",
    "BMM-S21XP": "https://btcminermarketplace.com/how-to-calculate-roi-for-bitcoin-miner-s21-xp",
    "HRI-2025-11-03": "https://hashrateindex.com/blog/hashrate-index-roundup-november-3-2025",
    "OGAI-WM": "github.com/auldsyababua/og-ai-inference-research — "
    "data/miners/Whatsminer-Miner-Library.md",
    "TCMA-M66S": "https://top-crypto-mining-asics.com/how-to-calculate-the-roi-of-whatsminer-m66s",
    "HRI-A16": "https://hashrateindex.com/blog/hardware-review-canaans-a16-series",
    "SALMON-S23": "Salmon Crypto, Bitmain 1.16 PH/s miner article (Jan 2026)",
    "MINERMAG-JUL25": "TheMinerMag monthly summary, Jul 2025",
    "MINERBASE": "https://minerbase.com/en/service",
    "HRI-DR": "https://hashrateindex.com/blog/bitcoin-mining-and-demand-response-why-mining-"
    "fleets-are-well-suited-for-ercots-flexibility-programs/",
    "COMPASS-DT": "https://support.compassmining.io/hc/en-us/articles/4415923155473",
    "UPSITE-PUE": "https://upsite.com/brand/powerlok/page/23",
    "UPTIME-PUE": "https://intelligence.uptimeinstitute.com/resource/mapping-pue-trends-data-"
    "center-region-age-and-size",
    "EMERALD-PHX": "Emerald AI et al., 'Turning AI Data Centers into Grid-Interactive Assets', "
    "Jul 2025",
    "DCCOM-TIER": "https://datacenters.com/news/what-is-the-difference-between-data-center-tiers-"
    "and-classifications",
    "TRD-H100": "https://www.techreaderdaily.com/article.html?slug=h100-reserved-capacity-hits-"
    "2-35-hour-floor-in-2026",
    "BUILD-CBRE": "https://www.build.inc/data-center-construction-costs-2025",
    "GIGA-AIDC": "https://www.gigaenergy.com/blog/how-much-does-it-cost-to-build-an-ai-data-center",
    "ARABNEWS-2000": "https://www.arabnews.pk/node/2602076",
    "ARABNEWS-SBR": "https://www.arabnews.pk/node/2602566/pakistan",
    "DECRYPTO": "https://decrypto.news/news/6346",
    "CNH-IMF": "https://thecryptonewshub.com/imf-rejects-pakistans-plan-to-subsidize-power-for-"
    "crypto-mining-cites-market-destabilization-concerns/",
    "IND-FEB26": "https://www.energyupdate.com.pk/?p=57858",
    "NUKTA": "nukta.com/pakistan-capacity-charges-fy25 (28 Feb 2026, on NEPRA's Performance "
    "Evaluation FY25)",
    "FCA-DEC25": "https://profit.pakistantoday.com.pk/2026/01/17/electricity-tariffs-may-rise-"
    "up-to-rs0-48-per-unit-on-december-fuel-cost-adjustment/",
    "PROFIT-FY25": "https://profit.pakistantoday.com.pk/2025/07/28/electricity-generation-"
    "finally-stabilizing-after-two-years-of-declines",
    "TD-FY25": "https://www.brecorder.com/news/40376530/discos-td-losses-down-rs11bn-in-fy25",
    "BR-FY25": "https://www.brecorder.com/news/40374002/flat-generation-rising-pressures",
    "COINDESK": "CoinDesk (citing Bloomberg), 26 May 2025: Sahiwal, China Power Hub and Port "
    "Qasim named as the source of the 2,000 MW",
}
"""Source key → where to find it. Keys are those of the project's reference sheets."""


@dataclass(frozen=True)
class Parameter:
    """One model input: what it is, its unit, its default, its range and where it comes from."""

    name: str
    unit: str
    default: float
    source: str
    description: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Catalogue:
    """A named table of parameters; the docs render one table per catalogue."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    def default(self, name: str) -> float:
        return self.parameter(name).default

    def check(self, owner: str, values: object) -> None:
        """Raise one `InputError` listing every attribute of `values` outside its range."""
        problems: list[Problem] = []
        for parameter in self.parameters:
            if not hasattr(values, parameter.name):
                continue
            value = float(getattr(values, parameter.name))
            lo, hi = parameter.minimum, parameter.maximum
            if (
                not isfinite(value)
                or (lo is not None and value < lo)
                or (hi is not None and value > hi)
            ):
                expected = f"{parameter.unit} in [{_fmt(lo)}, {_fmt(hi)}]"
                problems.append(Problem(owner, None, parameter.name, expected, repr(value)))
        if problems:
            raise InputError(problems)


def _fmt(value: float | None) -> str:
    return "∞" if value is None else f"{value:g}"


@dataclass(frozen=True)
class AsicModel:
    """Nameplate of one ASIC miner model (±5 % hashrate, ±5–10 % power typical)."""

    name: str
    released: str
    hashrate_ths: float
    power_w: float
    cooling: str
    source: str
    price_usd_per_th: float | None = None
    """Reported purchase price, where a dated source gives one."""
    price_source: str = ""

    @property
    def efficiency_j_per_th(self) -> float:
        return self.power_w / self.hashrate_ths


ASIC_MODELS: tuple[AsicModel, ...] = (
    AsicModel("antminer_s19j_pro", "2021", 104, 3068, "air", "ASICTOOLS"),
    AsicModel("antminer_s19_xp", "2022", 140, 3010, "air", "ASICTOOLS", 20.0, "CD-ASIC23"),
    AsicModel("antminer_s19_xp_hyd", "2022", 255, 5304, "hydro", "GLASSNODE-FLEET"),
    AsicModel("avalon_a1466", "2023", 150, 3230, "air", "DCENT-A1466"),
    AsicModel("antminer_s21", "2023", 200, 3500, "air", "VIABTC-WDMS23", 14.0, "IREN-S21"),
    AsicModel("antminer_s21_hyd", "2023", 335, 5360, "hydro", "VIABTC-WDMS23"),
    AsicModel("antminer_s21_pro", "2024", 234, 3510, "air", "LMC-EFF"),
    AsicModel("antminer_s21_plus_hyd", "2024", 319, 4785, "hydro", "TCMA-S21PH"),
    AsicModel("antminer_s21_xp", "2024", 270, 3645, "air", "BMM-S21XP", 25.70, "HRI-2025-11-03"),
    AsicModel("whatsminer_m60s", "2024", 184, 3404, "air", "OGAI-WM"),
    AsicModel("whatsminer_m66s_plus", "2024", 314, 5338, "hydro", "TCMA-M66S"),
    AsicModel("avalon_a16xp", "2025", 300, 3850, "air", "HRI-A16"),
    AsicModel("antminer_s23_hyd", "2026", 580, 5568, "hydro", "SALMON-S23"),
)
"""Models from the reference table with both hashrate and power known (M60S at its typical
184 TH/s and 18.5 J/TH; S21 XP Hyd and Avalon A1566 left out: no primary source)."""


def asic_model(name: str) -> AsicModel:
    for model in ASIC_MODELS:
        if model.name == name:
            return model
    known = ", ".join(m.name for m in ASIC_MODELS)
    raise InputError(Problem("miner fleet", None, "mix", f"one of {known}", name))


MINER_FLEET = Catalogue(
    "miner_fleet",
    "A Bitcoin mining site: ASICs plus cooling, curtailed by the grid hour by hour.",
    (
        Parameter(
            "grid_mw", "MW", 100.0, ASSUMPTION, "Site draw at full output, cooling included.", 0.0
        ),
        Parameter(
            "cooling_overhead",
            "share",
            0.05,
            "MINERBASE",
            "Cooling and auxiliaries per unit of ASIC power (PUE − 1); air 0.05–0.10, "
            "hydro/immersion 0.03–0.06.",
            0.0,
            1.0,
        ),
        Parameter(
            "block_mw",
            "MW",
            1.5,
            "OGAI-WM",
            "Size of one container, the step of on/off curtailment (1–2 MW).",
            0.0,
        ),
        Parameter(
            "shed_seconds",
            "s",
            10.0,
            "HRI-DR",
            "Time to drop to the curtailed level (fleets drop within seconds).",
            0.0,
        ),
        Parameter(
            "restart_minutes",
            "min",
            5.0,
            "OGAI-WM",
            "Output lost each time curtailed capacity comes back (restart 2–10 min).",
            0.0,
            60.0,
        ),
        Parameter(
            "pool_fee_share",
            "share",
            0.02,
            ASSUMPTION,
            "Share of mining revenue kept by the pool.",
            0.0,
            1.0,
        ),
        Parameter(
            "opex_usd_per_mwh",
            "USD/MWh",
            5.0,
            ASSUMPTION,
            "Staff, maintenance and hosting per MWh drawn, energy excluded.",
            0.0,
        ),
        Parameter(
            "asic_price_usd_per_th",
            "USD/TH",
            20.0,
            "MINERMAG-JUL25",
            "ASIC price where a model has none (top tier traded at 10–30 USD/TH mid-2025).",
            0.0,
        ),
        Parameter(
            "site_capex_usd_per_mw",
            "USD/MW",
            300_000.0,
            ASSUMPTION,
            "Containers, transformers and cooling per MW of grid draw.",
            0.0,
        ),
        Parameter(
            "discount_rate",
            "1/yr",
            0.15,
            ASSUMPTION,
            "Return required on the operator's capital (USD).",
            0.0,
            1.0,
        ),
        Parameter(
            "asic_life_years",
            "yr",
            4.0,
            ASSUMPTION,
            "Years over which ASICs and site are paid off.",
            0.5,
            30.0,
        ),
    ),
)

DATA_CENTRE = Catalogue(
    "data_centre",
    "An AI data centre: a GPU cluster whose flexible share can be slowed for a few hours.",
    (
        Parameter("it_mw", "MW", 100.0, ASSUMPTION, "IT load at full output.", 0.0),
        Parameter(
            "pue",
            "ratio",
            1.4,
            "UPTIME-PUE",
            "Facility power per unit of IT power; Pakistan air-cooled 1.35–1.6, "
            "direct-liquid 1.15–1.3 (global average 1.56 in 2024 [UPSITE-PUE]).",
            1.0,
            3.0,
        ),
        Parameter(
            "flexible_share",
            "share",
            0.25,
            "EMERALD-PHX",
            "Share of load that can be curtailed with service kept (−25 % shown for 3 h, "
            "Phoenix, May 2025).",
            0.0,
            1.0,
        ),
        Parameter(
            "flexible_hours",
            "h",
            3.0,
            "EMERALD-PHX",
            "Longest run of consecutive curtailed hours within the flexible share.",
            0.0,
        ),
        Parameter(
            "compute_value_usd_per_mwh",
            "USD/MWh",
            1400.0,
            "TRD-H100",
            "Value of compute per MWh of facility energy (H100 at 2.35 USD/GPU-h over "
            "1.66 kW); also the value lost per MWh curtailed.",
            0.0,
        ),
        Parameter(
            "utilisation",
            "share",
            0.8,
            ASSUMPTION,
            "Share of the compute the centre can run that it sells; the value of compute is "
            "earned on this share.",
            0.0,
            1.0,
        ),
        Parameter(
            "uptime_required",
            "share",
            0.99982,
            "DCCOM-TIER",
            "Share of hours without curtailment outside the flexible envelope (Tier III).",
            0.0,
            1.0,
        ),
        Parameter(
            "export_share",
            "share",
            0.5,
            ASSUMPTION,
            "Share of compute sold abroad (earns foreign exchange).",
            0.0,
            1.0,
        ),
        Parameter(
            "opex_usd_per_mwh",
            "USD/MWh",
            60.0,
            ASSUMPTION,
            "Staff, network, software and maintenance per MWh drawn, energy excluded.",
            0.0,
        ),
        Parameter(
            "capex_usd_per_mw",
            "USD/MW",
            20_000_000.0,
            "BUILD-CBRE",
            "Build and hardware per MW of IT load (AI-optimised builds 20 M USD+/MW).",
            0.0,
        ),
        Parameter(
            "discount_rate",
            "1/yr",
            0.12,
            ASSUMPTION,
            "Return required on the operator's capital (USD).",
            0.0,
            1.0,
        ),
        Parameter(
            "life_years",
            "yr",
            6.0,
            ASSUMPTION,
            "Years over which the build (mostly GPUs) is paid off.",
            0.5,
            40.0,
        ),
    ),
)

BITCOIN = Catalogue(
    "bitcoin",
    "Bitcoin network inputs for the constant scenario and the stochastic one.",
    (
        Parameter(
            "btc_price_usd", "USD", 91_132.0, "HRI-2026-01-12", "BTC price (12 Jan 2026).", 0.0
        ),
        Parameter(
            "fees_btc_per_block",
            "BTC",
            0.03,
            "HASHLABS-FEES",
            "Average fees per block (2025: ~0.036; modelling base 0.02–0.05).",
            0.0,
        ),
        Parameter(
            "network_hashrate_ehs",
            "EH/s",
            1061.0,
            "HRI-2026-01-12",
            "Network hashrate without the programme (difficulty 148.26 T, 12 Jan 2026).",
            0.0,
        ),
        Parameter("blocks_per_day", "blocks/day", 144.0, "JBACZUK", "Ten-minute target.", 1.0),
        Parameter(
            "subsidy_btc",
            "BTC",
            3.125,
            "FORBESIN-HALV",
            "Block subsidy from the April 2024 halving to the 2028 one (then 1.5625).",
            0.0,
        ),
        Parameter(
            "price_volatility",
            "1/√yr",
            0.5,
            ASSUMPTION,
            "Annualised volatility of the stochastic price path (geometric Brownian motion).",
            0.0,
            5.0,
        ),
        Parameter(
            "price_drift",
            "1/yr",
            0.0,
            ASSUMPTION,
            "Annual drift of the stochastic price path.",
            -2.0,
            2.0,
        ),
        Parameter(
            "hashrate_growth",
            "1/yr",
            0.3,
            ASSUMPTION,
            "Annual growth of network hashrate in the stochastic path (545 EH/s in Jan "
            "2024 to 1,061 EH/s in Jan 2026 is about +40 %/yr).",
            -1.0,
            5.0,
        ),
    ),
)
