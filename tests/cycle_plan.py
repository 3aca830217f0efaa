"""A small plan for the strategy cycle's tests: two owners people can be matched to, one nobody can."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import Store
from storage.plan_io import parse_plan

#: When the plan was imported (every action's updated_at).
IMPORTED = datetime(2020, 11, 2, 10, 0, tzinfo=UTC)
PREVIOUS_BOARD = date(2020, 9, 15)
#: A Tuesday after Christmas: 10 working days before it skip 25 and 28 December and 1 January.
BOARD = date(2021, 1, 5)
#: 09:00 on Thursday 17 December 2020 (GMT), 10 working days before BOARD.
CHECKIN_DUE = datetime(2020, 12, 17, 9, 0, tzinfo=UTC)
#: 09:00 on Wednesday 30 December 2020, 3 working days before BOARD (Thursday 31, Monday 4).
REMINDER_DUE = datetime(2020, 12, 30, 9, 0, tzinfo=UTC)

PLAN_YAML = """
themes:
  - code: RS
    name: Resilient solutions
    actions:
      - {ref: RS-01, title: Replace the perimeter firewalls, owner: Jane Smith, owner_email: jane.smith@midkent.gov.uk,
         partners: all, plan_year: 2020/21, due: 2021-03-31, status: in progress, progress: 40, rag: green}
      - {ref: RS-02, title: Patch the file servers, owner: Jane Smith, owner_email: jane.smith@midkent.gov.uk,
         partners: all, plan_year: 2020/21, due: 2020-10-31, status: complete, progress: 100, rag: green}
      - {ref: RS-03, title: Test the disaster recovery plan, owner: Sam Patel, owner_email: sam.patel@midkent.gov.uk,
         partners: all, plan_year: 2020/21, due: 2020-12-31, status: in progress, progress: 10, rag: amber}
      - {ref: RS-04, title: Review the backup contract, owner: Nobody Known,
         partners: all, plan_year: 2020/21, due: 2021-02-26, status: not started, progress: 0, rag: green}
  - code: WF
    name: Workforce
    actions:
      - {ref: WF-01, title: Roll out new laptops, owner: Jane Smith, owner_email: jane.smith@midkent.gov.uk,
         partners: Swale, plan_year: 2020/21, due: 2021-06-30, status: not started, progress: 0, rag: green}
"""

JANE = ("Jane Smith", "jane.smith@midkent.gov.uk")
SAM = ("Sam Patel", "sam.patel@midkent.gov.uk")


async def load_cycle_plan(store: Store, *, platform: str = "local", jane: str = "jane", sam: str = "sam") -> None:
    """The plan, its owners as users on `platform`, and the two Board meetings."""
    await store.import_plan(parse_plan(PLAN_YAML, "yaml"), now=IMPORTED)
    await store.ensure_user(f"{platform}:{jane}", JANE[0], email=JANE[1])
    await store.ensure_user(f"{platform}:{sam}", SAM[0], email=SAM[1])
    await store.add_board_meeting(PREVIOUS_BOARD, actor_key=None, note="Autumn Board", now=IMPORTED)
    await store.add_board_meeting(BOARD, actor_key=None, note="Winter Board", now=IMPORTED)
