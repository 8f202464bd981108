"""Sensitivities: the changes a planner makes to a dataset before dispatching it.

"What if the southern ring carries 70 %?", "demand +15 %?", "a dry year?", "K-2 out?",
"with the demand load-shedding suppresses?", "LNG cargoes cut by a fifth?", "reserve as one
system-wide pool?" Each is a setting `KEY=VALUE`, given with
`surplus assess --set` or in a scenario TOML file. `resolve_settings` checks every setting
against the dataset before anything is computed (one line per bad setting, naming the key and
what it accepts); `apply_changes` is a pure function dataset → dataset that also returns one
sentence per change, with figures before and after, for the report. The keys are declared
once, in `keys.KEYS` (see docs/sensitivities.md).
"""

from surplus.sensitivity.keys import KEYS, Key
from surplus.sensitivity.load_shedding import SHED_FEEDERS, suppressed_demand_mw
from surplus.sensitivity.settings import (
    AppliedChange,
    Change,
    Setting,
    apply_changes,
    parse_setting,
    read_scenario,
    resolve_settings,
)

__all__ = [
    "KEYS",
    "SHED_FEEDERS",
    "AppliedChange",
    "Change",
    "Key",
    "Setting",
    "apply_changes",
    "parse_setting",
    "read_scenario",
    "resolve_settings",
    "suppressed_demand_mw",
]
