"""The per-process read caches (users, status figures): every write through the Store is seen by the very
next read, a cached read costs no SQL, and nothing handed out from a cache can be changed by its reader."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from storage import PermissionDenied, Store
from storage.plan_file import ActionInput, ThemeInput
from storage.records import Origin

DAY = date(2019, 11, 1)
HERE = Origin(platform="local", conversation="local:test")


@contextmanager
def statements(store: Store):
    sent: list[str] = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(store.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", count)


async def test_a_known_user_is_read_from_the_cache(store: Store):
    first = await store.ensure_user("local:pat", "Pat", email="pat@swale.gov.uk")
    with statements(store) as sent:
        again = await store.ensure_user("local:pat", "Pat", email="pat@swale.gov.uk")
    assert again == first and sent == []


async def test_a_role_granted_is_seen_by_the_next_turn(store: Store):
    assert (await store.ensure_user("local:pat", "Pat")).roles == ()
    await store.set_role("local:pat", "agent", True)
    assert (await store.ensure_user("local:pat", "Pat")).roles == ("agent",)
    await store.set_role("local:pat", "agent", False)
    assert (await store.ensure_user("local:pat", "Pat")).roles == ()


async def test_an_email_set_is_seen_by_the_next_turn(store: Store):
    await store.ensure_user("local:pat", "Pat")
    await store.set_user_email("local:pat", "Pat@Swale.gov.uk")
    assert (await store.ensure_user("local:pat", "Pat")).email == "pat@swale.gov.uk"


async def test_what_a_platform_tells_us_anew_is_written_and_then_cached(store: Store):
    await store.ensure_user("local:pat", "Pat")
    renamed = await store.ensure_user("local:pat", "Pat Smith", council="Swale")
    assert (renamed.display_name, renamed.council) == ("Pat Smith", "Swale")
    with statements(store) as sent:
        assert await store.ensure_user("local:pat", "Pat Smith") == renamed
    assert sent == []


async def test_another_process_s_change_is_seen_once_the_entry_expires(engine, store: Store):
    await store.ensure_user("local:pat", "Pat")
    await Store(engine).set_role("local:pat", "admin", True)  # as the CLI would, from another process
    assert (await store.ensure_user("local:pat", "Pat")).roles == ()  # still trusted for a few seconds
    store._users._users.clear()  # what the TTL does after USER_CACHE_SECONDS
    assert (await store.ensure_user("local:pat", "Pat")).roles == ("admin",)


PLAN = [
    ThemeInput(
        code="RS",
        name="Resilient solutions",
        actions=(
            ActionInput(
                ref="RS-01", title="Firewalls", owner="Sam", owner_email="sam@mk.gov.uk", plan_year="2019/20", rag="red"
            ),
        ),
    )
]


async def test_status_figures_are_read_from_the_cache_until_the_plan_changes(store: Store):
    await store.import_plan(PLAN)
    first = await store.theme_summaries(DAY)
    with statements(store) as sent:
        assert await store.theme_summaries(DAY) == first
    assert sent == []


async def test_an_import_is_seen_by_the_next_status(store: Store):
    await store.import_plan(PLAN)
    [rs] = await store.theme_summaries(DAY)
    more = ActionInput(ref="RS-02", title="Backups", owner="Kim", plan_year="2019/20", rag="green")
    await store.import_plan([ThemeInput(code="RS", name="Resilient solutions", actions=(more,))])
    await store.import_plan([ThemeInput(code="WF", name="Workforce")])
    [rs_after, wf] = await store.theme_summaries(DAY)
    assert (rs.total, rs.green, rs_after.total, rs_after.green, wf.total) == (1, 0, 2, 1, 0)


async def test_a_progress_update_is_seen_by_the_next_status(store: Store):
    await store.import_plan(PLAN)
    await store.set_role("local:ada", "admin", True)
    [before] = await store.theme_summaries(DAY)
    await store.record_action_update("RS-01", "local:ada", progress=100, rag="green", note="done")
    [after] = await store.theme_summaries(DAY)
    assert (before.complete, before.red, after.complete, after.green) == (0, 1, 1, 1)


async def test_a_refused_update_leaves_the_figures_right(store: Store):
    await store.import_plan(PLAN)
    await store.ensure_user("local:eve", "Eve")
    [before] = await store.theme_summaries(DAY)
    with pytest.raises(PermissionDenied):
        await store.record_action_update("RS-01", "local:eve", progress=100, rag="green", note="sneaky")
    assert await store.theme_summaries(DAY) == [before]


async def test_nothing_handed_out_from_a_cache_is_shared(store: Store):
    await store.import_plan(PLAN)
    first = await store.theme_summaries(DAY)
    first.clear()  # the caller's own list
    assert len(await store.theme_summaries(DAY)) == 1
    user = await store.ensure_user("local:pat", "Pat")
    assert user.__class__.__dataclass_params__.frozen


async def test_a_failed_query_is_not_kept(engine, store: Store):
    await store.import_plan(PLAN)

    def fail(conn, cursor, statement, *args):
        if "count(" in statement.lower():
            raise RuntimeError("database went away")

    event.listen(engine.sync_engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError, match="database went away"):
            await store.theme_summaries(DAY)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", fail)
    [rs] = await store.theme_summaries(DAY)
    assert rs.total == 1
