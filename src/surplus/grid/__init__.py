"""The grid dataset: zones, plants, corridors, hourly demand and availability.

A dataset is a folder of plain files (see `docs/dataset-format.md`), declared once in
`schema`, read and validated by `load_dataset`, and held in memory as a `Dataset`. The
embedded default is the Pakistan national grid.
"""

from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset, DatasetInfo, ReserveRule, Source

__all__ = ["Dataset", "DatasetInfo", "ReserveRule", "Source", "load_dataset"]
