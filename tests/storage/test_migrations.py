"""Alembic migrations match the models and go down and up cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base


async def test_schema_is_at_head_and_matches_models(engine):
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    assert diff == []


async def test_downgrade_then_upgrade(engine):
    await downgrade(engine, "base")
    assert await current_revision(engine) is None
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_plan_uploads_come_and_go_with_revision_0005(engine):
    assert "plan_uploads" in await _tables(engine)
    await downgrade(engine, "0004")
    assert await current_revision(engine) == "0004"
    assert "plan_uploads" not in await _tables(engine)
    await upgrade(engine, "0005")
    assert "plan_uploads" in await _tables(engine)
