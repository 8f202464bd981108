"""The operations service assembled: one FastAPI app carrying the programme's REST API
(`surplus.api`), the OpenADR 3.1.0 VTN (`surplus.openadr`), the control room's endpoints
(`surplus.control`) and the public dashboard (`surplus.dashboard`), and the `surplus serve`
command that runs it.

This is the composition root of the operations wing: the one package that mounts routers,
so no service package imports another's app, `api` never imports `openadr`, and neither
imports the packages built on them (the wing has no import cycle; tests/test_layers.py
checks). A new service package adds its router here.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # Imported lazily, so that `surplus --help` does not build every route.
    if name == "create_app":
        from surplus.server.app import create_app

        return create_app
    raise AttributeError(name)
