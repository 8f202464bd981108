"""Test-wide settings: hypothesis runs are derandomised, so a failure repeats on every run."""

from hypothesis import settings

settings.register_profile("surplus", derandomize=True, print_blob=True)
settings.load_profile("surplus")
