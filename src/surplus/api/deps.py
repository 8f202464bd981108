"""Request-scoped dependencies: the database session and the settings of the running app."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from surplus.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request. Routes commit explicitly (so a failed commit is the
    response); anything uncommitted is rolled back when the request ends.

    Async although the session is not: opening one does no I/O, and a sync dependency
    costs two thread hand-offs per request, the largest single cost of a small request
    under load. Ending one that holds a transaction is a round trip to the database, so
    that runs in a worker thread, off the event loop."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    except BaseException:
        await run_in_threadpool(session.rollback)
        raise
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
