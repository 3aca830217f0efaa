"""Engine and session factories. Nothing is built at import time: callers create and dispose."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.write_queue import WriteQueue, WriteSessions

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./ictbot.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000
WAL_AUTOCHECKPOINT_PAGES = 10_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """One engine per process. SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE for writes."""
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True)

    # Every Session and Connection here ends its own transaction, so the pool's extra rollback on
    # check-in is redundant: with aiosqlite it is one more round trip to the driver thread per transaction.
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_reset_on_return=None
    )
    memory = make_url(url).database in (None, "", ":memory:")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Checkpoint the WAL from housekeeping (Store.checkpoint), not on some unlucky request;
            # this only bounds the WAL for processes that run no housekeeping (the CLI).
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        # Writers take the write lock up front, so two writers never deadlock on a lock upgrade
        # (SQLite would fail one of them at once instead of waiting out the busy timeout).
        if conn.get_execution_options().get("sqlite_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def session_factories(engine: AsyncEngine) -> tuple[async_sessionmaker[AsyncSession], WriteSessions]:
    """(reader, writer) session makers; the writer's transactions take SQLite's write lock at BEGIN, after
    queueing for it in the process (see storage/write_queue.py)."""
    reader = async_sessionmaker(engine, expire_on_commit=False)
    writer = async_sessionmaker(engine.execution_options(sqlite_write=True), expire_on_commit=False)
    queue = WriteQueue.of(engine.sync_engine) if engine.dialect.name == "sqlite" else None
    return reader, WriteSessions(writer, queue)
