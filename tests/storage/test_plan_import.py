"""Importing a plan again and again: owners by email or chat identity, the plan year, values changed in chat
kept, history, missing and retired actions, Board meetings, and a dry run that writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import Store
from storage import models as m
from storage.errors import PermissionDenied
from storage.plan_io import PlanError, PlanProblem, export_plan_text, read_plan, seed_sample_if_empty
from storage.plan_notes import NoteKind
from storage.records import UnreachableOwner

T0 = datetime(2020, 5, 1, 9, 0, tzinfo=UTC)
ADMIN = "local:ada"

HEADER = (
    "theme_code,theme_name,ref,title,owner,owner_email,owner_key,deputies,start,due,plan_year,status,progress,rag\n"
)


def csv(*rows: str) -> str:
    return HEADER + "".join(f"RS,Resilient solutions,{row}\n" for row in rows)


PLAN = csv(
    "RS-01,Firewalls,Sam Owner,sam@midkent.gov.uk,,,,30/09/2020,2020/21,in progress,40,amber",
    "RS-02,Backups,,kim@midkent.gov.uk,,,,,2020/21,,,",
    "RS-03,Phishing drill,slack:U0AB,,,local:Deb; Lee@MidKent.gov.uk,01/04/2020,,2020/21,,,",
)


async def _import(store: Store, text: str, fmt: str = "csv", *, now: datetime = T0, **options):
    read = read_plan(text, fmt)
    return await store.import_plan(
        read.themes,
        board_meetings=read.board_meetings,
        author_key=ADMIN,
        note="Imported from plan.csv",
        now=now,
        **options,
    )


@pytest.fixture
async def plan(store: Store) -> Store:
    await store.set_role(ADMIN, "admin", True, display_name="Ada")
    await store.ensure_user("local:sam", "Sam Owner", email="sam@midkent.gov.uk")
    await _import(store, PLAN)
    return store


# ---------------------------------------------------------------- owners


async def test_owners_are_named_by_name_email_or_chat_identity(store: Store):
    await store.ensure_user("slack:U0AB", "Priya Shah", email="priya@midkent.gov.uk")

    result = await _import(store, PLAN)

    assert result.added == ("RS-01", "RS-02", "RS-03")
    one, two, three = [await store.get_action(ref) for ref in ("RS-01", "RS-02", "RS-03")]
    assert (one.owner, one.owner_email, one.owner_key) == ("Sam Owner", "sam@midkent.gov.uk", None)
    assert (two.owner, two.owner_email) == ("kim@midkent.gov.uk", "kim@midkent.gov.uk")  # nobody knows Kim yet
    assert (three.owner, three.owner_key) == ("Priya Shah", "slack:U0AB")  # the known user's name
    assert three.deputies == ("local:deb", "lee@midkent.gov.uk")
    assert (three.start, three.due) == (date(2020, 4, 1), None)


async def test_an_owner_given_only_by_email_is_no_longer_refused():
    text = "themes: [{code: RS, name: R, actions: [{ref: RS-01, title: T, owner_email: A@B.gov.uk, due: 2020-06-30}]}]"

    [action] = read_plan(text, "yaml").themes[0].actions

    assert (action.owner, action.owner_email, action.plan_year) == (None, "a@b.gov.uk", "2020/21")


def test_an_action_with_no_owner_at_all_is_a_problem():
    with pytest.raises(PlanError) as error:
        read_plan(csv("RS-01,Firewalls,,,,,,,2020/21,,,"), "csv")
    assert [(e.where, e.field, e.problem) for e in error.value.errors] == [("row 2", "owner", PlanProblem.NO_OWNER)]


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
async def test_export_writes_the_new_fields_and_imports_back_unchanged(plan: Store, fmt):
    text = export_plan_text(await plan.export_plan(), fmt)
    assert "owner_key" in text and "local:deb" in text and "2020-04-01" in text

    before = await plan.export_plan()
    result = await _import(plan, text, fmt)

    assert (result.added, result.changed, result.kept) == ((), (), ())
    assert result.unchanged == ("RS-01", "RS-02", "RS-03")
    assert await plan.export_plan() == before


# ---------------------------------------------------------------- reachability


async def test_unreachable_owners_are_those_no_known_user_matches(plan: Store):
    # RS-01's owner is known by email; RS-02 (Kim, by email) and RS-03 (by Slack identity) are not.
    assert await plan.unreachable_owners() == [
        UnreachableOwner("RS-02", "kim@midkent.gov.uk", "kim@midkent.gov.uk", None),
        UnreachableOwner("RS-03", "slack:U0AB", None, "slack:U0AB"),
    ]
    await plan.ensure_user("teams:kim-aad", "Kim", email="Kim@MidKent.gov.uk")
    await plan.ensure_user("slack:U0AB", "Priya Shah")

    assert await plan.unreachable_owners() == []


async def test_the_import_result_lists_unreachable_owners(store: Store):
    result = await _import(store, PLAN)

    assert [u.ref for u in result.unreachable] == ["RS-01", "RS-02", "RS-03"]


# ---------------------------------------------------------------- plan year


@pytest.mark.parametrize(
    ("due", "year"), [("30/06/2020", "2020/21"), ("15/03/2021", "2020/21"), ("01/04/2021", "2021/22")]
)
def test_a_blank_plan_year_is_the_financial_year_of_the_due_date(due, year):
    read = read_plan(csv(f"RS-01,Firewalls,Sam,,,,,{due},,,,"), "csv")

    assert read.themes[0].actions[0].plan_year == year
    assert [(n.kind, n.read_as, n.row) for n in read.notes if n.field == "plan_year"] == [
        (NoteKind.PLAN_YEAR_FROM_DUE, year, 2)
    ]


def test_a_plan_year_given_for_the_import_comes_before_the_due_date_and_never_over_the_file():
    read = read_plan(
        csv("RS-01,Firewalls,Sam,,,,,30/06/2020,,,,", "RS-02,Backups,Kim,,,,,,2019/20,,,"), "csv", plan_year="2021/22"
    )

    assert [a.plan_year for a in read.themes[0].actions] == ["2021/22", "2019/20"]
    assert [(n.kind, n.row) for n in read.notes if n.field == "plan_year"] == [(NoteKind.PLAN_YEAR_GIVEN, 2)]


def test_no_plan_year_and_no_due_date_is_a_problem_and_a_bad_plan_year_option_too():
    with pytest.raises(PlanError) as error:
        read_plan(csv("RS-01,Firewalls,Sam,,,,,,,,,"), "csv")
    assert [(e.where, e.field, e.problem) for e in error.value.errors] == [
        ("row 2", "plan_year", PlanProblem.NO_PLAN_YEAR)
    ]
    with pytest.raises(PlanError) as error:
        read_plan(csv("RS-01,Firewalls,Sam,,,,,,,,,"), "csv", plan_year="2021/23")
    assert [(e.where, e.problem) for e in error.value.errors] == [("--plan-year", PlanProblem.NOT_PLAN_YEAR)]


def test_a_wrong_due_date_is_reported_once_not_as_a_missing_plan_year():
    with pytest.raises(PlanError) as error:
        read_plan(csv("RS-01,Firewalls,Sam,,,,,31/02/2020,,,,"), "csv")
    assert [(e.field, e.problem) for e in error.value.errors] == [("due", PlanProblem.NOT_DATE)]


# ---------------------------------------------------------------- normalisations noted


def test_every_normalised_value_is_noted_with_its_row_and_ref():
    read = read_plan(
        csv("RS-01,Firewalls,sam@mk.gov.uk,,,,,30/06/2020,,On track,40,amber", "RS-02,B,Kim,,,,,,2020/21,done,,"), "csv"
    )

    assert [(n.kind, n.field, n.value and n.value.text, n.read_as, n.ref, n.row) for n in read.notes] == [
        (NoteKind.OWNER_IDENTITY, "owner", "sam@mk.gov.uk", "owner_email", "RS-01", 2),
        (NoteKind.PLAN_YEAR_FROM_DUE, "plan_year", None, "2020/21", "RS-01", 2),
        (NoteKind.UK_DATE, "due", "30/06/2020", "2020-06-30", "RS-01", 2),
        (NoteKind.STATUS_WORD, "status", "On track", "in progress", "RS-01", 2),
        (NoteKind.STATUS_WORD, "status", "done", "complete", "RS-02", 3),
    ]


def test_yaml_notes_name_the_action_and_councils_as_written_locally():
    text = "themes: [{code: RS, name: R, actions: [{ref: RS-01, title: T, owner: O, plan_year: 2020/21, partners: [TWBC, Swale, MBC]}]}]"

    notes = read_plan(text, "yaml").notes

    assert [(n.kind, n.value.text, n.read_as, n.ref, n.row) for n in notes] == [
        (NoteKind.COUNCIL, "TWBC", "Tunbridge Wells", "RS-01", None),
        (NoteKind.COUNCIL, "MBC", "Maidstone", "RS-01", None),
    ]


# ---------------------------------------------------------------- re-import


async def test_a_value_changed_in_chat_is_kept_and_reported(plan: Store):
    await plan.record_action_update("RS-01", "local:sam", progress=70, rag="red", note="Supplier late", now=T0)
    # The admin's file still says 40 amber, and renames the action.
    again = PLAN.replace("RS-01,Firewalls,", "RS-01,Replace the firewalls,")

    result = await _import(plan, again, now=T0 + timedelta(days=1))

    a = await plan.get_action("RS-01")
    assert (a.title, a.progress, a.rag, a.status) == ("Replace the firewalls", 70, "red", "in progress")
    assert [(k.ref, k.field, k.current, k.in_file) for k in result.kept] == [
        ("RS-01", "progress", 70, 40),
        ("RS-01", "rag", "red", "amber"),
    ]
    assert result.changed == (("RS-01", ("title",)),)
    history = await plan.action_history("RS-01")
    assert [(h.kind, h.author_key, h.author_name) for h in history] == [
        ("update", "local:sam", "Sam Owner"),
        ("import", ADMIN, "Ada"),
    ]
    assert history[-1].changes == {"title": ("Firewalls", "Replace the firewalls")}
    assert (history[-1].progress, history[-1].rag, history[-1].note) == (70, "red", "Imported from plan.csv")

    # Imported again: still kept, and nothing new in the history.
    result = await _import(plan, again, now=T0 + timedelta(days=2))
    assert len(result.kept) == 2 and result.changed == () and "RS-01" in result.unchanged
    assert len(await plan.action_history("RS-01")) == 2


async def test_overwrite_sets_the_file_values_and_records_them(plan: Store):
    await plan.record_action_update("RS-01", "local:sam", progress=70, rag="red", note="Supplier late", now=T0)

    result = await _import(plan, PLAN, overwrite=True)

    a = await plan.get_action("RS-01")
    assert (a.progress, a.rag) == (40, "amber") and result.kept == ()
    assert (await plan.action_history("RS-01"))[-1].changes == {"progress": (70, 40), "rag": ("red", "amber")}
    # Now the file and the action agree again: a later change in the file is simply made.
    result = await _import(plan, PLAN.replace("in progress,40,amber", "in progress,55,green"))
    assert result.changed == (("RS-01", ("progress", "rag")),) and (await plan.get_action("RS-01")).progress == 55


async def test_status_and_progress_are_kept_together(plan: Store):
    await plan.record_action_update("RS-01", "local:sam", progress=100, rag="green", note="Done early", now=T0)

    result = await _import(plan, PLAN.replace("in progress,40,amber", "blocked,40,green"))

    a = await plan.get_action("RS-01")
    assert (a.status, a.progress) == ("complete", 100)
    assert {k.field for k in result.kept} == {"progress", "status"}


async def test_a_field_the_file_leaves_blank_is_left_alone(plan: Store):
    await plan.record_action_update("RS-02", ADMIN, progress=30, rag="amber", note="Started", now=T0)

    result = await _import(plan, PLAN)

    assert (await plan.get_action("RS-02")).progress == 30 and "RS-02" in result.unchanged and result.kept == ()


async def test_only_the_live_copy_is_matched_and_a_retired_action_is_restored(plan: Store, engine):
    await _import(
        plan,
        csv("RS-01,Firewalls,Sam Owner,sam@midkent.gov.uk,,,,30/09/2020,2020/21,in progress,40,amber"),
        retire_missing=True,
    )
    assert (await plan.get_action("RS-02")).retired_at is not None
    async with engine.begin() as conn:  # last year's copy of RS-01, closed when carried forward
        theme_id = (await conn.execute(select(m.Theme.id))).scalar_one()
        await conn.execute(
            m.Action.__table__.insert().values(
                ref="RS-01",
                theme_id=theme_id,
                title="Old firewalls",
                description="",
                owner="Sam",
                partners="Swale",
                plan_year="2019/20",
                status="carried forward",
                rag="green",
                progress=20,
                updated_at=T0,
                deputies="",
            )
        )

    result = await _import(plan, PLAN)

    assert result.restored == ("RS-02", "RS-03") and result.added == ()
    assert (await plan.get_action("RS-02")).retired_at is None
    assert ("RS-02", ("retired",)) in result.changed
    async with engine.connect() as conn:
        old = (await conn.execute(select(m.Action.title).where(m.Action.plan_year == "2019/20"))).scalar_one()
    assert old == "Old firewalls"
    assert (await plan.action_history("RS-02"))[-1].changes == {"retired": (True, False)}


# ---------------------------------------------------------------- missing and retired


async def test_missing_actions_are_listed_and_retired_only_when_asked(plan: Store):
    only_one = csv("RS-01,Firewalls,Sam Owner,sam@midkent.gov.uk,,,,30/09/2020,2020/21,in progress,40,amber")

    listed = await _import(plan, only_one)
    assert (listed.missing, listed.retired) == (("RS-02", "RS-03"), ())
    assert (await plan.get_action("RS-02")).retired_at is None

    retired = await _import(plan, only_one, retire_missing=True, now=T0 + timedelta(days=3))
    assert retired.retired == ("RS-02", "RS-03")
    assert (await plan.get_action("RS-02")).retired_at == T0 + timedelta(days=3)
    [row] = [h for h in await plan.action_history("RS-03") if h.kind == "import"]
    assert (row.changes, row.author_key) == ({"retired": (False, True)}, ADMIN)
    assert (await _import(plan, only_one)).missing == ()  # retired actions are no longer missing


async def test_the_sample_plan_never_retires_anything(store: Store):
    await _import(store, PLAN)

    assert await seed_sample_if_empty(store) is False
    result = await store.import_plan(
        read_plan(PLAN.replace("RS-03", "RS-09"), "csv").themes, sample=True, retire_missing=True
    )

    assert result.missing == ("RS-03",) and result.retired == ()
    assert (await store.get_action("RS-03")).retired_at is None


# ---------------------------------------------------------------- Board meetings


async def test_board_meetings_in_yaml_are_added_once(store: Store, engine):
    text = (
        "board_meetings: [2020-06-18, 17/09/2020]\n"
        "themes: [{code: RS, name: R, actions: [{ref: RS-01, title: T, owner: O, plan_year: 2020/21}]}]\n"
    )

    first = await _import(store, text, "yaml")
    again = await _import(store, text.replace("[2020-06-18,", "[2020-06-18, 10/12/2020,"), "yaml")

    assert first.board_meetings_added == (date(2020, 6, 18), date(2020, 9, 17))
    assert again.board_meetings_added == (date(2020, 12, 10),)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(select(m.BoardMeeting.on, m.BoardMeeting.added_by).order_by(m.BoardMeeting.on))
        ).all()
    assert rows == [(date(2020, 6, 18), ADMIN), (date(2020, 9, 17), ADMIN), (date(2020, 12, 10), ADMIN)]


# ---------------------------------------------------------------- dry run and permission


async def test_a_dry_run_gives_the_same_result_and_writes_nothing(plan: Store, engine):
    await plan.record_action_update("RS-01", "local:sam", progress=70, rag="red", note="Supplier late", now=T0)
    before = await plan.export_plan()
    history = await plan.action_history("RS-01")
    text = PLAN.replace("RS-01,Firewalls,", "RS-01,Replace the firewalls,").replace("RS-03", "RS-04")
    options = {"retire_missing": True}

    dry = await _import(plan, text, dry_run=True, **options)

    assert dry.dry_run and dry.added == ("RS-04",) and dry.retired == ("RS-03",) and len(dry.kept) == 2
    assert await plan.export_plan() == before and await plan.action_history("RS-01") == history
    real = await _import(plan, text, **options)
    assert real == dataclass_replace(dry, dry_run=False)


def dataclass_replace(result, **changes):
    from dataclasses import replace

    return replace(result, **changes)


async def test_an_import_that_must_be_an_admins_is_refused_to_anyone_else(plan: Store):
    before = await plan.export_plan()

    with pytest.raises(PermissionDenied) as refused:
        await plan.import_plan(read_plan(PLAN, "csv").themes, author_key="local:sam", require_admin=True)

    assert refused.value.attempt == "import_plan"
    assert await plan.export_plan() == before
    assert (await plan.import_plan(read_plan(PLAN, "csv").themes, author_key=ADMIN, require_admin=True)).unchanged


async def test_last_years_file_imported_after_a_roll_forward_leaves_both_copies_alone(plan: Store):
    """The admin imports the 2020/21 file again after rolling RS-01 forward to 2021/22: its RS-01 row names
    the closed 2020/21 copy, so it is left alone and said so, and the live 2021/22 copy is untouched."""
    await plan.roll_forward("2020/21", "2021/22", ADMIN, due=date(2022, 3, 31))
    before = await plan.get_action("RS-01")
    assert before.plan_year == "2021/22"

    result = await _import(plan, PLAN)

    assert "RS-01 2020/21" in result.carried_forward
    after = await plan.get_action("RS-01")
    assert (after.plan_year, after.due, after.progress) == ("2021/22", before.due, before.progress)
    assert "RS-01" not in result.missing
    old = await plan.get_action("RS-01", plan_year="2020/21")
    assert old.status == "carried forward"
