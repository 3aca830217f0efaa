"""Reading, checking and writing the action plan file, and seeding the sample plan."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from storage import Store
from storage.plan_file import ActionInput, ThemeInput
from storage.plan_io import (
    CSV_COLUMNS,
    SAMPLE_PLAN,
    PlanError,
    PlanIssue,
    PlanProblem,
    export_plan_text,
    load_plan_file,
    parse_plan,
    plan_to_inputs,
    seed_sample_if_empty,
)
from storage.plan_issues import Excerpt, excerpt
from storage.records import ActionRecord, ThemeRecord

THEMES = [
    ("WF", "Enabling a modern and flexible workforce"),
    ("DS", "Supporting the delivery of our digital strategies"),
    ("RS", "Resilient solutions"),
    ("CS", "Improving customer support"),
    ("IM", "Information management"),
    ("IN", "Innovation"),
]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def as_records(themes: list[ThemeInput]) -> list[tuple[ThemeRecord, list[ActionRecord]]]:
    """What Store.export_plan would hand out for these inputs."""
    now = datetime(2019, 11, 25, tzinfo=UTC)
    return [
        (
            ThemeRecord(code=t.code, name=t.name, summary=t.summary, position=i),
            [
                ActionRecord(
                    ref=a.ref,
                    theme_code=t.code,
                    title=a.title,
                    description=a.description,
                    owner=a.owner,
                    owner_email=a.owner_email,
                    partners=a.partners,
                    plan_year=a.plan_year,
                    due=a.due,
                    status=a.status,
                    rag=a.rag,
                    progress=a.progress,
                    updated_at=now,
                )
                for a in t.actions
            ],
        )
        for i, t in enumerate(themes)
    ]


def issues(error: pytest.ExceptionInfo[PlanError]) -> set[tuple[str, str]]:
    return {(i.where, i.field) for i in error.value.errors}


def found(error: pytest.ExceptionInfo[PlanError]) -> list[tuple[str, str, PlanProblem]]:
    return [(i.where, i.field, i.problem) for i in error.value.errors]


# ---------------------------------------------------------------- the sample plan


def test_sample_plan_has_the_six_strategy_themes_in_order():
    themes = load_plan_file(SAMPLE_PLAN)

    assert [(t.code, t.name) for t in themes] == THEMES
    for theme in themes:
        assert theme.summary
        assert 4 <= len(theme.actions) <= 6
        assert all(a.ref.startswith(f"{theme.code}-") for a in theme.actions)


def test_sample_plan_is_labelled_and_consistent():
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["sample"] is True
    assert "SAMPLE" in text.splitlines()[0]

    actions = [a for t in load_plan_file(SAMPLE_PLAN) for a in t.actions]
    assert "RS-03" in {a.ref for a in actions}
    assert {a.status for a in actions} == {"not started", "in progress", "complete", "blocked"}
    assert {a.rag for a in actions} == {"red", "amber", "green"}
    for a in actions:
        assert a.plan_year == "2019/20"
        assert date(2019, 7, 1) <= a.due <= date(2020, 6, 30)
        assert (a.progress == 100) == (a.status == "complete")
        assert a.owner_email == ".".join(a.owner.lower().split()) + "@midkent.gov.uk"


# ---------------------------------------------------------------- round trips


EDGE_CASES = [
    ThemeInput(
        code="WF",
        name="Workforce, \"flexible\" and 'modern'",
        summary="Line one: with a colon.\nLine two, with a comma; and — unicode.",
        actions=(
            ActionInput(ref="WF-01", title="No due date, no email", owner="Chris Woodward", plan_year="2021/22"),
            ActionInput(
                ref="WF-02",
                title="- starts like a list item: yes",
                owner="Zoë O'Neill",
                owner_email="zoe.oneill@midkent.gov.uk",
                description='Two\nlines, "quoted"',
                partners=("Swale",),
                plan_year="2020/21",
                due=date(2020, 1, 31),
                status="complete",
                rag="red",
                progress=100,
            ),
        ),
    ),
    ThemeInput(code="IN", name="Innovation"),  # no actions, no summary
    ThemeInput(
        code="NO", name="true", actions=(ActionInput(ref="NO-1", title="123", owner="null", plan_year="2019/20"),)
    ),
]


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
@pytest.mark.parametrize("plan", ["sample", "edge cases"])
def test_export_then_parse_gives_the_same_plan(fmt, plan):
    themes = load_plan_file(SAMPLE_PLAN) if plan == "sample" else EDGE_CASES

    text = export_plan_text(as_records(themes), fmt)

    assert parse_plan(text, fmt) == themes


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
async def test_round_trip_through_the_store(store: Store, fmt, tmp_path):
    sample = load_plan_file(SAMPLE_PLAN)
    await store.import_plan(sample)

    path = tmp_path / f"plan.{fmt}"
    path.write_text(export_plan_text(await store.export_plan(), fmt), encoding="utf-8")

    assert load_plan_file(path) == sample
    assert plan_to_inputs(await store.export_plan()) == sample


def test_csv_export_has_one_row_per_action_and_the_summary_once():
    themes = load_plan_file(SAMPLE_PLAN)
    rows = export_plan_text(as_records(themes), "csv").splitlines()

    assert rows[0] == ",".join(CSV_COLUMNS)
    assert len(rows) == 1 + sum(len(t.actions) for t in themes)
    assert sum(themes[0].summary[:40] in row for row in rows) == 1


# ---------------------------------------------------------------- reading: normalising and defaults


def test_yaml_values_are_normalised_and_defaults_filled(tmp_path):
    path = write(
        tmp_path,
        "plan.yml",
        """
        themes:
          - code: rs
            name: Resilient solutions
            actions:
              - {ref: rs-07, title: Firewalls, owner: Luke Fenwick, owner_email: Luke.Fenwick@MidKent.gov.uk,
                 partners: [tunbridge wells, MAIDSTONE], status: In_Progress, progress: 40, rag: AMBER,
                 due: "2020-02-28"}
              - {ref: RS-08, title: Backups, owner: Daniel Hartley, status: complete, plan_year: 2020/21}
        """,
    )

    [theme] = load_plan_file(path)

    assert (theme.code, theme.summary) == ("RS", "")
    firewalls, backups = theme.actions
    assert firewalls == ActionInput(
        ref="RS-07",
        title="Firewalls",
        owner="Luke Fenwick",
        owner_email="luke.fenwick@midkent.gov.uk",
        partners=("Maidstone", "Tunbridge Wells"),
        plan_year="2019/20",
        due=date(2020, 2, 28),
        status="in progress",
        rag="amber",
        progress=40,
    )
    assert backups.progress == 100
    assert backups.partners == ("Maidstone", "Swale", "Tunbridge Wells")
    assert (backups.rag, backups.due, backups.owner_email, backups.plan_year) == ("green", None, None, "2020/21")


def test_csv_rows_with_one_theme_code_form_one_theme():
    text = textwrap.dedent(
        """\
        theme_code,theme_name,ref,title,owner,partners,due,status,progress,plan_year
        WF,Workforce,WF-01,Laptops,Gemma Adeyemi,Maidstone; swale,2019-12-31,not_started,0,
        RS,Resilient solutions,RS-01,PSN,Priya Shah,,,,,2019/20
        WF,,WF-02,Wi-Fi,Luke Fenwick,"Swale, Tunbridge Wells",,in progress,50%,2019/20
        """
    )

    wf, rs = parse_plan(text, "csv")

    assert (wf.code, wf.name, [a.ref for a in wf.actions]) == ("WF", "Workforce", ["WF-01", "WF-02"])
    assert wf.actions[0].partners == ("Maidstone", "Swale")
    assert wf.actions[1].partners == ("Swale", "Tunbridge Wells")
    assert wf.actions[1].progress == 50
    assert rs.actions[0].status == "not started"


# ---------------------------------------------------------------- reading: every problem reported


BAD_YAML = """
themes:
  - code: WF
    name: Enabling a modern and flexible workforce
    colour: blue
    actions:
      - ref: WF-01
        title: Laptops
        owner: Gemma Adeyemi
        due: 2019-13-01
      - ref: WF-02
        title: Wi-Fi
        owner: Luke Fenwick
        plan_year: 2019/20
        progress: 150
        partners: [Maidstone, Ashford]
      - ref: WF-01
        title: Duplicate
        owner: Chris Woodward
        plan_year: 2019/20
        titel: typo
  - code: RS
    name: Resilient solutions
    actions:
      - ref: WF-09
        title: In the wrong theme
        owner: Priya Shah
        owner_email: not-an-email
        status: sort of
        rag: purple
        plan_year: 2019/21
