"""surplus: where a grid has idle capacity, how much flexible load fits, and at what price.

The flow: `grid` (a dataset) → `dispatch` (hourly spare capacity and marginal cost) →
`headroom` (how much flexible load fits) → `economics` (tariffs and the subsidy test), with
`report` for the assessment and `api`/`openadr`/`store` for the operations service.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("surplus")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
