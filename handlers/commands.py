"""Every command the assistant knows, in the order help lists them. Each is declared beside its code."""

from __future__ import annotations

from handlers import (
    admin,
    cycle,
    desk,
    desk_report,
    incidents,
    kb,
    people,
    plan_upload,
    requester,
    satisfaction,
    strategy,
    support,
    whoami,
)
from handlers.help import COMMANDS as HELP
from handlers.registry import Registry

ALL_COMMANDS = Registry(
    (
        *strategy.COMMANDS,
        *support.COMMANDS,
        *desk.COMMANDS,
        *desk_report.COMMANDS,
        *requester.COMMANDS,
        *incidents.COMMANDS,
        *kb.COMMANDS,
        *satisfaction.COMMANDS,
        *admin.COMMANDS,
        *people.COMMANDS,
        *cycle.COMMANDS,
        *plan_upload.COMMANDS,
        *whoami.COMMANDS,
        *HELP,
    )
)
