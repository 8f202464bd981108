"""Request-scoped dependencies: the database session and the settings of the running app."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.orm import Session

from surplus.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request. Routes commit explicitly (so a failed commit is the
    response); anything uncommitted is rolled back when the request ends.

    Async although the session is not: opening one does no I/O and closing one only
    hands its connection back, while a sync dependency would cost two thread hand-offs
    per request, the largest single cost of a small request under load."""
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
