"""The study: the planning pipeline as one typed, callable stage.

A `StudyInput` (dataset and changes, programme, tariff rules, budgets, which stages) goes
in; `run_study` dispatches the year once and runs headroom and siting, the load-shedding
comparison, the economics and the allocation on that one dispatch; a `Study` comes out,
with `Study.figures()` its headline figures as a serialisable `StudyFigures`. `surplus
assess`, `sites` and `economics`, the report and the scenario ensembles all call it, so
they show the same numbers. It may import the planning packages; none of them imports it.
"""

from surplus.study.inputs import (
    PROGRAMME_MW,
    TARIFF_RULES,
    BitcoinPath,
    Programme,
    Stages,
    StudyInput,
)
from surplus.study.result import (
    JointFigure,
    Study,
    StudyFigures,
    TariffFigure,
    ZoneHeadroom,
)
from surplus.study.run import STAGES, Progress, joint_sites, prepare, run_study, window

__all__ = [
    "PROGRAMME_MW",
    "STAGES",
    "TARIFF_RULES",
    "BitcoinPath",
    "JointFigure",
    "Programme",
    "Progress",
    "Stages",
    "Study",
    "StudyFigures",
    "StudyInput",
    "TariffFigure",
    "ZoneHeadroom",
    "joint_sites",
    "prepare",
    "run_study",
    "window",
]
