"""The `ictbot` command line, run as a user would: a real process, a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ictbot(tmp_path):
    """Run `python -m bot ...` from an unrelated working directory against a fresh SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft", "MICROSOFT_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()

    def run(*args: str, stdin: str | None = None, **more_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=workdir,
            env=env | more_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def test_chat_status_names_all_six_themes_from_any_directory(ictbot):
    result = ictbot("chat", "--as", "pat", "status")
    assert result.returncode == 0, result.stderr
    for name in (
        "Enabling a modern and flexible workforce",
        "Supporting the delivery of our digital strategies",
        "Resilient solutions",
        "Improving customer support",
        "Information management",
        "Innovation",
    ):
        assert name in result.stdout


def test_request_is_private_until_an_agent_is_granted(ictbot):
    raised = ictbot("chat", "--as", "rob", "support", "printer", "on", "floor", "2", "is", "jammed")
    assert "ICT-1 raised" in raised.stdout
    assert "I can't find ICT-1" in ictbot("chat", "--as", "eve", "ticket ICT-1").stdout
    assert "for the ICT service desk" in ictbot("chat", "--as", "eve", "queue").stdout
    granted = ictbot("users", "grant", "local:eve", "agent")
    assert granted.returncode == 0 and "roles agent" in granted.stdout
    assert "printer on floor 2 is jammed" in ictbot("chat", "--as", "eve", "queue").stdout
    listed = ictbot("users", "list").stdout
    assert "local:eve" in listed and "agent" in listed


def test_requester_hears_back_in_the_console(ictbot):
    ictbot("chat", "--as", "rob", "support my screen flickers")
    ictbot("users", "grant", "local:alex", "agent")
    assert "ICT-1 is resolved" in ictbot("chat", "--as", "alex", "resolve ICT-1 Replaced the cable").stdout
    heard = ictbot("chat", "--as", "rob", "tickets").stdout
    assert "ICT-1 \u201cmy screen flickers\u201d is resolved by alex: Replaced the cable" in heard


def test_non_owner_update_refused_and_unchanged(ictbot):
    refused = ictbot("chat", "--as", "mallory", "update RS-03 100 green done")
    assert "RS-03 belongs to" in refused.stdout and "owner RS-03 local:mallory" in refused.stdout
    assert refused.returncode == 1
    assert "No updates yet." in ictbot("chat", "--as", "pat", "status RS-03").stdout


def test_grant_with_bad_role_or_key_is_a_clear_error(ictbot):
    bad_role = ictbot("users", "grant", "local:x", "wizard")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    bad_key = ictbot("users", "grant", "nocolon", "agent")
    assert bad_key.returncode == 2 and "is not a user key" in bad_key.stderr and "Traceback" not in bad_key.stderr


def test_db_upgrade_on_a_new_database(ictbot):
    result = ictbot("db", "upgrade")
    assert result.returncode == 0 and "schema revision" in result.stdout


def test_plan_export_import_round_trip(ictbot, tmp_path):
    exported = tmp_path / "plan.yaml"
    assert ictbot("plan", "export", "--format", "yaml", "-o", str(exported)).returncode == 0
    text = exported.read_text()
    assert "RS-03" in text
    plan = yaml.safe_load(text)
    plan["themes"][2]["actions"][0]["title"] = "Renamed by the Board"
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(plan, sort_keys=False))
    imported = ictbot("plan", "import", str(edited))
    assert imported.returncode == 0, imported.stderr
    assert (
        "Actions: 29 added, 0 changed" in imported.stdout and "sample plan (29 actions) was replaced" in imported.stdout
    )
    ref = plan["themes"][2]["actions"][0]["ref"]
    assert "Renamed by the Board" in ictbot("chat", "--as", "pat", f"status {ref}").stdout


