"""The operations service assembled: one FastAPI app carrying the programme's REST API
(`surplus.api`) and the OpenADR 3.1.0 VTN (`surplus.openadr`), and the `surplus serve`
command that runs it.

This is the composition root of the operations wing: the only package that imports both
`api` and `openadr`, so neither has to import the other's app (the wing has no import
cycle; tests/test_layers.py checks). A new service package adds its router here.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # Imported lazily, so that `surplus --help` does not build every route.
    if name == "create_app":
        from surplus.server.app import create_app

        return create_app
    raise AttributeError(name)
