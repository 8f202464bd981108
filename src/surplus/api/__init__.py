"""The operations service's HTTP face: app factory, REST resources, problem details,
request limits, and the `serve`/`db`/`admin` commands.

Pagination is limit/offset (`?limit=&offset=`, at most 1000 a page) with `{items, total,
limit, offset}` bodies; errors are RFC 9457 problem details.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # Imported lazily so `import surplus.api.cli` does not build FastAPI routes.
    if name == "create_app":
        from surplus.api.app import create_app

        return create_app
    raise AttributeError(name)
