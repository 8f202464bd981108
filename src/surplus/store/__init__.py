"""The database: schema, sessions and migrations for the operations service.

SQLite is the default so the service runs with no set-up; PostgreSQL is the production store.
Everything else reaches the database through this package.

Modules: `base` (engine, sessions), `types` (UTC timestamps), `programme` (operators, sites,
applications, allocations), `clients`, `readings` (+ `ingest`, `rollup`, `partitions`,
`months`, `maintenance`), `idempotency`, `audit` (hash-chained log), `models` (the whole
metadata) and `migrate` (Alembic from code). Import the module you need; importing this
package does nothing.
"""

__all__ = [
    "audit",
    "base",
    "clients",
    "idempotency",
    "ingest",
    "maintenance",
    "migrate",
    "models",
    "months",
    "partitions",
    "programme",
    "readings",
    "rollup",
    "types",
]
