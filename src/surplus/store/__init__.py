"""The database: schema, sessions and migrations for the operations service.

SQLite is the default so the service runs with no set-up; PostgreSQL is the production store.
Everything else reaches the database through this package.
"""
