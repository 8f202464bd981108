"""Request-scoped dependencies: the database session and the settings of the running app."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from surplus.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request. Routes commit explicitly (so a failed commit is the
    response); anything uncommitted is rolled back when the request ends."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
