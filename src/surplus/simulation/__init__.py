"""`surplus simulate`: the operations service, the controller and simulated site agents in
one process on a virtual clock, facing a day of the dispatch's spare capacity.

`scenario` says what runs (sites and their term sheets, the day, faults), `world` runs it,
`summary` and `report` say what happened: households' loss with and without the
controller, what flexible loads gave up, each order's timing and each site's compliance.
"""

from __future__ import annotations

__all__ = ["Scenario", "SimResult", "World"]

from surplus.simulation.scenario import Scenario
from surplus.simulation.world import SimResult, World
