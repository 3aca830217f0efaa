# ruff: noqa: F811  (pytest passes the imported `ictbot` fixture by name)
"""`ictbot board` and `ictbot jobs`, run as an operator would: real processes, a real database file."""

from __future__ import annotations

from tests.bot.test_cli import ictbot  # noqa: F401  (the fixture)
from tests.cycle_plan import JANE, PLAN_YAML, SAM


def _setup(ictbot, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    assert ictbot("plan", "import", str(plan)).returncode == 0
    for name, (_full, email) in (("jane", JANE), ("sam", SAM)):
        assert ictbot("chat", "--as", name, "--email", email, "whoami").returncode == 0
    assert "Added the Board meeting on Tuesday 15 September 2020" in ictbot("board", "add", "2020-09-15").stdout
    added = ictbot("board", "add", "05/01/2021", "--note", "Winter Board")
    assert "Added the Board meeting on Tuesday 5 January 2021" in added.stdout
    assert "Already on the list" in ictbot("board", "add", "2021-01-05").stdout


def test_checkin_ten_working_days_before_the_board_reaches_each_owner_once(ictbot, tmp_path):
    _setup(ictbot, tmp_path)
    ran = ictbot("jobs", "run", "checkin", "--now", "2020-12-17T09:05")
    assert ran.returncode == 0, ran.stderr
    assert "checkin due Thu 17 Dec 2020 09:00: claimed, 2 notice(s) queued" in ran.stdout
    again = ictbot("jobs", "run", "checkin", "--now", "2020-12-17T09:05")
    assert again.returncode == 0 and "Nothing due" in again.stdout
    jane = ictbot("chat", "--as", "jane", "whoami").stdout
    assert jane.count("Board meeting on Tuesday 5 January 2021: your updates, please") == 1
    assert "RS-01 Replace the perimeter firewalls" in jane and "WF-01 Roll out new laptops" in jane
    assert "[Update] -> update RS-01" in jane and "RS-03" not in jane
    sam = ictbot("chat", "--as", "sam", "whoami").stdout
    assert "RS-03 Test the disaster recovery plan" in sam and "RS-01" not in sam
    assert "your updates, please" not in ictbot("chat", "--as", "jane", "whoami").stdout  # shown once


def test_a_fresh_database_skips_old_due_times_and_jobs_list_shows_next_and_last(ictbot, tmp_path):
    _setup(ictbot, tmp_path)
    ran = ictbot("jobs", "run", "--now", "2020-12-19T10:00")
    assert ran.returncode == 0, ran.stderr
    assert "checkin due Thu 17 Dec 2020 09:00: skipped (more than 36 hours late)" in ran.stdout
    assert "digest due Sat 19 Dec 2020 09:00: claimed" in ran.stdout
    assert "digest due Fri 18 Dec 2020 09:00: claimed" in ran.stdout  # within 36 hours
    assert "your updates, please" not in ictbot("chat", "--as", "jane", "whoami").stdout
    listed = ictbot("jobs", "list", "--now", "2020-12-19T10:00")
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert "skipped for Thu 17 Dec 2020 09:00" in lines["checkin"]
    assert "done for Sat 19 Dec 2020 09:00" in lines["digest"]
    assert lines["reminder"].split(None, 1)[1].startswith("Wed 30 Dec 2020 09:00") and "never" in lines["reminder"]
    assert "Mon 21 Dec 2020 09:00" in lines["stale"] and "skipped for Mon 14 Dec 2020 09:00" in lines["stale"]
    # The Board dates themselves.
    listed = ictbot("board", "list").stdout
    assert "2020-09-15" in listed and "2021-01-05  Tuesday 5 January 2021" in listed and "Winter Board" in listed
    bad = ictbot("board", "add", "31/02/2021")
    assert bad.returncode == 2 and "'31/02/2021' is not a date" in bad.stderr
    assert "Removed the Board meeting on Tuesday 5 January 2021" in ictbot("board", "remove", "05/01/2021").stdout
    missing = ictbot("board", "remove", "2021-01-05")
    assert missing.returncode == 2 and "There is no Board meeting on 2021-01-05" in missing.stderr
    assert "no Board meeting ahead" in ictbot("jobs", "list", "--now", "2020-12-19T10:00").stdout


def test_jobs_run_refuses_an_unknown_job_or_time(ictbot):
    unknown = ictbot("jobs", "run", "payroll")
    assert unknown.returncode == 2 and "no job called payroll" in unknown.stderr
    bad = ictbot("jobs", "run", "--now", "tomorrow")
    assert bad.returncode == 2 and "is not an ISO date and time" in bad.stderr