def test_plan_import_of_a_bad_file_reports_every_error_and_imports_nothing(ictbot, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "themes:\n"
        "  - code: ZZ\n"
        "    name: Zebra\n"
        "    actions:\n"
        "      - {ref: ZZ-01, title: One, owner: A, due: 2019-13-01}\n"
        "      - {ref: ZZ-02, title: Two, owner: B, plan_year: 2019/20, progress: 150}\n"
    )
    result = ictbot("plan", "import", str(bad))
    assert result.returncode == 2 and "nothing imported" in result.stderr
    assert "due" in result.stderr and "progress" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1:] == [
        "themes[0].actions[0], field due: '2019-13-01' is not a date (use YYYY-MM-DD)",
        "themes[0].actions[1], field progress: 150 is not a whole number from 0 to 100",
    ]
    assert "ZZ" not in ictbot("chat", "--as", "pat", "status").stdout


def test_plan_import_first_is_never_overwritten_by_the_sample(ictbot, tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text(
        "themes:\n  - code: RS\n    name: Our own resilience\n    actions:\n"
        "      - {ref: RS-01, title: Our firewall, owner: Us, plan_year: 2019/20}\n"
    )
    assert ictbot("plan", "import", str(own)).returncode == 0
    status = ictbot("chat", "--as", "pat", "status").stdout
    assert "Our own resilience" in status and "Enabling a modern" not in status


def test_missing_file_is_a_clear_error(ictbot, tmp_path):
    result = ictbot("plan", "import", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_missing_output_folder_is_one_clear_line(ictbot, tmp_path):
    bad = ictbot("plan", "export", "-o", str(tmp_path / "missing-dir" / "x.yaml"))
    assert bad.returncode == 2 and "No such file or directory" in bad.stderr and "Traceback" not in bad.stderr


def test_keys_are_normalised_and_revoking_a_stranger_is_an_error(ictbot):
    assert ictbot("users", "grant", "local:Dave", "admin").returncode == 0
    assert "Roles: admin" in ictbot("chat", "--as", "Dave", "whoami").stdout
    stranger = ictbot("users", "revoke", "local:nobody", "agent")
    assert stranger.returncode == 2 and "No user local:nobody" in stranger.stderr
    assert "local:nobody" not in ictbot("users", "list").stdout
    blank = ictbot("chat", "--as", "  ", "status")
    assert blank.returncode == 2 and "is not a user key" in blank.stderr


def test_unreachable_database_is_one_line_and_hides_the_password(ictbot):
    result = ictbot("chat", "status", DATABASE_URL="postgresql+asyncpg://postgres:s3cret-pw@127.0.0.1:1/nowhere")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout and "postgres:***@127.0.0.1:1" in result.stderr


def test_serve_with_a_bad_teams_setting_says_which_and_stops(ictbot):
    result = ictbot("serve", "--port", "0", MicrosoftAppType="Bogus")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "MicrosoftAppType" in result.stderr


def _shadow(tmp_path: Path, package: str) -> str:
    """A directory that, put first on PYTHONPATH, makes `import <package>` fail as a broken install would."""
    shadow = tmp_path / "shadow"
    (shadow / package).mkdir(parents=True)
    (shadow / package / "__init__.py").write_text('raise ImportError("broken on purpose")\n')
    return str(shadow)


def test_serve_stops_when_a_configured_channel_cannot_be_imported(ictbot, tmp_path):
    result = ictbot(
        "serve",
        "--port",
        "0",
        PYTHONPATH=_shadow(tmp_path, "slack_bolt"),
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s3cret",
        ICTBOT_TEAMS_ENABLED="false",
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "Slack channel is configured but cannot be loaded" in line and "broken on purpose" in line


def test_an_unconfigured_channel_is_not_imported(tmp_path):
    from bot.channels import channel_setups
    from bot.settings import Settings

    settings = Settings(_env_file=None, ICTBOT_TEAMS_ENABLED=False)
    assert channel_setups(settings) == []
    slack = Settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", ICTBOT_TEAMS_ENABLED=False)
    [setup] = channel_setups(slack)
    assert setup.__name__ == "setup_slack"


PLAN_CSV_ROWS = [
    "theme_code,theme_name,ref,title,owner,owner_email,partners,due,plan_year,status,progress",
    "RS,Resilient solutions,RS-01,Caf\u00e9 Wi-Fi \u2013 \u00a3 review,Zo\u00eb Hart,zoe@midkent.gov.uk,TWBC,30/06/2020,,On track,40",
    "RS,Resilient solutions,RS-02,Backups,Sam,,MBC; SBC,,,Not yet started,0",
    "RS,Resilient solutions,RS-03,Firewalls,Lee,,all,15/03/2021,,Done,100",
]


def _cp1252_plan(tmp_path: Path, rows: list[str], name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    return path


def test_plan_import_of_an_excel_csv_reports_how_it_was_read(ictbot, tmp_path):
    path = _cp1252_plan(tmp_path, PLAN_CSV_ROWS)

    refused = ictbot("plan", "import", str(path))
    assert refused.returncode == 2 and "row 3, field plan_year: give a plan year or a due date" in refused.stderr

    result = ictbot("plan", "import", str(path), "--plan-year", "2020/21")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Actions: 3 added, 0 changed, 0 unchanged." in out
    assert "The file was read as Windows-1252 text (Excel's plain CSV), not UTF-8." in out
    assert "status 'On track' read as 'in progress' (1 row: 2)" in out
    assert "partners 'TWBC' read as Tunbridge Wells (1 row: 2)" in out
    assert "due: 2 UK dates read day first, e.g. '30/06/2020' as 30 June 2020 (2 rows: 2, 4)" in out
    assert "plan_year blank: 2020/21, from --plan-year (3 rows: 2, 3, 4)" in out
    assert "RS-02 Sam: no email or chat identity given" in out
    status = ictbot("chat", "--as", "pat", "status RS-01").stdout
    assert "Caf\u00e9 Wi-Fi \u2013 \u00a3 review" in status


def test_plan_reimport_keeps_what_an_owner_posted_until_overwritten(ictbot, tmp_path):
    rows = [
        row.replace(",,On track", ",2020/21,On track").replace(",,Not yet", ",2020/21,Not yet") for row in PLAN_CSV_ROWS
    ]
    path = _cp1252_plan(tmp_path, rows)
    assert ictbot("plan", "import", str(path), "--as", "local:ada").returncode == 0
    posted = ictbot("chat", "--as", "zoe", "--email", "zoe@midkent.gov.uk", "update RS-01 60 amber Supplier late")
    assert posted.returncode == 0, posted.stdout

    dry = ictbot("plan", "import", str(path), "--dry-run")
    assert dry.stdout.startswith("Dry run of") and "RS-01: progress 60 (the file says 40)" in dry.stdout
    kept = ictbot("plan", "import", str(path))
    assert "Kept (changed in chat since the last import):" in kept.stdout and "--overwrite" in kept.stdout
    assert "60%" in ictbot("chat", "--as", "pat", "status RS-01").stdout

    overwritten = ictbot("plan", "import", str(path), "--overwrite", "--as", "local:ada")
    assert "Changed: RS-01 (progress)." in overwritten.stdout
    history = ictbot("chat", "--as", "pat", "history RS-01").stdout
    assert "Imported from plan.csv" in history


def test_plan_import_retires_missing_actions_only_when_asked(ictbot, tmp_path):
    rows = [
        row.replace(",,On track", ",2020/21,On track").replace(",,Not yet", ",2020/21,Not yet") for row in PLAN_CSV_ROWS
    ]
    assert ictbot("plan", "import", str(_cp1252_plan(tmp_path, rows))).returncode == 0
    shorter = _cp1252_plan(tmp_path, rows[:2], "shorter.csv")

    listed = ictbot("plan", "import", str(shorter))
    assert "Not in the file, still in the plan: RS-02, RS-03." in listed.stdout
    assert "import the file again with --retire-missing" in listed.stdout

    retired = ictbot("plan", "import", str(shorter), "--retire-missing")
    assert retired.returncode == 0 and "Retired (not in the file): RS-02, RS-03." in retired.stdout

    bad_year = ictbot("plan", "import", str(shorter), "--plan-year", "2020-21")
    assert bad_year.returncode == 2 and "--plan-year: '2020-21' is not a plan year like 2019/20" in bad_year.stderr


def test_roll_forward_carries_unfinished_actions_and_keeps_their_history(ictbot):
    ictbot("users", "grant", "local:ada", "admin")
    ictbot("chat", "--as", "ada", "update RS-03 70 amber Halfway through the firewall swap")
    carried = ictbot("plan", "roll-forward", "--from", "2019/20", "--to", "2020-21", "--as", "ada")
    assert carried.returncode == 0, carried.stderr
    assert "Carried" in carried.stdout and "RS-03" in carried.stdout
    status = ictbot("chat", "--as", "pat", "status RS-03").stdout
    assert "2020/21 (carried forward from RS-03 2019/20)" in status
    history = ictbot("chat", "--as", "pat", "history RS-03").stdout
    assert "Halfway through the firewall swap" in history and "Carried forward by ada" in history
    assert "Plan years: 2019/20, 2020/21" in ictbot("chat", "--as", "pat", "status").stdout
    again = ictbot("plan", "roll-forward", "--from", "2019/20", "--to", "2020/21")
    assert "Nothing to carry forward" in again.stdout
    bad = ictbot("plan", "roll-forward", "--from", "last year", "--to", "2020/21")
    assert bad.returncode == 2 and "plan years like 2019/20" in bad.stderr


def test_nlu_prints_how_a_message_is_read(ictbot):
    result = ictbot("nlu", "--today", "2021-03-01", "Priya here, RS-05 is now at 40% amber, done by Friday for SBC")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("intent: progress_update (")
    for line in ("action refs: RS-05", "percentages: 40", "rag: amber", "councils: Swale", "dates: 2021-03-05"):
        assert line in lines


def test_nlu_json(ictbot):
    result = ictbot(
        "nlu", "--json", "--today", "2021-03-01", "urgent, meeting with the chief exec in 10 mins, laptop dead"
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert (seen["intent"], seen["category"], seen["priority"]) == ("report_problem", "hardware", "P2")
    assert seen["alternatives"][0] == {"intent": "report_problem", "confidence": seen["confidence"]}
    assert seen["urgency"] == ["urgent", "chief exec", "in 10 mins"]
    assert json.loads(ictbot("nlu", "--json", "ict-1").stdout)["ticket_refs"] == ["ICT-1"]


def test_nlu_eval_reports_accuracy_confusion_and_misses(ictbot, tmp_path):
    labelled = tmp_path / "few.csv"
    labelled.write_text(
        "text,intent,category\n"
        "I clicked a link in a dodgy email,security_incident,security incident\n"
        "my printer is jammed,report_problem,hardware\n"
        "thanks,greeting,\n",
        encoding="utf-8",
    )
    result = ictbot("nlu", "--eval", str(labelled))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Intent accuracy 66.7% over 3 messages; category accuracy 100.0% over 2.")
    assert "  greeting           0/1  0%" in out
    assert "  security incident  1/1  100%" in out
    assert "  greeting -> thanks: 1" in out
    assert "[intent] expected greeting, got thanks (" in out


def test_nlu_mistakes_are_one_clear_line(ictbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("message,label\nhi,greeting\n", encoding="utf-8")
    result = ictbot("nlu", "--eval", str(bad))
    assert result.returncode == 2
    assert "needs the columns text, intent, category; missing: text, intent, category" in result.stderr
    result = ictbot("nlu")
    assert (result.returncode, result.stderr.startswith("ictbot: give a message to read")) == (2, True)
    result = ictbot("nlu", "--today", "someday", "hello")
    assert result.returncode == 2 and "'someday' is not a date" in result.stderr
    assert ictbot("nlu", "--eval", str(tmp_path / "missing.csv")).returncode == 2


def test_kb_import_reports_what_it_did_and_refuses_a_bad_directory_whole(ictbot, tmp_path):
    articles = tmp_path / "kb"
    articles.mkdir()
    (articles / "vpn.md").write_text("---\ntitle: VPN drops\nkeywords: [vpn]\ncategories: [network]\n---\nReconnect.\n")
    dry = ictbot("kb", "import", str(articles), "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout and "1 added: vpn" in dry.stdout
    assert "No knowledge articles yet" in ictbot("kb", "list").stdout  # the dry run wrote nothing
    done = ictbot("kb", "import", str(articles))
    assert done.returncode == 0 and "1 added: vpn" in done.stdout
    assert "1 unchanged" in ictbot("kb", "import", str(articles)).stdout
    listed = ictbot("kb", "list")
    assert "vpn" in listed.stdout and "VPN drops" in listed.stdout and "network" in listed.stdout

    (articles / "printing.md").write_text("---\ntitle: Printing\ncategories: [printers]\n---\nRelease it.\n")
    (articles / "broken.md").write_text("---\ntitle: [oops\n---\nbody\n")
    (articles / "untitled.md").write_text("---\nsummary: no title\n---\nbody\n")
    bad = ictbot("kb", "import", str(articles))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "nothing imported, 3 problem(s)" in bad.stderr
    assert "printing.md: unknown category 'printers'" in bad.stderr
    assert "broken.md: the front matter is not valid YAML" in bad.stderr
    assert "untitled.md: missing title" in bad.stderr
    assert "printing" not in ictbot("kb", "list").stdout  # all or nothing


def test_a_new_database_is_seeded_with_the_sample_articles(ictbot):
    result = ictbot("chat", "--as", "pat", "kb vpn keeps dropping")
    assert result.returncode == 0, result.stderr
    assert "The VPN (Always On VPN) keeps dropping" in result.stdout


def test_report_desk_writes_every_format(ictbot, tmp_path):
    ictbot("chat", "--as", "rob", "support my screen flickers")
    ictbot("chat", "--as", "rob", "support outlook will not open")
    ictbot("users", "grant", "local:alex", "agent")
    ictbot("chat", "--as", "alex", "resolve ICT-1 Replaced the cable")

    result = ictbot("report", "desk", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split(",")[:2]): line.split(",")[3] for line in result.stdout.lstrip("\ufeff").splitlines()}
    assert rows[("Summary", "Raised")] == "2" and rows[("Summary", "Resolved")] == "1"

    for fmt, start in (("html", b"<!DOCTYPE html>"), ("md", b"# Service desk report: "), ("pdf", b"%PDF-")):
        out = tmp_path / f"desk.{fmt}"
        written = ictbot("report", "desk", "--format", fmt, "-o", str(out))
        assert written.returncode == 0 and f"Wrote {out}" in written.stderr
        assert out.read_bytes().startswith(start)

    swale = ictbot("report", "desk", "--council", "swale", "--format", "md").stdout
    assert "Service desk report:" in swale and ", Swale" in swale and "- **Raised:** 0" in swale
    earlier = ictbot("report", "desk", "--month", "2026-01", "--now", "2026-03-01T09:00", "--format", "md").stdout
    assert "January 2026" in earlier and "- **Raised:** 0" in earlier

    bad = ictbot("report", "desk", "--month", "smarch")
    assert bad.returncode == 2 and bad.stderr.strip().startswith("ictbot: 'smarch' is not a month like 2026-11")
    assert "Traceback" not in bad.stderr
