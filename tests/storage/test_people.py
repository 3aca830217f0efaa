"""One person, several chat identities: the users that share a verified email are one person. Their roles
are the same on every identity, their requests and actions follow them, and the caches see every change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage import Conflict, NotFound, PermissionDenied, Store
from storage.cycle import CycleConfig
from storage.records import Origin
from tests.cycle_plan import CHECKIN_DUE, IMPORTED, load_cycle_plan

JANE = "jane.smith@midkent.gov.uk"
SLACK_JANE, TEAMS_JANE, CONSOLE_JANE = "slack:UJANE", "teams:aad-jane", "local:jane"
IN_SLACK = Origin(platform="slack", conversation="D0JANE")
T0 = datetime(2020, 11, 2, 9, 0, tzinfo=UTC)


async def roles(store: Store, *keys: str) -> list[tuple[str, ...]]:
    return [(await store.get_user(k)).roles for k in keys]


@pytest.fixture
async def jane(store: Store) -> Store:
    """Jane on Slack (users.info gave her email) and on Teams (the roster gave the same, in other case)."""
    await store.ensure_user(SLACK_JANE, "Jane Smith", email=JANE)
    await store.ensure_user(TEAMS_JANE, "Jane S", email="Jane.Smith@MidKent.gov.uk")
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    return store


# ------------------------------------------------------------ who the person is


async def test_identities_with_one_email_are_one_person(jane: Store):
    assert [u.key for u in await jane.identities(TEAMS_JANE)] == [SLACK_JANE, TEAMS_JANE]
    assert (await jane.get_user(SLACK_JANE)).person_keys == (SLACK_JANE, TEAMS_JANE)
    assert (await jane.get_user(TEAMS_JANE)).person_keys == (TEAMS_JANE, SLACK_JANE)
    await jane.ensure_user("local:sam", "Sam")  # no email: a person of one
    assert [u.key for u in await jane.identities("local:sam")] == ["local:sam"]
    listed = {u.key: u.other_keys for u in await jane.list_users()}
    assert listed[SLACK_JANE] == (TEAMS_JANE,) and listed["local:sam"] == ()
    with pytest.raises(NotFound):
        await jane.identities("local:nobody")


async def test_a_role_granted_on_one_identity_is_held_on_all_and_a_revoke_clears_all(jane: Store):
    await jane.set_role(TEAMS_JANE, "agent", True, actor_key="local:ada")
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [("agent",), ("agent",)]
    await jane.set_role(SLACK_JANE, "agent", False, actor_key="local:ada")  # no dodging it from Teams
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [(), ()]


async def test_an_identity_that_gets_the_email_joins_the_person_and_shares_their_roles(jane: Store):
    await jane.set_role(SLACK_JANE, "agent", True)
    await jane.set_role(CONSOLE_JANE, "lead", True)  # granted in advance, by key
    await jane.ensure_user(CONSOLE_JANE, "jane", email=JANE)  # `ictbot chat --email`: the server's operator
    assert await roles(jane, SLACK_JANE, TEAMS_JANE, CONSOLE_JANE) == [("agent", "lead")] * 3


async def test_an_admin_s_email_change_re_evaluates_the_person(jane: Store):
    await jane.set_role(SLACK_JANE, "admin", True)
    await jane.ensure_user("local:sam", "Sam")
    await jane.set_role("local:sam", "agent", True)
    joined = await jane.set_user_email("local:sam", JANE, actor_key="local:ada")  # a mistake...
    assert joined.person_keys == ("local:sam", SLACK_JANE, TEAMS_JANE) and joined.roles == ("agent", "admin")
    assert await roles(jane, SLACK_JANE) == [("agent", "admin")]
    moved = await jane.set_user_email("local:sam", "sam@midkent.gov.uk", actor_key="local:ada")  # ...put right
    assert moved.person_keys == ("local:sam",) and moved.roles == ()  # Jane's roles stay with Jane
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [("agent", "admin")] * 2
    await jane.ensure_user("local:kim", "Kim")
    await jane.set_role("local:kim", "lead", True)
    alone = await jane.set_user_email("local:kim", "kim@midkent.gov.uk", actor_key="local:ada")
    assert alone.roles == ("lead",)  # someone alone keeps their own roles


async def test_only_admins_grant_revoke_and_set_emails_from_chat(jane: Store):
    with pytest.raises(PermissionDenied) as refused:
        await jane.set_role(TEAMS_JANE, "admin", True, actor_key=SLACK_JANE)
    assert (refused.value.attempt, refused.value.needed) == ("set_role", "admin")
    with pytest.raises(PermissionDenied) as refused:
        await jane.set_user_email(SLACK_JANE, "me@example.org", actor_key=TEAMS_JANE)
    assert refused.value.attempt == "set_email"
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [(), ()]
    assert (await jane.get_user(SLACK_JANE)).email == JANE


async def test_the_last_admin_cannot_revoke_admin_from_chat(jane: Store):
    await jane.set_role(SLACK_JANE, "admin", True)
    await jane.set_role("local:ada", "admin", False, actor_key=SLACK_JANE)  # another admin is left
    with pytest.raises(Conflict) as refused:
        await jane.set_role(TEAMS_JANE, "admin", False, actor_key=SLACK_JANE)  # Jane's other identity counts too
    assert (refused.value.code, refused.value.current) == ("last_admin", "Jane S")
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [("admin",), ("admin",)]
    await jane.set_role(TEAMS_JANE, "admin", False)  # the server's operator, at the command line, may
    assert await roles(jane, SLACK_JANE, TEAMS_JANE) == [(), ()]


# ------------------------------------------------------------ requests follow the person


async def test_requests_raised_anywhere_are_the_person_s_and_replies_go_where_they_were_raised(jane: Store):
    await jane.set_role("local:alex", "agent", True, display_name="Alex")
    slack = await jane.create_ticket(SLACK_JANE, summary="VPN drops", origin=IN_SLACK, now=T0)
    teams = await jane.create_ticket(TEAMS_JANE, summary="Printer jammed", origin=Origin("teams"), now=T0)
    await jane.create_ticket("local:alex", summary="Not Jane's", origin=Origin("local"), now=T0)
    assert [t.ref for t in await jane.my_tickets(TEAMS_JANE)] == [teams.ref, slack.ref]
    assert (await jane.get_ticket(slack.ref, TEAMS_JANE)).summary == "VPN drops"
    with pytest.raises(NotFound):
        await jane.get_ticket("ICT-3", TEAMS_JANE)
    await jane.assign_ticket(slack.ref, "local:alex", now=T0)
    await jane.set_ticket_waiting(slack.ref, "local:alex", "Which building?", now=T0)
    answered = await jane.add_comment(slack.ref, TEAMS_JANE, "Maidstone House", now=T0)
    assert answered.status == "assigned"  # the requester answered, from Teams: back to the desk
    told = await jane.due_notifications(["slack", "teams", "local"], now=T0, limit=100)
    about = [(n.kind, n.channel, n.recipient_key) for n in told if n.request_number == slack.number]
    assert ("waiting", "slack", SLACK_JANE) in about  # where she raised it
    assert ("commented", "local", "local:alex") in about  # her answer went to the assignee, not back to her
    assert not [n for n in told if n.recipient_key == TEAMS_JANE]
    with pytest.raises(PermissionDenied) as refused:
        await jane.resolve_ticket(slack.ref, TEAMS_JANE, "fixed it myself", now=T0)
    assert refused.value.own_request


async def test_an_agent_s_requests_assigned_to_them_anywhere_are_theirs_in_the_queue(jane: Store):
    await jane.set_role(SLACK_JANE, "agent", True)
    made = await jane.create_ticket("local:ada", summary="Screen flickers", origin=Origin("local"), now=T0)
    await jane.assign_ticket(made.ref, SLACK_JANE, now=T0)
    mine, total = await jane.queue(TEAMS_JANE, assignee_key=TEAMS_JANE)
    assert [t.ref for t in mine] == [made.ref] and total == 1


# ------------------------------------------------------------ actions follow the person


async def test_an_action_owned_by_a_slack_identity_is_updated_from_the_same_person_s_teams(store: Store):
    await load_cycle_plan(store)
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    await store.ensure_user(SLACK_JANE, "Jane Smith", email="jane@swale.gov.uk")
    await store.set_action_owner("RS-04", "local:ada", name="Jane Smith", key=SLACK_JANE, now=IMPORTED)
    await store.ensure_user(TEAMS_JANE, "Jane S")  # the roster has not given her email yet
    with pytest.raises(PermissionDenied) as refused:
        await store.record_action_update("RS-04", TEAMS_JANE, progress=10, note="started", now=IMPORTED)
    assert refused.value.reason == "no_email"  # only an email could tell the bot she is the owner
    await store.ensure_user("teams:aad-eve", "Eve", email="eve@swale.gov.uk")
    with pytest.raises(PermissionDenied) as refused:
        await store.record_action_update("RS-04", "teams:aad-eve", progress=10, note="mine now", now=IMPORTED)
    assert refused.value.reason == "someone_else"
    teams_jane = await store.ensure_user(TEAMS_JANE, "Jane S", email="jane@swale.gov.uk")
    assert [a.ref for a in await store.list_actions(owner=teams_jane)] == ["RS-04"]
    done = await store.record_action_update("RS-04", TEAMS_JANE, progress=10, note="started", now=IMPORTED)
    assert done.progress == 10 and done.updates[0].author_key == TEAMS_JANE


async def test_an_owner_named_by_one_identity_hears_on_all_of_them(store: Store):
    await load_cycle_plan(store)
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    await store.ensure_user(SLACK_JANE, "Kim Lee", email="kim.lee@swale.gov.uk")
    await store.ensure_user(TEAMS_JANE, "Kim Lee", email="kim.lee@swale.gov.uk")
    await store.set_action_owner("RS-04", "local:ada", name="Kim Lee", key=SLACK_JANE, now=IMPORTED)
    config = CycleConfig(strategy_channels=())
    assert await store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE)
    await store.complete_job("checkin", CHECKIN_DUE, worker="w1", config=config, now=CHECKIN_DUE)
    told = await store.due_notifications(["slack", "teams", "local"], now=CHECKIN_DUE, limit=100)
    asked = {n.recipient_key: [a["ref"] for a in n.payload["actions"]] for n in told if n.kind == "checkin"}
    assert asked[SLACK_JANE] == asked[TEAMS_JANE] == ["RS-04"]


# ------------------------------------------------------------ the user cache


async def test_a_change_to_one_identity_is_seen_by_the_next_turn_of_the_others(jane: Store):
    assert (await jane.ensure_user(TEAMS_JANE, "Jane S")).roles == ()  # cached now
    await jane.set_role(SLACK_JANE, "agent", True, actor_key="local:ada")
    assert (await jane.ensure_user(TEAMS_JANE, "Jane S")).roles == ("agent",)
    assert (await jane.ensure_user("local:jane", "jane")).other_keys == ()  # cached now, alone
    await jane.ensure_user(CONSOLE_JANE, "jane", email=JANE)
    assert (await jane.ensure_user(TEAMS_JANE, "Jane S")).other_keys == (CONSOLE_JANE, SLACK_JANE)
    assert (await jane.ensure_user(CONSOLE_JANE, "jane")).roles == ("agent",)
    await jane.set_user_email(CONSOLE_JANE, "jane@home.example")
    assert (await jane.ensure_user(TEAMS_JANE, "Jane S")).other_keys == (SLACK_JANE,)
