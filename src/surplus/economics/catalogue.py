"""The economics parameters: tariffs, network costs, capacity payments, the programme, the
reserve. Declared once, with sources, for the code and for `docs/economics.md`."""

from __future__ import annotations

from surplus.loads.catalogue import ASSUMPTION, Catalogue, Parameter

TARIFFS = Catalogue(
    "tariffs",
    "Tariffs compared by `surplus economics` and what it costs to deliver energy to the load.",
    (
        Parameter(
            "proposed_fixed_pkr_per_mwh",
            "PKR/MWh",
            23_000.0,
            "DECRYPTO",
            "The floated crypto/data-centre rate (Rs 23–24/kWh; Rs 22–23 in the Nov 2024 "
            "proposal [CNH-IMF]); taken as all-in at the meter.",
            0.0,
        ),
        Parameter(
            "industrial_b3_pkr_per_mwh",
            "PKR/MWh",
            27_000.0,
            "IND-FEB26",
            "Industrial B3 (11–33 kV) energy charge from Feb 2026; fixed charges and "
            "taxes left out (taxes are transfers, not a cost of supply).",
            0.0,
        ),
        Parameter(
            "tou_peak_pkr_per_mwh",
            "PKR/MWh",
            35_680.0,
            "IND-FEB26",
            "Industrial B2 peak rate, for the time-of-use example.",
            0.0,
        ),
        Parameter(
            "tou_off_peak_pkr_per_mwh",
            "PKR/MWh",
            22_830.0,
            "IND-FEB26",
            "Industrial B2 off-peak rate.",
            0.0,
        ),
        Parameter(
            "tou_peak_start_hour",
            "h (local)",
            17.0,
            ASSUMPTION,
            "First peak hour, local time (evening peak after sunset).",
            0.0,
            23.0,
        ),
        Parameter("tou_peak_hours", "h", 5.0, ASSUMPTION, "Length of the daily peak.", 0.0, 24.0),
        Parameter(
            "dynamic_adder_pkr_per_mwh",
            "PKR/MWh",
            1_000.0,
            ASSUMPTION,
            "Margin above the zone's marginal cost in the dynamic tariff.",
            0.0,
        ),
        Parameter(
            "dynamic_floor_pkr_per_mwh",
            "PKR/MWh",
            8_600.0,
            "PROFIT-FY25",
            "Floor of the dynamic energy price: FY25 average fuel cost Rs 8.6/kWh.",
            0.0,
        ),
        Parameter(
            "network_cost_pkr_per_mwh",
            "PKR/MWh",
            1_000.0,
            ASSUMPTION,
            "Transmission cost of serving a load at a plant's 132–500 kV bus; no "
            "published use-of-system figure was found.",
            0.0,
        ),
        Parameter(
            "loss_share",
            "share",
            0.03,
            "FCA-DEC25",
            "Transmission losses, share of energy generated (NTDC ~3 %, Dec 2025).",
            0.0,
            0.5,
        ),
    ),
)

PUBLIC = Catalogue(
    "public_finance",
    "The system the flexible loads join: capacity payments and the consumers who carry them.",
    (
        Parameter(
            "capacity_payments_pkr",
            "PKR/yr",
            1_806.18e9,
            "NUKTA",
            "Capacity purchase price paid in FY25 (CPPA-G system).",
            0.0,
        ),
        Parameter(
            "generation_mwh",
            "MWh/yr",
            126_705_000.0,
            "NUKTA",
            "Energy generated in FY25 (NEPRA), over which the capacity payments come to "
            "Rs 14.3/kWh generated.",
            1.0,
        ),
        Parameter(
            "sold_mwh",
            "MWh/yr",
            101_270_000.0,
            "TD-FY25",
            "Energy billed to consumers in FY25 [E]: 126,705 GWh less NTDC losses (~3 %, "
            "FCA-DEC25) and DISCO losses (17.6 %); Rs 17.8/kWh sold, near the Rs 17.5/kWh "
            "reported [BR-FY25].",
            1.0,
        ),
    ),
)

PROGRAMME = Catalogue(
    "programme",
    "The 2,000 MW programme as `surplus economics` models it.",
    (
        Parameter(
            "programme_mw",
            "MW",
            2_000.0,
            "ARABNEWS-2000",
            "Power allocated to mining and AI data centres, phase 1 (25 May 2025).",
            0.0,
        ),
        Parameter(
            "miner_share",
            "share",
            0.75,
            ASSUMPTION,
            "Share of the programme's MW taken by miners; the rest by data centres. "
            "Split equally over the zones of Sahiwal, Port Qasim and China Power Hub "
            "[COINDESK].",
            0.0,
            1.0,
        ),
        Parameter(
            "reserve_share",
            "share",
            0.10,
            ASSUMPTION,
            "Share of mined bitcoin handed to the Strategic Bitcoin Reserve [ARABNEWS-SBR].",
            0.0,
            1.0,
        ),
        Parameter(
            "reserve_fee_usd_per_mwh",
            "USD/MWh",
            0.0,
            ASSUMPTION,
            "Alternative: a levy per MWh paid into the reserve in bitcoin.",
            0.0,
        ),
        Parameter(
            "operators_foreign_share",
            "share",
            1.0,
            ASSUMPTION,
            "Share of the operators' profit, after paying for imported equipment, that "
            "leaves the country: the programme invites foreign miners and data-centre "
            "operators; 0 for owners who keep their profit at home.",
            0.0,
            1.0,
        ),
    ),
)

IMPORTED_FUELS: dict[str, float] = {
    "coal_imported": 1.0,
    "rlng": 1.0,
    "oil": 1.0,
    "import": 1.0,
}
"""Share of each fuel's variable cost paid in foreign exchange (others: 0) [assumption]."""
