"""The words for a plan file's problems: storage reports each as data (where, field, code, details),
handlers/plan_problems.py words it, and the words are the ones `ictbot plan import` always printed.
Nothing of a file that is not a plan is echoed back beyond a value's first characters."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.plan_problems import plan_error_text, plan_issue_text, plan_problem_text, quote
from storage.plan_io import CSV_COLUMNS, PlanError, export_plan_text, load_plan_file, parse_plan
from storage.plan_issues import SHOW_MAX, Excerpt, PlanIssue, PlanProblem, excerpt
from tests.storage.test_plan_file import _DATA, PASSWD, PASSWD_TAILS
from tests.storage.test_plan_io import BAD_YAML


def report(text: str, fmt: str) -> str:
    with pytest.raises(PlanError) as error:
        parse_plan(text, fmt)
    return plan_error_text(error.value)


def file_report(path: Path) -> str:
    with pytest.raises(PlanError) as error:
        load_plan_file(path)
    return plan_error_text(error.value)


def test_quote_cuts_like_storage_excerpts():
    assert quote(excerpt("short")) == "'short'"
    assert quote(excerpt("a\tb")) == "'a\\tb'"
    assert quote(excerpt("x" * (SHOW_MAX + 1))) == f"'{'x' * SHOW_MAX}'..."
    assert quote(excerpt(150)) == "150"
    assert quote(excerpt(list(range(20)))) == "[0, 1, 2, 3, 4, 5, 6..."
    assert quote(Excerpt("2019-12-20", False, False)) == "2019-12-20"


def test_every_problem_has_words():
    details = {
        "value": excerpt("v"),
        "values": (excerpt("v"),),
        "first": excerpt("f"),
        "key": excerpt("K"),
        "allowed": ("a", "b"),
        "expected": ("a", "b"),
        "guess": None,
        "byte": 1,
        "detail": "d",
        "character": 0,
        "columns": 1,
        "missing": ("m",),
        "cells": 2,
        "code": "WF",
        "first_at": "row 2",
        "items": None,
        "shape": "mapping",
        "keys": ("a",),
        "length": 3,
        "limit": 2,
        "progress": 1,
        "status": "s",
        "what": "theme",
        "ref": "WF-01",
    }
    for problem in PlanProblem:
        assert plan_problem_text(PlanIssue("file", "", problem, details)).strip()


def test_a_bad_yaml_file_is_reported_line_by_line():
    lines = report(BAD_YAML, "yaml").splitlines()

    assert len(lines) == 11
    assert "themes[0], field colour: unknown key (expected code, name, summary, actions)" in lines
    assert "themes[0].actions[0], field due: '2019-13-01' is not a date (use YYYY-MM-DD)" in lines
    assert "themes[0].actions[1], field progress: 150 is not a whole number from 0 to 100" in lines
    assert "themes[0].actions[2], field ref: action WF-01 is used twice (also at themes[0].actions[0])" in lines
    assert "themes[0].actions[2], field titel: unknown key; did you mean title?" in lines
    assert (
        "themes[0].actions[1], field partners: 'Ashford' is not a partner council"
        " (use Maidstone, Swale, Tunbridge Wells)" in lines
    )
    assert "themes[1].actions[0], field ref: WF-09 is not in theme RS (its ref should start RS-)" in lines
    assert "themes[1].actions[0], field owner_email: 'not-an-email' is not an email address" in lines
    assert (
        "themes[1].actions[0], field status: 'sort of' is not a status (use not started, in progress, complete, blocked)"
        in lines
    )
    assert "themes[1].actions[0], field rag: 'purple' is not a RAG rating (use red, amber or green)" in lines
    assert "themes[1].actions[0], field plan_year: '2019/21' is not a plan year like 2019/20" in lines


def test_a_date_that_does_not_exist_is_reported_in_words():
    text = "themes: [{code: WF, name: W, actions: [{ref: WF-01, title: T, owner: O, due: '2019-02-30'}]}]"

    assert report(text, "yaml") == "themes[0].actions[0], field due: '2019-02-30' is not a date (use YYYY-MM-DD)"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            "{ref: WF-01, title: T, owner: O, status: complete, progress: 60}",
            "progress: is 60 but the status is complete (a complete action is at 100)",
        ),
        (
            "{ref: WF-01, title: T, owner: O, status: in progress, progress: 100}",
            "progress: is 100 but the status is in progress (set the status to complete)",
        ),
        ("{ref: WF-01, title: T, owner: O, progress: 2.5}", "progress: 2.5 is not a whole number from 0 to 100"),
        ("{ref: WF-01, title: T, owner: O, partners: []}", "partners: name at least one partner council"),
        ("{ref: WF-01, title: T, owner: O, partners: 7}", "partners: 7 is not a list of councils"),
        (
            "{ref: WF-01, title: T, owner: O, due: 2019-07-01 09:00:00}",
            "due: '2019-07-01 09:00:00' is not a date (use YYYY-MM-DD)",
        ),
        ("{ref: WF-01, owner: O}", "title: required"),
        ("{ref: WF-1000, title: T, owner: O}", "ref: 'WF-1000' is not an action reference like WF-01"),
        ("{ref: WF-01, title: [a list], owner: O}", "title: ['a list'] is not text"),
        (f"{{ref: WF-01, title: {'t' * 301}, owner: O}}", "title: is 301 characters long; the most is 300"),
    ],
)
def test_action_field_problems_in_words(action, expected):
    text = f"themes: [{{code: WF, name: W, actions: [{action.replace('{', '{plan_year: 2019/20, ', 1)}]}}]"

    assert report(text, "yaml") == f"themes[0].actions[0], field {expected}"


def test_csv_problems_in_words():
    text = textwrap.dedent(
        """\
        theme_code,theme_name,theme_summary,ref,title,owner,due,progress,rag,colour,plan_year
        WF,Workforce,One,WF-01,Laptops,Gemma Adeyemi,2019-13-01,,,,
        WF,Workforce,,WF-02,Wi-Fi,,,150,,,

        WF,Another name,Two,WF-01,Again,Chris Woodward,,,pink,,2019/20
        w1,Bad code,,RS-01,PSN,Priya Shah,,,,,2019/20
        """
    )

    assert report(text, "csv").splitlines() == [
        "row 1, field colour: unknown column (expected " + ", ".join(CSV_COLUMNS) + ")",
        "row 2, field due: '2019-13-01' is not a date (use YYYY-MM-DD)",
        "row 3, field owner: required: give the owner's name, email or chat identity (owner_email, owner_key)",
        "row 3, field plan_year: give a plan year or a due date",
        "row 3, field progress: '150' is not a whole number from 0 to 100",
        "row 5, field theme_name: 'Another name' differs from 'Workforce' given for WF on row 2",
        "row 5, field theme_summary: differs from the summary given for WF on row 2",
        "row 5, field rag: 'pink' is not a RAG rating (use red, amber or green)",
        "row 5, field ref: action WF-01 is used twice (also at row 2)",
        "row 6, field theme_code: 'w1' is not a theme code (2 to 4 letters, like WF)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "row 1: expected a header row: " + ", ".join(CSV_COLUMNS)),
        ("theme_code,ref,title\n", "row 1: missing column(s): theme_name"),
        ("theme_code,theme_name,ref,title,owner\n", "file: the plan has no themes"),
        (
            "theme_code,theme_name,ref,title,owner\nWF,W,WF-01,T,O,extra\n",
            "row 2: has 6 cells but the header has 5 columns",
        ),
        ("theme_code,ref,ref,theme_name,title,owner\n", "row 1, field ref: this column appears more than once"),
        ("theme_code,theme_name,rfe,title,owner\n", "row 1, field rfe: unknown column; did you mean ref?"),
    ],
)
def test_csv_shape_problems_in_words(text, expected):
    assert report(text, "csv").startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("themes: [{code: WF, name: 'unclosed}]", "line 1: this is not valid YAML: found unexpected end of stream"),
        ("themes:\n  - code: WF\n   name: bad indent\n", "line 3: this is not valid YAML"),
        (
            "themes:\n  - code: WF\n    code: RS\n    name: W\n",
            "line 3: this is not valid YAML: the key 'code' is given twice",
        ),
        ("", "file: the file is empty"),
        ("- code: WF\n", "top level: expected a mapping with a 'themes' list"),
        ("themes: WF\n", "top level, field themes: must be a list of themes"),
        ("sample: true\n", "top level, field themes: required: a list of themes"),
        ("plan: []\n", "top level, field plan: unknown key (expected themes, sample, board_meetings)"),
        ("themes: []\n", "file: the plan has no themes"),
        ("themes: [WF]\n", "themes[0]: expected a theme with code, name, summary, actions"),
        (
            "themes: [{code: WF, name: W, actions: {ref: WF-01}}]",
            "themes[0], field actions: must be a list of actions",
        ),
        (
            "themes: [{code: WF, name: W, actions: [WF-01]}]",
            "themes[0].actions[0]: expected an action with ref, title, description, owner, owner_email,",
        ),
        ("sample: maybe\nthemes: [{code: WF, name: W}]", "top level, field sample: 'maybe' is not true or false"),
        (
            "themes: [{code: W, name: W}, {code: RS, name: R}, {code: RS, name: R}]",
            "themes[0], field code: 'W' is not a theme code (2 to 4 letters, like WF)\n"
            "themes[2], field code: theme RS is used twice (also at themes[1])",
        ),
        ("!!python/object/apply:os.system [echo hi]", "line 1: this is not valid YAML"),
        ('themes: [{code: WF, name: "\\0"}]', "themes[0], field name: contains a NUL character"),
    ],
)
def test_malformed_yaml_in_words(text, expected):
    assert report(text, "yaml").startswith(expected)


def test_file_problems_in_words(tmp_path):
    (tmp_path / "plan.txt").write_text("themes: []")
    assert file_report(tmp_path / "plan.txt") == "plan.txt: a plan file must end in .yaml, .yml or .csv"

    (tmp_path / "plan.csv").write_bytes(b"theme_code,theme_name,ref,title,owner\nWF,W,WF-01,T,\x81\x8d secret\n")
    assert file_report(tmp_path / "plan.csv") == "plan.csv: is not UTF-8 or Windows-1252 text (byte 51)"

    with pytest.raises(PlanError) as error:
        parse_plan("themes: []", "xml")
    assert plan_error_text(error.value) == "file: unknown format 'xml' (use yaml or csv)"
    with pytest.raises(PlanError) as error:
        export_plan_text([], "xlsx")
    assert plan_error_text(error.value) == "file: unknown format 'xlsx' (use yaml or csv)"


# ---------------------------------------------------------------- files that are not plans


@pytest.mark.parametrize("name", ["plan.csv", "plan.yaml"])
def test_a_link_to_a_password_file_is_refused_without_showing_it(tmp_path, name):
    (tmp_path / "passwd").write_text(PASSWD, encoding="utf-8")
    link = tmp_path / name
    link.symlink_to(tmp_path / "passwd")

    text = file_report(link)

    assert not [tail for tail in PASSWD_TAILS if tail in text], text
    if name.endswith(".csv"):
        assert "row 1, field root:x:0:0:root:/roo...: unknown column" in text
    else:
        assert text == "top level: expected a mapping with a 'themes' list"


def test_a_csv_with_other_columns_shows_none_of_its_rows():
    text = report("username,password,notes\nalice,hunter2-very-secret,the safe code is 1234\n", "csv")

    assert "hunter2" not in text and "1234" not in text
    assert text.splitlines()[-1] == "row 1: missing column(s): theme_code, theme_name, ref, title"


def test_a_long_value_is_quoted_only_by_its_first_characters():
    secret = "a" * SHOW_MAX + "THE REST OF THE FILE"
    text = f"theme_code,theme_name,ref,title,owner,due\nWF,W,WF-01,T,O,{secret}\nWF,W,{secret},T,O,2020-01-01\n"

    with pytest.raises(PlanError) as error:
        parse_plan(text, "csv")

    assert [plan_issue_text(issue) for issue in error.value.errors] == [
        f"row 2, field due: '{'a' * SHOW_MAX}'... is not a date (use YYYY-MM-DD)",
        f"row 3, field ref: '{'a' * SHOW_MAX}'... is not an action reference like WF-01",
    ]


def test_a_long_unknown_key_is_cut_too():
    text = report("themes: [{code: WF, name: W}]\nthe-whole-first-line-of-somebody-elses-file: 1\n", "yaml")

    assert text == "top level, field the-whole-first-line...: unknown key (expected themes, sample, board_meetings)"


@pytest.mark.parametrize("name", ["plan.csv", "plan.yaml"])
def test_a_binary_file_is_refused_without_showing_it(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00secret-symbol-table-and-its-tail\x00\x01\n" * 3)

    text = file_report(path)

    assert "tail" not in text and "\x00" not in text
    if name.endswith(".yaml"):
        assert text == "line 1: this is not valid YAML: character #x007f is not allowed"


def test_nul_and_control_characters_in_words():
    csv_text = "theme_code,theme_name,ref,title,owner,description,due\nWF,W,WF-01,Fire\x00walls,O,ok,2020-01-01\n"

    assert report(csv_text, "csv") == (
        "row 2, field title: contains a NUL character, which text never has (is this a binary file?)"
    )
    assert report('themes: [{code: WF, name: "\\e\\u202e"}]', "yaml") == (
        "themes[0], field name: has only control characters"
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_DATA, st.sampled_from(["yaml", "csv"]))
def test_every_problem_any_data_has_is_worded(data, fmt):
    text = yaml.safe_dump(data) if fmt == "yaml" else "\n".join(map(str, data if isinstance(data, list) else [data]))
    try:
        parse_plan(text, fmt)
    except PlanError as error:
        lines = plan_error_text(error).splitlines()
        assert len(lines) >= len(error.errors)
        assert all(line.startswith(issue.where) for line, issue in zip(lines, error.errors, strict=False))
