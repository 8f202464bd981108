"""Ensembles: many studies of one dataset, each a draw of the uncertain (demand growth per
zone, a weather year, forced outages, fuel prices and supply, a bitcoin price path, the
tariff rule), run on Dask and summarised as distributions and the probability that each
phase's quota holds.

A scenario file (`spec.read_spec`) declares the dimensions; `draws.draw` turns run *i*
into sensitivity settings from the spec's seed and *i* alone; `worker.run_one` runs one
study; `run.run_ensemble` runs them on a local cluster or a scheduler by address, writing a
Parquet file per run as it finishes (`store`); `summary.summarise` reads them back. See
docs/scenarios.md.
"""

from surplus.scenarios.draws import DIMENSIONS, Draw, draw, study_input
from surplus.scenarios.record import QuotaFigure, RunRecord
from surplus.scenarios.run import Outcome, check, run_ensemble
from surplus.scenarios.spec import ScenarioSpec, read_spec
from surplus.scenarios.summary import EnsembleSummary, summarise
from surplus.scenarios.worker import run_one

__all__ = [
    "DIMENSIONS",
    "Draw",
    "EnsembleSummary",
    "Outcome",
    "QuotaFigure",
    "RunRecord",
    "ScenarioSpec",
    "check",
    "draw",
    "read_spec",
    "run_ensemble",
    "run_one",
    "study_input",
    "summarise",
]
