"""Alembic migrations match the models and go down and up cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


async def test_revision_0006_gives_each_identity_of_a_person_the_roles_any_of_them_holds(engine):
    await downgrade(engine, "0005")
    rows = [
        ("slack:UJANE", "jane@swale.gov.uk", True, False, False),
        ("teams:aad-jane", "Jane@Swale.gov.uk", False, False, True),
        ("local:jane", "jane@swale.gov.uk", False, False, False),
        ("slack:UKIM", "kim@swale.gov.uk", False, True, False),  # alone: left as she is
        ("teams:aad-nomail", None, False, False, False),
    ]
    async with engine.begin() as conn:
        for key, email, agent, admin, lead in rows:
            await conn.execute(
                text(
                    "INSERT INTO users (key, display_name, email, is_agent, is_admin, is_lead, created_at)"
                    " VALUES (:k, :k, :e, :a, :ad, :l, '2026-12-01 09:00:00')"
                ),
                {"k": key, "e": email, "a": agent, "ad": admin, "l": lead},
            )
    await upgrade(engine, "0006")
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT key, is_agent, is_admin, is_lead FROM users ORDER BY key"))
        roles = {key: (bool(a), bool(ad), bool(lead)) for key, a, ad, lead in result}
    assert roles == {
        "local:jane": (True, False, True),
        "slack:UJANE": (True, False, True),
        "slack:UKIM": (False, True, False),
        "teams:aad-jane": (True, False, True),
        "teams:aad-nomail": (False, False, False),
    }
