"""One run's record: what it drew, what the study found (or the error that stopped it),
and how long each stage took. One Parquet row per run."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from surplus.study import StudyFigures


class QuotaFigure(BaseModel):
    """One phase's quota at the named sites together, physically."""

    model_config = ConfigDict(frozen=True)

    quota_mw: float
    curtailment_rate: float
    curtailed_hours_per_year: float
    holds: bool
    """The curtailment rate is within the spec's budget."""


class RunRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: int
    status: Literal["ok", "failed"]
    error: str = ""
    settings: tuple[str, ...] = ()
    """`KEY=VALUE` of every drawn change, in the order applied."""
    weather: str = ""
    tariff: str = ""
    btc_seed: int | None = None
    figures: StudyFigures | None = None
    quotas: tuple[QuotaFigure, ...] = ()
    seconds: dict[str, float] = {}
    """Wall seconds per stage in the worker (`total` for the whole run)."""

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "run_id": self.run_id,
                    "status": self.status,
                    "error": self.error,
                    "record_json": self.model_dump_json(),
                }
            ]
        )

    @classmethod
    def from_row(cls, row: Any) -> RunRecord:
        return cls.model_validate_json(row.record_json)