"""


def test_a_bad_yaml_file_reports_every_problem_with_its_place(tmp_path):
    with pytest.raises(PlanError) as error:
        load_plan_file(write(tmp_path, "plan.yaml", BAD_YAML))

    assert issues(error) == {
        ("themes[0]", "colour"),
        ("themes[0].actions[0]", "due"),
        ("themes[0].actions[1]", "progress"),
        ("themes[0].actions[1]", "partners"),
        ("themes[0].actions[2]", "ref"),
        ("themes[0].actions[2]", "titel"),
        ("themes[1].actions[0]", "ref"),
        ("themes[1].actions[0]", "owner_email"),
        ("themes[1].actions[0]", "status"),
        ("themes[1].actions[0]", "rag"),
        ("themes[1].actions[0]", "plan_year"),
    }
    by_place = {(i.where, i.field): i for i in error.value.errors}
    progress = by_place["themes[0].actions[1]", "progress"]
    assert (progress.problem, progress.details) == (PlanProblem.NOT_PERCENT, {"value": excerpt(150)})
    twice = by_place["themes[0].actions[2]", "ref"]
    assert (twice.problem, twice.details) == (
        PlanProblem.USED_TWICE,
        {"what": "action", "key": "WF-01", "first_at": "themes[0].actions[0]"},
    )
    typo = by_place["themes[0].actions[2]", "titel"]
    assert (typo.problem, typo.details["guess"]) == (PlanProblem.UNKNOWN_KEY, "title")
    partners = by_place["themes[0].actions[1]", "partners"]
    assert (partners.problem, partners.details["values"]) == (PlanProblem.UNKNOWN_PARTNERS, (excerpt("Ashford"),))
    wrong = by_place["themes[1].actions[0]", "ref"]
    assert (wrong.problem, wrong.details) == (PlanProblem.WRONG_THEME, {"ref": "WF-09", "code": "RS"})
    assert [i.where for i in error.value.errors] == sorted(i.where for i in error.value.errors)  # in file order


def test_a_date_that_does_not_exist_is_reported():
    text = "themes: [{code: WF, name: W, actions: [{ref: WF-01, title: T, owner: O, due: '2019-02-30'}]}]"

    with pytest.raises(PlanError) as error:
        parse_plan(text, "yaml")

    assert error.value.errors == [
        PlanIssue("themes[0].actions[0]", "due", PlanProblem.NOT_DATE, {"value": Excerpt("2019-02-30", True, False)})
    ]


@pytest.mark.parametrize(
    ("action", "field", "problem"),
    [
        ("{ref: WF-01, title: T, owner: O, status: complete, progress: 60}", "progress", "complete_below_100"),
        ("{ref: WF-01, title: T, owner: O, status: in progress, progress: 100}", "progress", "at_100_not_complete"),
        ("{ref: WF-01, title: T, owner: O, progress: 2.5}", "progress", "not_percent"),
        ("{ref: WF-01, title: T, owner: O, partners: []}", "partners", "no_partner"),
        ("{ref: WF-01, title: T, owner: O, due: 2019-07-01 09:00:00}", "due", "not_date"),
        ("{ref: WF-01, owner: O}", "title", "required"),
        ("{ref: WF-1000, title: T, owner: O}", "ref", "not_action_ref"),
        ("{ref: WF-01, title: [a list], owner: O}", "title", "not_text"),
        ("{ref: WF-01, title: T, owner: O, partners: Maidstone}", None, None),
    ],
)
def test_action_field_rules(action, field, problem):
    text = f"themes: [{{code: WF, name: W, actions: [{action.replace('{', '{plan_year: 2019/20, ')}]}}]"
    if field is None:
        assert parse_plan(text, "yaml")[0].actions[0].partners == ("Maidstone",)
        return

    with pytest.raises(PlanError) as error:
        parse_plan(text, "yaml")

    [issue] = error.value.errors
    assert (issue.where, issue.field, issue.problem) == ("themes[0].actions[0]", field, PlanProblem(problem))


def test_csv_problems_are_reported_by_row_number():
    text = textwrap.dedent(
        """\
        theme_code,theme_name,ref,title,owner,due,progress,rag,colour,plan_year
        WF,Workforce,WF-01,Laptops,Gemma Adeyemi,2019-13-01,,,,
        WF,Workforce,WF-02,Wi-Fi,,,150,,,2019/20

        WF,Another name,WF-01,Again,Chris Woodward,,,pink,,2019/20
        w1,Bad code,RS-01,PSN,Priya Shah,,,,,2019/20
        """
    )

    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")

    assert issues(error) == {
        ("row 1", "colour"),
        ("row 2", "due"),
        ("row 3", "owner"),
        ("row 3", "progress"),
        ("row 5", "theme_name"),
        ("row 5", "ref"),
        ("row 5", "rag"),
        ("row 6", "theme_code"),
    }
    assert ("row 2", "due", PlanProblem.NOT_DATE) in found(error)
    [twice] = [i for i in error.value.errors if i.problem == PlanProblem.USED_TWICE]
    assert (twice.where, twice.field, twice.details["first_at"]) == ("row 5", "ref", "row 2")
    [differs] = [i for i in error.value.errors if i.problem == PlanProblem.THEME_NAME_DIFFERS]
    assert differs.details == {
        "value": excerpt("Another name"),
        "first": excerpt("Workforce"),
        "code": "WF",
        "first_at": "row 2",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", PlanIssue("row 1", "", PlanProblem.NO_HEADER, {"expected": CSV_COLUMNS})),
        (
            "theme_code,ref,title\n",
            PlanIssue("row 1", "", PlanProblem.MISSING_COLUMNS, {"missing": ("theme_name",)}),
        ),
        ("theme_code,theme_name,ref,title,owner\n", PlanIssue("file", "", PlanProblem.NO_THEMES)),
        (
            "theme_code,theme_name,ref,title,owner\nWF,W,WF-01,T,O,extra\n",
            PlanIssue("row 2", "", PlanProblem.EXTRA_CELLS, {"cells": 6, "columns": 5}),
        ),
    ],
)
def test_csv_shape_problems(text, expected):
    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")

    assert error.value.errors[0] == expected


def test_csv_file_saved_by_excel_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "plan.CSV"
    path.write_bytes("theme_code,theme_name,ref,title,owner,due\nWF,W,WF-01,T,Zoë,2020-01-31\n".encode("utf-8-sig"))

    [theme] = load_plan_file(path)

    assert theme.actions[0].owner == "Zoë"


@pytest.mark.parametrize(
    ("text", "where", "field", "problem"),
    [
        ("themes: [{code: WF, name: 'unclosed}]", "line 1", "", "not_yaml"),
        ("themes:\n  - code: WF\n   name: bad indent\n", "line 3", "", "not_yaml"),
        ("themes:\n  - code: WF\n    code: RS\n    name: W\n", "line 3", "", "yaml_duplicate_key"),
        ("", "file", "", "empty_file"),
        ("- code: WF\n", "top level", "", "not_a_mapping"),
        ("themes: WF\n", "top level", "themes", "not_a_list"),
        ("plan: []\n", "top level", "plan", "unknown_key"),
        ("themes: []\n", "file", "", "no_themes"),
        ("themes: [WF]\n", "themes[0]", "", "not_a_mapping"),
        ("themes: [{code: WF, name: W, actions: {ref: WF-01}}]", "themes[0]", "actions", "not_a_list"),
        ("themes: [{code: WF, name: W, actions: [WF-01]}]", "themes[0].actions[0]", "", "not_a_mapping"),
        ("sample: maybe\nthemes: [{code: WF, name: W}]", "top level", "sample", "not_flag"),
        (
            "themes: [{code: W, name: W}, {code: RS, name: R}, {code: RS, name: R}]",
            "themes[0]",
            "code",
            "not_theme_code",
        ),
        ("!!python/object/apply:os.system [echo hi]", "line 1", "", "not_yaml"),
    ],
)
def test_malformed_yaml_is_a_plan_error(text, where, field, problem):
    with pytest.raises(PlanError) as error:
        parse_plan(text, "yaml")

    assert found(error)[0] == (where, field, PlanProblem(problem))


def test_duplicate_theme_codes_are_reported():
    text = "themes: [{code: RS, name: R}, {code: RS, name: R}]"

    with pytest.raises(PlanError) as error:
        parse_plan(text, "yaml")

    assert error.value.errors == [
        PlanIssue("themes[1]", "code", PlanProblem.USED_TWICE, {"what": "theme", "key": "RS", "first_at": "themes[0]"})
    ]


@pytest.mark.parametrize("name", ["plan.txt", "plan", "plan.json"])
def test_only_yaml_and_csv_files_are_read(tmp_path, name):
    path = write(tmp_path, name, "themes: []")

    with pytest.raises(PlanError) as error:
        load_plan_file(path)

    assert error.value.errors == [
        PlanIssue(name, "", PlanProblem.NOT_A_PLAN_FILE, {"allowed": (".yaml", ".yml", ".csv")})
    ]


def test_unknown_format_and_undecodable_file(tmp_path):
    with pytest.raises(PlanError) as error:
        parse_plan("themes: []", "xml")
    assert error.value.errors == [
        PlanIssue("file", "", PlanProblem.UNKNOWN_FORMAT, {"value": excerpt("xml"), "allowed": ("yaml", "csv")})
    ]
    with pytest.raises(PlanError) as error:
        export_plan_text([], "xlsx")
    assert found(error) == [("file", "", PlanProblem.UNKNOWN_FORMAT)]

    path = tmp_path / "plan.yaml"
    path.write_bytes(b"themes: [{code: WF, name: \x81}]")  # neither UTF-8 nor Windows-1252
    with pytest.raises(PlanError) as error:
        load_plan_file(path)
    assert error.value.errors == [PlanIssue("plan.yaml", "", PlanProblem.NOT_UTF8, {"byte": 26})]


# ---------------------------------------------------------------- importing through the store


async def test_a_bad_file_changes_nothing_in_the_store(store: Store, tmp_path):
    await store.import_plan(load_plan_file(SAMPLE_PLAN))
    before = await store.export_plan()
    # The first theme is fine and would be imported on its own; the file as a whole is not.
    bad = write(tmp_path, "bad.yaml", BAD_YAML.replace("name: Enabling", "summary: Changed\n    name: Enabling"))

    with pytest.raises(PlanError):
        await store.import_plan(load_plan_file(bad))

    assert await store.export_plan() == before


async def test_reimport_updates_actions_by_ref(store: Store, tmp_path):
    await store.import_plan(load_plan_file(SAMPLE_PLAN))
    count = await store.count_actions()
    update = write(
        tmp_path,
        "update.csv",
        """
        theme_code,theme_name,ref,title,owner,owner_email,status,progress,rag,plan_year
        RS,Resilient solutions,RS-03,Replace the perimeter firewalls,Luke Fenwick,luke.fenwick@midkent.gov.uk,complete,,green,2019/20
        RS,Resilient solutions,RS-06,Annual penetration test,Priya Shah,priya.shah@midkent.gov.uk,,,,2019/20
        """,
    )

    result = await store.import_plan(load_plan_file(update))

    counts = (result.themes_created, result.themes_updated, result.actions_created, result.actions_updated)
    assert counts == (0, 1, 1, 1)
    assert result.added == ("RS-06",)
    [(ref, fields)] = result.changed
    assert ref == "RS-03" and {"status", "progress", "rag"} <= set(fields)
    assert "RS-01" in result.missing and "RS-03" not in result.missing and not result.retired
    assert await store.count_actions() == count + 1
    rs03 = await store.get_action("RS-03")
    assert (rs03.status, rs03.progress, rs03.rag) == ("complete", 100, "green")
    assert (await store.get_theme("RS")).summary.startswith("Protecting")  # a blank summary keeps the old one
    assert [t.code for t in await store.list_themes()] == [code for code, _ in THEMES]


async def test_the_sample_is_seeded_only_into_an_empty_store(store: Store, tmp_path):
    mine = write(
        tmp_path,
        "ours.yaml",
        """
        themes:
          - code: WF
            name: Our workforce theme
            actions:
              - {ref: WF-01, title: Our first action, owner: Chris Woodward, plan_year: 2019/20}
        """,
    )
    await store.import_plan(load_plan_file(mine))

    assert await seed_sample_if_empty(store) is False

    assert [t.name for t in await store.list_themes()] == ["Our workforce theme"]
    assert [a.title for a in await store.list_actions()] == ["Our first action"]


async def test_seeding_an_empty_store_loads_the_sample_once(store: Store):
    assert await seed_sample_if_empty(store) is True
    assert await seed_sample_if_empty(store) is False

    assert plan_to_inputs(await store.export_plan()) == load_plan_file(SAMPLE_PLAN)


async def test_reimport_without_progress_keeps_what_owners_posted(store):
    await store.import_plan(
        parse_plan(
            "themes:\n  - code: RS\n    name: Resilient solutions\n    actions:\n"
            "      - {ref: RS-01, title: Firewalls, owner: Sam, owner_email: sam@midkent.gov.uk,"
            " status: in progress, progress: 40, rag: amber, due: 2019-12-20}\n",
            "yaml",
        )
    )
    await store.ensure_user("local:sam", "Sam", email="sam@midkent.gov.uk")
    await store.record_action_update("RS-01", "local:sam", progress=80, rag="red", note="Supplier late")
    # The Board renames the action; the file says nothing of progress, RAG, status, email or due date.
    await store.import_plan(
        parse_plan(
            "themes:\n  - code: RS\n    name: Resilient solutions\n    actions:\n"
            "      - {ref: RS-01, title: Replace the firewalls, owner: Sam, plan_year: 2019/20}\n",
            "yaml",
        )
    )
    a = await store.get_action("RS-01")
    assert a.title == "Replace the firewalls"
    assert (a.progress, a.rag, a.status, a.owner_email) == (80, "red", "in progress", "sam@midkent.gov.uk")
    assert a.due is not None


async def test_the_first_real_import_replaces_the_sample_plan_whole(store):
    assert await seed_sample_if_empty(store)
    sample_refs = {a.ref for a in await store.list_actions()}
    await store.set_role("local:ada", "admin", True)
    await store.record_action_update("WF-02", "local:ada", progress=5, rag="red", note="played with the sample")
    result = await store.import_plan(
        parse_plan(
            "themes:\n  - code: RS\n    name: Resilience\n    actions:\n"
            "      - {ref: RS-01, title: Ours, owner: Us, plan_year: 2019/20}\n",
            "yaml",
        )
    )
    assert result.sample_actions_removed == len(sample_refs)
    assert [a.ref for a in await store.list_actions()] == ["RS-01"]
    [theme] = await store.list_themes()
    assert (theme.code, theme.is_sample) == ("RS", False)
    # A second real import merges as usual.
    await store.import_plan(
        parse_plan(
            "themes:\n  - code: WF\n    name: Workforce\n    actions:\n"
            "      - {ref: WF-01, title: Laptops, owner: Lee, plan_year: 2019/20}\n",
            "yaml",
        )
    )
    assert [a.ref for a in await store.list_actions()] == ["RS-01", "WF-01"]
