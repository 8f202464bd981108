"""Real-time grid protection: grid state in, decisions, orders out, compliance checked.

Concepts:

* **Grid state** (`grid`, `feeds`, `push`): per zone, the room left for flexible load
  (spare MW) and the price, from the control room's push endpoint, a replay of the
  dispatch or a recorded CSV. Stale or missing data counts as a shortfall (fail safe).
* **The decision** (`decision`, pure, numpy): who curtails how much: miners first, then
  data centres' flexible share, pro rata or by priority, never beyond a contract's limits
  (`surplus.contracts.TermSheet`); restoration held back by hysteresis and a rate.
* **Orders** (`orders`, pure; `vtn`): OpenADR 3 events per site through the VTN, notified
  by MQTT and webhook from its outbox.
* **Compliance** (`compliance`, `telemetry`, pure): metered power, not acknowledgements,
  decides whether a site reached its limit in time.
* **Frequency** (`frequency`, pure; `shed`): below the threshold every miner sheds at once.
* **The controller** (`controller`): one cycle = read store and feed, decide, write
  orders, audit; its state lives in the store (`surplus.store.control_tables`).

See docs/control.md.
"""

from __future__ import annotations

__all__ = [
    "FREE",
    "REASONS",
    "Decision",
    "Fleet",
    "FleetState",
    "GridSnapshot",
    "Policy",
    "ZoneInputs",
    "ZoneState",
    "decide",
    "zone_inputs",
]

from surplus.control.decision import FREE, REASONS, Decision, Policy, decide
from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import GridSnapshot, ZoneInputs, ZoneState, zone_inputs
