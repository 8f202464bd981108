"""Tariff rules an applicant may accept, and what each implies for when it is served.

A fixed tariff covers the cost of serving a load only while the zone's marginal cost stays
below a cap, so the rule requires curtailment on price above it: otherwise the hours above
the cap would be paid for by other consumers (the subsidy test of `surplus.economics`).
A dynamic tariff follows the marginal cost hour by hour and needs no cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from surplus.contracts import TariffTerms
from surplus.economics.compare import default_tariffs
from surplus.economics.subsidy import ServingCost
from surplus.economics.tariffs import DynamicTariff, FixedTariff, Tariff


@dataclass(frozen=True)
class TariffRule:
    """A tariff an application may name, with the cost cap it implies (None: no cap)."""

    name: str
    description: str
    tariff: Tariff
    cost_cap_pkr_per_mwh: float | None

    @property
    def requires_price_curtailment(self) -> bool:
        return self.cost_cap_pkr_per_mwh is not None

    def terms(self) -> TariffTerms:
        """The rule as term-sheet data."""
        tariff = self.tariff
        if isinstance(tariff, FixedTariff):
            return TariffTerms(
                rule=self.name,
                basis="fixed",
                description=self.description,
                rate_pkr_per_mwh=tariff.rate_pkr_per_mwh,
                network_charge_pkr_per_mwh=tariff.network_charge_pkr_per_mwh,
                loss_share=tariff.loss_share,
                cost_cap_pkr_per_mwh=self.cost_cap_pkr_per_mwh,
            )
        assert isinstance(tariff, DynamicTariff)
        return TariffTerms(
            rule=self.name,
            basis="dynamic",
            description=self.description,
            adder_pkr_per_mwh=tariff.adder_pkr_per_mwh,
            floor_pkr_per_mwh=tariff.floor_pkr_per_mwh,
            network_charge_pkr_per_mwh=tariff.network_charge_pkr_per_mwh,
            loss_share=tariff.loss_share,
        )


def cost_cap_pkr_per_mwh(rate_pkr_per_mwh: float, serving: ServingCost) -> float:
    """The highest marginal generation cost at which a flat all-in rate still covers the cost
    to serve at the meter, `mc / (1 − loss) + network ≤ rate`.

    >>> cost_cap_pkr_per_mwh(23_000.0, ServingCost(1_000.0, 0.03))
    21340.0
    """
    return round(
        (rate_pkr_per_mwh - serving.network_cost_pkr_per_mwh) * (1 - serving.loss_share), 6
    )


DESCRIPTIONS = {
    "proposed_fixed_23": "Rs 23/kWh all-in at the meter (the floated rate), served only while "
    "the zone's marginal cost lets the rate cover the cost of serving",
    "industrial_b3_27": "Rs 27/kWh, NEPRA's industrial B3 energy charge, served only while the "
    "zone's marginal cost lets the rate cover the cost of serving",
    "dynamic": "the zone's marginal cost each hour plus an adder, never below a floor, grossed "
    "up for losses, plus a network charge",
}


def tariff_rules(serving: ServingCost | None = None) -> dict[str, TariffRule]:
    """The rules, by name: the tariffs `surplus economics` compares."""
    serving = serving or ServingCost()
    rules = {}
    for tariff in default_tariffs():
        cap = (
            cost_cap_pkr_per_mwh(tariff.rate_pkr_per_mwh, serving)
            if isinstance(tariff, FixedTariff)
            else None
        )
        rules[tariff.name] = TariffRule(
            tariff.name, DESCRIPTIONS.get(tariff.name, tariff.name), tariff, cap
        )
    return rules


TARIFF_RULES = tuple(tariff_rules())
"""Names an application may give as `tariff_rule`."""
