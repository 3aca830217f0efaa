"""One line of usage and one example per command: the help text and every usage error come from here."""

from __future__ import annotations

from dataclasses import dataclass

from storage import TicketRef

#: The request reference the examples use.
EXAMPLE_TICKET = TicketRef(42)


@dataclass(frozen=True, slots=True)
class Usage:
    command: str
    syntax: str
    example: str
    summary: str
    agents_only: bool = False


USAGE: dict[str, Usage] = {
    u.command: u
    for u in (
        Usage("status", "status [THEME|ACTION]", "status RS", "How the ICT Strategy is going, by theme"),
        Usage("actions", "actions [mine|THEME|overdue]", "actions overdue", "List action plan items"),
        Usage(
            "update",
            "update ACTION PERCENT [red|amber|green] NOTE",
            "update RS-03 60 amber Firewall replacement slipped to May",
            "Post progress on an action you own",
        ),
        Usage("history", "history ACTION", "history RS-03", "Every progress update on an action"),
        Usage("support", "support DESCRIPTION", "support my laptop will not connect to the VPN", "Ask ICT for help"),
        Usage("tickets", "tickets", "tickets", "Your open support requests"),
        Usage("ticket", "ticket REF", f"ticket {EXAMPLE_TICKET}", "One support request and its history"),
        Usage(
            "comment",
            "comment REF TEXT",
            f"comment {EXAMPLE_TICKET} It happens on the office wifi too",
            "Add to a request",
        ),
        Usage(
            "queue",
            "queue [P1-P4|mine|unassigned]",
            "queue unassigned",
            "Open requests by priority and age",
            agents_only=True,
        ),
        Usage(
            "assign", "assign REF [PERSON]", f"assign {EXAMPLE_TICKET}", "Take a request (or give it to an agent)", True
        ),
        Usage("priority", "priority REF P1-P4", f"priority {EXAMPLE_TICKET} P2", "Change a request's priority", True),
        Usage(
            "waiting",
            "waiting REF QUESTION",
            f"waiting {EXAMPLE_TICKET} Which building are you in?",
            "Ask the requester for information",
            True,
        ),
        Usage(
            "resolve", "resolve REF NOTE", f"resolve {EXAMPLE_TICKET} Reset the VPN profile", "Resolve a request", True
        ),
        Usage("whoami", "whoami", "whoami", "Your user key and roles"),
        Usage("help", "help", "help", "This list"),
    )
}


def usage_line(command: str) -> str:
    u = USAGE[command]
    return f"Usage: {u.syntax}  (for example: {u.example})"
