"""The service API on a real, migrated database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from storage import Conflict, InvalidInput, NotFound, PermissionDenied, Store
from storage.plan_file import ActionInput, ThemeInput
from storage.records import Origin

T0 = datetime(2019, 11, 1, 9, 0, tzinfo=UTC)
HERE = Origin(platform="local", conversation="local:test")

PLAN = [
    ThemeInput(
        code="RS",
        name="Resilient solutions",
        summary="Protecting our technical resources from external threats.",
        actions=(
            ActionInput(
                ref="RS-01",
                title="Replace perimeter firewalls",
                owner="Sam Owner",
                owner_email="Sam.Owner@midkent.gov.uk",
                due=date(2019, 9, 30),
                status="in progress",
                rag="amber",
                progress=40,
            ),
            ActionInput(ref="RS-02", title="Cyber Essentials Plus", owner="Kim", due=date(2020, 3, 31), rag="red"),
            ActionInput(
                ref="RS-03", title="Backups", owner="Kim", plan_year="2019/20", status="complete", progress=100
            ),
        ),
    ),
    ThemeInput(
        code="WF",
        name="Workforce",
        actions=(ActionInput(ref="WF-01", title="Laptops", owner="Lee", plan_year="2019/20"),),
    ),
]


@pytest.fixture
async def plan_store(store: Store) -> Store:
    await store.import_plan(PLAN, now=T0)
    await store.ensure_user("local:sam", "Sam Owner", email="sam.owner@midkent.gov.uk")
    await store.ensure_user("local:rob", "Rob Requester", council="Swale")
    await store.set_role("local:alex", "agent", True, display_name="Alex Agent")
    return store


async def test_theme_summaries_count_rag_completion_and_overdue(plan_store: Store):
    summaries = {s.theme.code: s for s in await plan_store.theme_summaries(date(2019, 11, 1))}
    assert list(summaries) == ["RS", "WF"]
    rs = summaries["RS"]
    assert (rs.total, rs.red, rs.amber, rs.green, rs.complete) == (3, 1, 1, 1, 1)
    assert rs.overdue == 1  # RS-01 was due 30 Sep and is not complete; RS-03 has no date and is complete
    assert rs.percent_complete == 33
    assert rs.average_progress == round((40 + 0 + 100) / 3)


async def test_action_round_trip_and_email_normalised(plan_store: Store):
    a = await plan_store.get_action("rs-01")
    assert a.ref == "RS-01" and a.theme_code == "RS"
    assert a.owner_email == "sam.owner@midkent.gov.uk"
    assert a.partners == ("Maidstone", "Swale", "Tunbridge Wells")
    assert a.due == date(2019, 9, 30) and a.updated_at == T0 and a.updated_at.tzinfo is not None


async def test_owner_update_appends_history_and_moves_action(plan_store: Store):
    for pct in (50, 60, 70, 80, 90, 95):
        await plan_store.record_action_update(
            "RS-01", "local:sam", progress=pct, rag="green", note=f"at {pct}", now=T0 + timedelta(days=pct)
        )
    a = await plan_store.get_action("RS-01")
    assert a.progress == 95 and a.rag == "green" and a.status == "in progress"
    assert [u.progress for u in a.updates] == [95, 90, 80, 70, 60]  # the last five, newest first
    assert len(await plan_store.action_history("RS-01")) == 6


async def test_update_to_100_completes_the_action(plan_store: Store):
    a = await plan_store.record_action_update("RS-01", "local:sam", progress=100, rag=None, note="Done")
    assert a.status == "complete" and a.rag == "amber"


async def test_non_owner_update_is_refused_and_nothing_changes(plan_store: Store):
    with pytest.raises(PermissionDenied):
        await plan_store.record_action_update("RS-01", "local:rob", progress=99, rag="green", note="sneaky")
    a = await plan_store.get_action("RS-01")
    assert a.progress == 40 and a.rag == "amber" and a.updates == ()


async def test_admin_may_update_any_action(plan_store: Store):
    await plan_store.set_role("local:ada", "admin", True)
    a = await plan_store.record_action_update("WF-01", "local:ada", progress=10, rag=None, note="Started")
    assert a.progress == 10 and a.status == "in progress"


@pytest.mark.parametrize(
    ("progress", "rag", "note"), [(101, None, "x"), (-1, None, "x"), (50, "purple", "x"), (50, None, "  ")]
)
async def test_update_validation(plan_store: Store, progress, rag, note):
    with pytest.raises(InvalidInput):
        await plan_store.record_action_update("RS-01", "local:sam", progress=progress, rag=rag, note=note)


async def test_reimport_updates_by_ref_and_keeps_history(plan_store: Store):
    await plan_store.record_action_update("RS-01", "local:sam", progress=45, rag=None, note="n")
    changed = ActionInput(
        ref="RS-01", title="Replace firewalls (phase 2)", owner="Sam Owner", plan_year="2019/20", progress=50
    )
    result = await plan_store.import_plan([ThemeInput(code="RS", name="Resilient solutions", actions=(changed,))])
    assert (result.themes_created, result.themes_updated, result.actions_created, result.actions_updated) == (
        0,
        1,
        0,
        1,
    )
    a = await plan_store.get_action("RS-01")
    assert a.title == "Replace firewalls (phase 2)"
    assert a.progress == 45 and [(k.field, k.current, k.in_file) for k in result.kept] == [("progress", 45, 50)]
    history = await plan_store.action_history("RS-01")
    assert [h.kind for h in history] == ["update", "import"]
    assert history[-1].changes == {"title": ("Replace perimeter firewalls", "Replace firewalls (phase 2)")}
    assert await plan_store.count_actions() == 4


async def test_ticket_lifecycle_with_audit_and_outbox(plan_store: Store):
    t = await plan_store.create_ticket(
        "local:rob", summary="  VPN   drops ", description="Every 5 minutes", category="network", origin=HERE, now=T0
    )
    assert t.ref == f"ICT-{t.number}" and t.summary == "VPN drops" and t.status == "new" and t.council == "Swale"
    assert t.sla_due == datetime(2019, 11, 6, 9, 0, tzinfo=UTC)  # 3 working days of 08:30-17:00 from Friday 09:00
    t = await plan_store.assign_ticket(t.ref, "local:alex", now=T0 + timedelta(minutes=5))
    assert (t.status, t.assignee_name) == ("assigned", "Alex Agent")
    t = await plan_store.set_ticket_priority(t.ref, "local:alex", "P2")
    assert t.sla_due == T0 + timedelta(hours=8)  # 17:00 the same Friday
    t = await plan_store.set_ticket_waiting(t.ref, "local:alex", "Which wifi?")
    assert t.status == "waiting"
    t = await plan_store.add_comment(t.ref, "local:rob", "Home wifi")
    assert t.status == "assigned"
    t = await plan_store.resolve_ticket(t.ref, "local:alex", "New VPN profile", now=T0 + timedelta(hours=2))
    assert (t.status, t.resolution, t.is_open) == ("resolved", "New VPN profile", False)
    assert t.sla_state(T0 + timedelta(days=10)) == "met"
    full = await plan_store.get_ticket(t.ref, "local:rob")
    assert [e.kind for e in full.events] == ["created", "assigned", "priority", "waiting", "comment", "resolved"]
    assert [e.actor_key for e in full.events][:2] == ["local:rob", "local:alex"]
    kinds = [(k, ch) for k, ch, _state, _n in await plan_store.notification_states(t.ref)]
    assert kinds == [
        ("assigned", "local"),
        ("priority", "local"),
        ("waiting", "local"),
        ("commented", "local"),
        ("resolved", "local"),
    ]


async def test_triage_notices_only_for_configured_channels(engine, plan_store: Store):
    triage = Store(engine, notify_channels=("slack", "teams"))
    t = await triage.create_ticket("local:rob", summary="Printer jammed", origin=HERE)
    await triage.assign_ticket(t.ref, "local:alex")
    states = [(k, ch) for k, ch, _s, _n in await triage.notification_states(t.ref)]
    assert states == [
        ("new_request", "slack"),
        ("new_request", "teams"),
        ("assigned", "local"),
        ("request_changed", "slack"),
        ("request_changed", "teams"),
    ]


async def test_requests_are_private_to_requester_and_agents(plan_store: Store):
    t = await plan_store.create_ticket("local:rob", summary="Screen flickers", origin=HERE)
    await plan_store.ensure_user("local:eve", "Eve")
    with pytest.raises(NotFound) as missing:
        await plan_store.get_ticket(t.ref, "local:eve")
    with pytest.raises(NotFound) as absent:
        await plan_store.get_ticket("ICT-99999", "local:eve")
    # Not allowed to see it and not there at all are the same error, carrying only what was asked for.
    assert (missing.value.kind, missing.value.key, missing.value.reason) == ("request", t.ref, None)
    assert (absent.value.kind, absent.value.key, absent.value.reason) == ("request", "ICT-99999", None)
    assert (await plan_store.get_ticket(t.ref, "local:alex")).summary == "Screen flickers"
    assert [x.ref for x in await plan_store.my_tickets("local:rob")] == [t.ref]
    assert await plan_store.my_tickets("local:eve") == []


async def test_only_agents_change_requests(plan_store: Store):
    t = await plan_store.create_ticket("local:rob", summary="Printer", origin=HERE)
    for change in (
        plan_store.assign_ticket(t.ref, "local:rob"),
        plan_store.resolve_ticket(t.ref, "local:rob", "fixed it myself"),
        plan_store.set_ticket_priority(t.ref, "local:rob", "P1"),
        plan_store.set_ticket_waiting(t.ref, "local:rob", "?"),
        plan_store.queue("local:rob"),
    ):
        with pytest.raises(PermissionDenied):
            await change
    again = await plan_store.get_ticket(t.ref, "local:alex")
    assert (again.status, again.priority, again.assignee_key) == ("new", "P3", None)
    assert [e.kind for e in again.events] == ["created"]


async def test_queue_orders_by_priority_then_age(plan_store: Store):
    made = []
    for i, priority in enumerate(["P3", "P1", "P3", "P2"]):
        made.append(
            await plan_store.create_ticket(
                "local:rob", summary=f"r{i}", priority=priority, origin=HERE, now=T0 + timedelta(minutes=i)
            )
        )
    await plan_store.resolve_ticket(made[1].ref, "local:alex", "done")
    rows, total = await plan_store.queue("local:alex")
    assert [r.summary for r in rows] == ["r3", "r0", "r2"] and total == 3


async def test_conflicts_are_reported(plan_store: Store):
    t = await plan_store.create_ticket("local:rob", summary="x", origin=HERE)
    await plan_store.assign_ticket(t.ref, "local:alex")
    with pytest.raises(Conflict):
        await plan_store.assign_ticket(t.ref, "local:alex")
    await plan_store.resolve_ticket(t.ref, "local:alex", "ok")
    with pytest.raises(Conflict):
        await plan_store.resolve_ticket(t.ref, "local:alex", "again")
    with pytest.raises(InvalidInput):
        await plan_store.assign_ticket("ICT-abc", "local:alex")


async def test_fifty_concurrent_requests_get_fifty_distinct_refs(plan_store: Store):
    users = [f"local:user{i}" for i in range(50)]
    for key in users:
        await plan_store.ensure_user(key, key)
    tickets = await asyncio.gather(
        *(plan_store.create_ticket(key, summary=f"problem {key}", origin=HERE) for key in users)
    )
    refs = {t.ref for t in tickets}
    assert len(refs) == 50
    rows, total = await plan_store.queue("local:alex", limit=100)
    assert total == 50 and {r.ref for r in rows} == refs


async def test_claim_event_is_true_once(plan_store: Store):
    results = await asyncio.gather(*(plan_store.claim_event("Ev123") for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_outbox_retry_backoff_and_give_up(plan_store: Store):
    t = await plan_store.create_ticket("local:rob", summary="x", origin=HERE)
    await plan_store.assign_ticket(t.ref, "local:alex", now=T0)
    [notice] = await plan_store.due_notifications(["local"], now=T0 + timedelta(seconds=1))
    failed = await plan_store.mark_notification_failed(notice.id, "429", retry_after=30, now=T0)
    assert failed.attempts == 1
    assert await plan_store.due_notifications(["local"], now=T0 + timedelta(seconds=29)) == []
    assert len(await plan_store.due_notifications(["local"], now=T0 + timedelta(seconds=31))) == 1
    for _ in range(4):
        failed = await plan_store.mark_notification_failed(notice.id, "500", now=T0)
    assert await plan_store.notification_states(t.ref) == [("assigned", "local", "failed", 5)]
    assert await plan_store.due_notifications(["local"], now=T0 + timedelta(days=1)) == []


async def test_conversation_references_and_channel_posts_upsert(plan_store: Store):
    from storage.records import ChannelPostRecord

    await plan_store.save_conversation_reference("teams", "teams:a", {"v": 1})
    await plan_store.save_conversation_reference("teams", "teams:a", {"v": 2})
    assert await plan_store.get_conversation_reference("teams", "teams:a") == {"v": 2}
    assert await plan_store.get_conversation_reference("teams", "teams:b") is None
    t = await plan_store.create_ticket("local:rob", summary="x", origin=HERE)
    await plan_store.save_channel_post(ChannelPostRecord(t.number, "slack", "triage", "C1", "1.1"))
    await plan_store.save_channel_post(ChannelPostRecord(t.number, "slack", "triage", "C1", "1.2"))
    post = await plan_store.get_channel_post(t.ref, "slack")
    assert post is not None and post.message_id == "1.2"


async def test_a_pass_of_deliveries_records_its_posts_with_the_notifications_in_one_write(plan_store: Store):
    from storage.records import ChannelPostRecord

    first = await plan_store.create_ticket("local:rob", summary="one", origin=HERE)
    second = await plan_store.create_ticket("local:rob", summary="two", origin=HERE)
    await plan_store.save_channel_post(ChannelPostRecord(first.number, "slack", "triage", "C1", "1.1"))
    for ticket in (first, second):
        await plan_store.assign_ticket(ticket.ref, "local:alex", now=T0)
    due = await plan_store.due_notifications(["local"], now=T0 + timedelta(days=3650))
    assert {n.request_number for n in due} == {first.number, second.number}
    posts = [
        ChannelPostRecord(first.number, "slack", "triage", "C1", "1.9"),  # replaces the one on record
        ChannelPostRecord(second.number, "slack", "triage", "C1", "2.1"),
        ChannelPostRecord(second.number, "teams", "triage", "19:x", "a1"),
    ]
    await plan_store.mark_notifications_sent([n.id for n in due], posts=posts)
    assert set(await plan_store.channel_posts_of([first.number, second.number])) == set(posts)
    assert await plan_store.due_notifications(["local"], now=T0 + timedelta(days=3650)) == []
    assert await plan_store.channel_posts_of([]) == []


async def test_roles_and_user_refresh(plan_store: Store):
    u = await plan_store.set_role("slack:U1", "admin", True)
    assert u.roles == ("admin",) and u.display_name == "U1"
    u = await plan_store.ensure_user("slack:U1", "Pat Admin", email="Pat@Swale.gov.uk", council="Swale")
    assert (u.display_name, u.email, u.council, u.is_admin) == ("Pat Admin", "pat@swale.gov.uk", "Swale", True)
    assert (await plan_store.set_role("slack:U1", "admin", False)).roles == ()
    with pytest.raises(InvalidInput):
        await plan_store.set_role("slack:U1", "wizard", True)
    with pytest.raises(InvalidInput):
        await plan_store.set_role("nocolon", "agent", True)


async def test_first_sight_of_a_user_from_concurrent_turns_creates_one_user(store: Store):
    users = await asyncio.gather(*(store.ensure_user("teams:abc", "Dee", email="dee@swale.gov.uk") for _ in range(10)))
    assert {u.key for u in users} == {"teams:abc"}
    assert [u.key for u in await store.list_users()] == ["teams:abc"]


async def test_concurrent_summary_misses_share_one_query(plan_store: Store):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "FROM themes" in statement and "count(" in statement.lower():
            statements.append(statement)

    event.listen(plan_store.engine.sync_engine, "before_cursor_execute", count)
    try:
        results = await asyncio.gather(*(plan_store.theme_summaries(date(2019, 11, 1)) for _ in range(20)))
    finally:
        event.remove(plan_store.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert all(r == results[0] for r in results) and len(results[0]) == 2


async def test_summary_cache_is_dropped_by_an_update(plan_store: Store):
    day = date(2019, 11, 1)
    [rs, _wf] = await plan_store.theme_summaries(day)
    await plan_store.record_action_update("RS-01", "local:sam", progress=100, rag="green", note="done")
    [rs_after, _] = await plan_store.theme_summaries(day)
    assert (rs.complete, rs_after.complete) == (1, 2)
