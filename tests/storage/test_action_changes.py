"""Changes to actions from chat: status, due dates, owners; their history; councils, years, roll-forward."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import InvalidInput, NotFound, PermissionDenied, Store
from storage.plan_file import ActionInput, ThemeInput
from storage.records import PlanScope

T0 = datetime(2020, 2, 3, 9, 0, tzinfo=UTC)

PLAN = [
    ThemeInput(
        code="RS",
        name="Resilient solutions",
        actions=(
            ActionInput(
                ref="RS-05",
                title="Network segregation",
                owner="Priya",
                owner_email="priya@swale.gov.uk",
                partners=("Swale",),
                plan_year="2019/20",
                due=date(2020, 3, 31),
                status="blocked",
                rag="red",
                progress=20,
            ),
            ActionInput(
                ref="RS-06",
                title="Backups for Maidstone",
                owner="Sam",
                partners=("Maidstone",),
                plan_year="2019/20",
                due=date(2019, 12, 31),
                rag="green",
            ),
            ActionInput(
                ref="RS-07",
                title="Done already",
                owner="Sam",
                plan_year="2019/20",
                status="complete",
            ),
        ),
    ),
]


@pytest.fixture
async def plan(store: Store) -> Store:
    await store.import_plan(PLAN, now=T0)
    await store.ensure_user("slack:UPRIYA", "Priya", email="priya@swale.gov.uk")
    await store.ensure_user("teams:aad-sam", "Sam Jones")
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    return store


async def test_an_owner_clears_blocked_and_every_change_is_history_with_old_and_new(plan: Store):
    a = await plan.record_action_update(
        "RS-05", "slack:UPRIYA", progress=40, rag="amber", status="in progress", note="Supplier back", now=T0
    )
    assert (a.status, a.rag, a.progress, a.last_reported_at) == ("in progress", "amber", 40, T0)
    [entry] = await plan.action_history("RS-05")
    assert entry.kind == "update" and entry.author_key == "slack:UPRIYA"
    assert entry.changes == {"progress": (20, 40), "status": ("blocked", "in progress"), "rag": ("red", "amber")}


async def test_progress_alone_leaves_blocked_blocked(plan: Store):
    a = await plan.record_action_update("RS-05", "slack:UPRIYA", progress=25, note="Still waiting", now=T0)
    assert a.status == "blocked"


async def test_an_owners_due_date_is_proposed_and_an_admins_is_set(plan: Store):
    a = await plan.record_action_update("RS-05", "slack:UPRIYA", due=date(2020, 6, 30), note="Needs longer", now=T0)
    assert (a.due, a.proposed_due) == (date(2020, 3, 31), date(2020, 6, 30))
    a = await plan.record_action_update("RS-05", "local:ada", due=date(2020, 6, 30), note="Agreed at Board", now=T0)
    assert (a.due, a.proposed_due) == (date(2020, 6, 30), None)
    [_, agreed] = await plan.action_history("RS-05")
    assert agreed.changes["due"] == ("2020-03-31", "2020-06-30")


async def test_a_status_change_needs_no_note_but_progress_does(plan: Store):
    a = await plan.record_action_update("RS-05", "slack:UPRIYA", status="in progress", now=T0)
    assert a.status == "in progress"
    with pytest.raises(InvalidInput) as e:
        await plan.record_action_update("RS-05", "slack:UPRIYA", progress=50, now=T0)
    assert e.value.field == "note"


async def test_reopening_a_complete_action_needs_a_figure_below_100(plan: Store):
    await plan.set_action_owner("RS-07", "local:ada", name="Sam Jones", key="teams:aad-sam", now=T0)
    with pytest.raises(InvalidInput) as e:
        await plan.record_action_update("RS-07", "teams:aad-sam", status="in progress", note="Not done", now=T0)
    assert (e.value.field, e.value.code) == ("progress", "reopen")
    a = await plan.record_action_update("RS-07", "teams:aad-sam", progress=80, note="Not quite", now=T0)
    assert (a.status, a.progress) == ("in progress", 80)


async def test_an_admin_sets_the_owner_by_identity_and_that_person_may_then_post(plan: Store):
    with pytest.raises(PermissionDenied) as refused:
        await plan.record_action_update("RS-06", "teams:aad-sam", progress=10, note="Started", now=T0)
    assert refused.value.reason == "owner_unknown" and refused.value.user_key == "teams:aad-sam"
    with pytest.raises(PermissionDenied):
        await plan.set_action_owner("RS-06", "slack:UPRIYA", name="Sam", key="teams:aad-sam", now=T0)
    a = await plan.set_action_owner("RS-06", "local:ada", name="Sam Jones", key="teams:aad-sam", now=T0)
    assert (a.owner, a.owner_key) == ("Sam Jones", "teams:aad-sam")
    a = await plan.record_action_update("RS-06", "teams:aad-sam", progress=10, note="Started", now=T0)
    assert a.status == "in progress"
    [owner_change, _] = await plan.action_history("RS-06")
    assert owner_change.kind == "change" and owner_change.changes["owner_key"] == (None, "teams:aad-sam")
    assert [x.ref for x in await plan.list_actions(owner=await plan.get_user("teams:aad-sam"))] == ["RS-06"]


async def test_councils_and_years_narrow_the_figures(plan: Store):
    [swale] = await plan.theme_summaries(T0, PlanScope(council="Swale"))
    assert (swale.total, swale.red) == (2, 1)  # RS-05 (Swale) and RS-07 (all partners)
    [maidstone] = await plan.theme_summaries(T0, PlanScope(council="Maidstone"))
    assert maidstone.total == 2 and maidstone.overdue == 1  # RS-06 was due 31 Dec 2019
    [later] = await plan.theme_summaries(T0, PlanScope(plan_year="2020/21"))
    assert later.total == 0
    assert await plan.plan_years() == ["2019/20"]


async def test_flags_count_overdue_and_stale_beside_the_stated_rag(plan: Store):
    [rs] = await plan.theme_summaries(T0)
    assert rs.flagged == 1  # RS-06: overdue, stated green
    [rs] = await plan.theme_summaries(T0 + timedelta(days=45))
    assert rs.flagged == 2  # RS-05 now also has no update for 45 days
    rs06 = await plan.get_action("RS-06")
    assert rs06.rag == "green" and rs06.flags(T0) == ("overdue",)


async def test_roll_forward_moves_unfinished_actions_and_leaves_a_closed_copy(plan: Store):
    await plan.record_action_update("RS-05", "slack:UPRIYA", progress=30, note="Slow", now=T0)
    later = T0 + timedelta(days=60)
    carried = await plan.roll_forward("2019/20", "2020/21", "local:ada", now=later)
    assert sorted(a.ref for a in carried) == ["RS-05", "RS-06"]
    live = await plan.get_action("RS-05")
    assert (live.plan_year, live.due, live.carried_from) == ("2020/21", date(2021, 3, 31), "RS-05 2019/20")
    history = await plan.action_history("RS-05")
    assert [h.kind for h in history] == ["update", "carried"]
    old = await plan.get_action("RS-05", plan_year="2019/20")
    assert (old.status, old.progress) == ("carried forward", 30)
    [rs] = await plan.theme_summaries(later)
    assert rs.total == 3  # RS-05, RS-06 once each, and RS-07
    assert await plan.plan_years() == ["2019/20", "2020/21"]
    # the owner's next update reaches the live copy
    a = await plan.record_action_update("RS-05", "slack:UPRIYA", progress=50, note="Back on", now=later)
    assert a.plan_year == "2020/21"
    assert await plan.roll_forward("2019/20", "2020/21", "local:ada", now=later) == []  # nothing left to carry
    with pytest.raises(PermissionDenied):
        await plan.roll_forward("2020/21", "2021/22", "slack:UPRIYA", now=later)


async def test_a_retired_or_unknown_action_cannot_be_updated(plan: Store):
    with pytest.raises(NotFound):
        await plan.record_action_update("RS-99", "local:ada", progress=1, note="x", now=T0)
