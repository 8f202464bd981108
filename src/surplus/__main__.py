"""`python -m surplus`: the same command line as the `surplus` script."""

from surplus.cli import app

app()
