"""The operations service's HTTP face: the REST resources under /api/v1, problem details,
request limits and security headers, the token endpoint, and the `db`/`admin` commands.
`surplus.server` assembles the app.

Pagination is limit/offset (`?limit=&offset=`, at most 1000 a page) with `{items, total,
limit, offset}` bodies; errors are RFC 9457 problem details.
"""

from __future__ import annotations

__all__: list[str] = []
