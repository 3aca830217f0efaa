"""Plan files that are not plans, and text cleaned on the way in: nothing of such a file is carried in a
problem beyond a value's first characters, and no control or bidi-control character reaches the database.
(What a person reads about them is tested with the words, in tests/handlers/test_plan_problems.py.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import Store
from storage.plan_file import ACTION_KEYS, CSV_COLUMNS, OPTIONAL_ACTION_FIELDS, THEME_KEYS, ActionInput
from storage.plan_io import PlanError, load_plan_file, parse_plan
from storage.plan_issues import SHOW_MAX, Excerpt, PlanIssue, PlanProblem

PASSWD = (
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/zsh\n"
)
#: Parts of PASSWD past the first SHOW_MAX characters of any line or field: none may appear in a report.
PASSWD_TAILS = ["/bin/bash", "/usr/sbin", "nologin", "daemon:x", "alice", "/home", "zsh"]


def places(error: pytest.ExceptionInfo[PlanError]) -> set[tuple[str, str]]:
    return {(i.where, i.field) for i in error.value.errors}


@pytest.fixture
def passwd(tmp_path: Path) -> Path:
    path = tmp_path / "passwd"
    path.write_text(PASSWD, encoding="utf-8")
    return path


# ---------------------------------------------------------------- files that are not plans


@pytest.mark.parametrize("name", ["plan.csv", "plan.yaml"])
def test_a_link_to_a_password_file_is_refused_without_showing_it(tmp_path, passwd, name):
    link = tmp_path / name
    link.symlink_to(passwd)

    with pytest.raises(PlanError) as error:
        load_plan_file(link)

    report = str(error.value)  # what a log would hold
    assert not [tail for tail in PASSWD_TAILS if tail in report], report
    if name.endswith(".csv"):
        assert places(error) == {("row 1", "root:x:0:0:root:/roo..."), ("row 1", "")}
        assert error.value.errors[0].problem == PlanProblem.UNKNOWN_COLUMN
    else:
        assert error.value.errors == [
            PlanIssue(
                "top level",
                "",
                PlanProblem.NOT_A_MAPPING,
                {"shape": "plan", "keys": ("themes", "sample", "board_meetings")},
            )
        ]


def test_a_csv_with_other_columns_names_them_and_shows_none_of_its_rows():
    text = "username,password,notes\nalice,hunter2-very-secret,the safe code is 1234\n"

    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")

    assert places(error) == {("row 1", "username"), ("row 1", "password"), ("row 1", "notes"), ("row 1", "")}
    assert "hunter2" not in str(error.value) and "1234" not in str(error.value)


def test_a_long_value_is_quoted_only_by_its_first_characters():
    secret = "a" * SHOW_MAX + "THE REST OF THE FILE"
    text = (
        f"theme_code,theme_name,ref,title,owner,due,plan_year\nWF,W,WF-01,T,O,{secret},\nWF,W,{secret},T,O,,2019/20\n"
    )

    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")

    cut = Excerpt("a" * SHOW_MAX, True, True)
    assert error.value.errors == [
        PlanIssue("row 2", "due", PlanProblem.NOT_DATE, {"value": cut}),
        PlanIssue("row 3", "ref", PlanProblem.NOT_ACTION_REF, {"value": cut}),
    ]
    assert "THE REST" not in str(error.value)


def test_a_long_unknown_key_is_cut_too():
    text = "themes: [{code: WF, name: W}]\nthe-whole-first-line-of-somebody-elses-file: 1\n"

    with pytest.raises(PlanError) as error:
        parse_plan(text, "yaml")

    [issue] = error.value.errors
    assert (issue.where, issue.field) == ("top level", "the-whole-first-line...")
    assert "somebody" not in str(error.value)


@pytest.mark.parametrize("name", ["plan.csv", "plan.yaml"])
def test_a_binary_file_is_refused_without_showing_it(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00secret-symbol-table-and-its-tail\x00\x01\n" * 3)

    with pytest.raises(PlanError) as error:
        load_plan_file(path)

    report = str(error.value)
    assert "tail" not in report and "\x00" not in report
    if name.endswith(".csv"):
        assert ("row 1", "elfsecret-symbol-tab...") in places(error)  # controls removed, cut
    else:
        assert error.value.errors == [PlanIssue("line 1", "", PlanProblem.YAML_CHARACTER, {"character": 0x7F})]


def test_a_file_that_is_neither_utf8_nor_windows_1252_names_the_first_bad_byte(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(b"theme_code,theme_name,ref,title,owner\nWF,W,WF-01,T,\x81\x8d secret\n")

    with pytest.raises(PlanError) as error:
        load_plan_file(path)

    assert error.value.errors == [PlanIssue("plan.csv", "", PlanProblem.NOT_UTF8, {"byte": 51})]


# ---------------------------------------------------------------- text cleaned on the way in


def test_a_nul_is_refused_with_its_row_and_field():
    csv_text = "theme_code,theme_name,ref,title,owner,description,plan_year\nWF,W,WF-01,Fire\x00walls,O,ok,2019/20\n"
    yaml_text = 'themes: [{code: WF, name: W, summary: "one\\0two"}]'

    with pytest.raises(PlanError) as from_csv:
        parse_plan(csv_text, "csv")
    with pytest.raises(PlanError) as from_yaml:
        parse_plan(yaml_text, "yaml")

    assert from_csv.value.errors == [PlanIssue("row 2", "title", PlanProblem.HAS_NUL)]
    assert from_yaml.value.errors == [PlanIssue("themes[0]", "summary", PlanProblem.HAS_NUL)]


def test_text_of_nothing_but_control_characters_is_refused():
    with pytest.raises(PlanError) as error:
        parse_plan('themes: [{code: WF, name: "\\e\\u202e"}]', "yaml")

    assert error.value.errors == [PlanIssue("themes[0]", "name", PlanProblem.ONLY_CONTROLS)]


CONTROLLED = (
    "themes:\n"
    '  - code: "W\\u202eF"\n'
    '    name: "Work\\u2066force\\e[31m"\n'
    '    summary: "Line one\\r\\n\\tLine two\\x85\\x9b"\n'
    "    actions:\n"
    '      - ref: "WF-01\\u200b"\n'
    '        title: "Replace\\nthe\\tfirewalls\\x07"\n'
    '        owner: "\\u202eZo\\u00eb\\u202c O\'Neill"\n'
    "        plan_year: 2019/20\n"
    '        description: "Two\\x1b\\nlines\\u2069"\n'
)


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
async def test_control_and_bidi_characters_never_reach_the_database(store: Store, fmt):
    """Runs on SQLite and on PostgreSQL (which would refuse a NUL): what is stored is the same clean text."""
    if fmt == "yaml":
        themes = parse_plan(CONTROLLED.replace("WF-01\\u200b", "WF-01"), "yaml")
    else:  # the same plan as CSV, the characters themselves in the cells
        header = "theme_code,theme_name,theme_summary,ref,title,description,owner,plan_year\n"
        row = 'W\u202eF,Work\u2066force\x1b[31m,"Line one\r\n\tLine two\x85\x9b",WF-01,'
        row += '"Replace\nthe\tfirewalls\x07","Two\x1b\nlines\u2069",\u202eZo\u00eb\u202c O\'Neill,2019/20\n'
        themes = parse_plan(header + row, "csv")

    await store.import_plan(themes)

    [(theme, [action])] = await store.export_plan()
    assert (theme.code, theme.name, theme.summary) == ("WF", "Workforce[31m", "Line one\n\tLine two")
    assert (action.ref, action.title) == ("WF-01", "Replace the firewalls")
    assert (action.owner, action.description) == ("Zoë O'Neill", "Two\nlines")


def test_a_zero_width_space_is_not_a_control_and_still_fails_the_ref_rule():
    with pytest.raises(PlanError) as error:
        parse_plan(CONTROLLED, "yaml")

    assert places(error) == {("themes[0].actions[0]", "ref")}


# ---------------------------------------------------------------- one declaration


def test_keys_columns_and_optional_fields_all_come_from_the_models():
    assert tuple(ActionInput.model_fields) == ACTION_KEYS
    assert THEME_KEYS == ("code", "name", "summary", "actions")
    assert ("theme_code", "theme_name", "theme_summary", *ACTION_KEYS) == CSV_COLUMNS
    assert set(ACTION_KEYS) - {"ref", "title"} == OPTIONAL_ACTION_FIELDS


def test_given_is_what_the_file_said():
    text = "themes: [{code: WF, name: W, actions: [{ref: WF-01, title: T, owner: O, plan_year: 2020/21, due: '', rag: red}]}]"

    [action] = parse_plan(text, "yaml")[0].actions
    [done] = parse_plan(text.replace("rag: red", "status: complete"), "yaml")[0].actions

    assert action.given == {"owner", "plan_year", "rag"}
    assert done.given == {"owner", "plan_year", "status", "progress"} and done.progress == 100


# ---------------------------------------------------------------- anything else


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
_KEYS = st.sampled_from([*ACTION_KEYS, *THEME_KEYS, "themes", "sample", "x"])
_DATA = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=5))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_DATA, st.sampled_from(["yaml", "csv"]))
def test_any_data_is_a_plan_or_a_plan_error(data, fmt):
    text = yaml.safe_dump(data) if fmt == "yaml" else "\n".join(map(str, data if isinstance(data, list) else [data]))
    try:
        themes = parse_plan(text, fmt)
    except PlanError as error:
        assert error.errors
        assert all(len(issue.field) <= SHOW_MAX + 3 for issue in error.errors)
    else:
        assert themes and all(isinstance(a, ActionInput) for t in themes for a in t.actions)


def test_a_csv_saved_by_excel_on_a_uk_machine_reads_as_its_owners_wrote_it(tmp_path):
    """Windows-1252 text, UK dates, councils as written locally and status words owners use."""
    path = tmp_path / "plan.csv"
    rows = [
        "theme_code,theme_name,ref,title,owner,partners,due,status,progress",
        "WF,Workforce,WF-01,Caf\u00e9 Wi\u2011Fi \u2013 \u00a3 review,Zo\u00eb,Tunbridge Wells BC; MBC,30/06/2020,On track,40",
        "WF,Workforce,WF-02,Laptops,Sam,TWBC,1/4/2021,Done,100",
        "WF,Workforce,WF-03,Phones,Sam,All,31.03.2022,On hold,10",
        "WF,Workforce,WF-04,Printers,Sam,S.B.C.,05/11/2020 00:00,Not yet started,0",
    ]
    path.write_bytes("\r\n".join(rows).replace("\u2011", "-").encode("cp1252"))

    [theme] = load_plan_file(path)

    one, two, three, four = theme.actions
    assert (one.title, one.owner) == ("Caf\u00e9 Wi-Fi \u2013 \u00a3 review", "Zo\u00eb")
    assert one.partners == ("Maidstone", "Tunbridge Wells") and two.partners == ("Tunbridge Wells",)
    assert three.partners == ("Maidstone", "Swale", "Tunbridge Wells") and four.partners == ("Swale",)
    assert [a.due for a in theme.actions] == [date(2020, 6, 30), date(2021, 4, 1), date(2022, 3, 31), date(2020, 11, 5)]
    assert [a.status for a in theme.actions] == ["in progress", "complete", "blocked", "not started"]


@pytest.mark.parametrize("day", ["31/02/2020", "2020/06/30", "06-30-2020", "30/6/20"])
def test_a_uk_date_that_does_not_exist_or_is_ambiguous_is_refused(day):
    text = f"theme_code,theme_name,ref,title,owner,due\nWF,W,WF-01,T,O,{day}\n"
    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")
    assert [(e.field, e.problem) for e in error.value.errors] == [("due", PlanProblem.NOT_DATE)]
