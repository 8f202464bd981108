"""Test-wide settings: hypothesis runs are derandomised, so a failure repeats on every run,
and have no deadline: speed is measured by the benches under bench/, never by a test (on a
shared machine a 200 ms deadline failed a correct example that took 286 ms)."""

from hypothesis import settings

settings.register_profile("surplus", derandomize=True, print_blob=True, deadline=None)
settings.load_profile("surplus")
