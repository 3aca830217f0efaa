"""What requesters and the service desk are told when a request moves, as replies every channel renders.

The outbox's deliverers (Slack, Teams) and the console take their words from here, so a notice reads the
same wherever it arrives.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers.formatting import clip, local_time
from handlers.reply import Reply, Tone
from handlers.ticket_cards import PRIORITY_WORDS, rating_buttons, score_text, ticket_card
from storage.enums import NoticeKind
from storage.ratings import LOW_SCORE
from storage.records import NotificationRecord, TicketRecord

NOTICE_TITLE = {
    NoticeKind.ASSIGNED: "Your request is being handled",
    NoticeKind.WAITING: "We need something from you",
    NoticeKind.RESOLVED: "Resolved",
    NoticeKind.PRIORITY: "Priority changed",
    NoticeKind.SLA_AT_RISK: "SLA at risk",
    NoticeKind.REQUESTER_REPLIED: "The requester replied",
    NoticeKind.SLA_BREACHED: "SLA breached",
    NoticeKind.REOPENED: "Reopened",
    NoticeKind.WITHDRAWN: "Withdrawn",
    NoticeKind.RATED: "How we did",
}
NOTICE_TONE = {
    NoticeKind.ASSIGNED: Tone.INFO,
    NoticeKind.WAITING: Tone.WARNING,
    NoticeKind.RESOLVED: Tone.SUCCESS,
    NoticeKind.SLA_AT_RISK: Tone.WARNING,
    NoticeKind.SLA_BREACHED: Tone.ERROR,
}
#: How long a notice's one-sentence preview may be (a phone's notification shows about this much).
SUMMARY_LENGTH = 150
#: What the resolved notice asks the requester, above its score buttons.
HOW_DID_WE_DO = "How did we do?"


def notice_text(notice: NotificationRecord, ticket: TicketRecord) -> str:
    """The words a person is told about their request (or, for a comment, the request they work on)."""
    by = notice.payload.get("by", "The service desk")
    note = notice.payload.get("note", "")
    if notice.kind == NoticeKind.ASSIGNED:
        assignee = notice.payload.get("assignee") or ticket.assignee_name or by
        return f"{ticket.ref} \u201c{ticket.summary}\u201d is now with {assignee}."
    if notice.kind == NoticeKind.WAITING:
        return (
            f"{by} needs something from you for {ticket.ref} \u201c{ticket.summary}\u201d: {note}\n"
            f"Reply with: comment {ticket.ref} YOUR ANSWER"
        )
    if notice.kind == NoticeKind.RESOLVED:
        return (
            f"{ticket.ref} \u201c{ticket.summary}\u201d is resolved by {by}: {note}\n"
            f"Still a problem? Reply with: reopen {ticket.ref} WHAT IS STILL WRONG\n"
            f"{HOW_DID_WE_DO} Choose a score, or reply with: rate {ticket.ref} 1-5 [COMMENT] "
            "(1 very poor, 5 excellent)"
        )
    if notice.kind == NoticeKind.RATED:
        return f"{rated(notice, ticket)}\nSee it with: ticket {ticket.ref}"
    if notice.kind == NoticeKind.LOW_RATING:
        assignee = f" It was with {ticket.assignee_name}." if ticket.assignee_name else ""
        return f"{rated(notice, ticket)}{assignee}\nSee it with: ticket {ticket.ref}"
    if notice.kind == NoticeKind.REQUESTER_REPLIED:
        return (
            f"{by} added to {ticket.ref} “{ticket.summary}”, which nobody is assigned: {note}\n"
            f"Take it with: assign {ticket.ref}"
        )
    if notice.kind in (NoticeKind.SLA_AT_RISK, NoticeKind.SLA_BREACHED):
        state = "is at risk of missing its SLA" if notice.kind == NoticeKind.SLA_AT_RISK else "has missed its SLA"
        due = "is due" if notice.kind == NoticeKind.SLA_AT_RISK else "was due"
        return (
            f"{ticket.ref} “{ticket.summary}” ({ticket.priority}, {ticket.status}) {state}: it {due} by "
            f"{local_time(ticket.sla_due)}.\nSee it with: ticket {ticket.ref}"
        )
    if notice.kind == NoticeKind.PRIORITY:
        new = notice.payload.get("new", ticket.priority)
        return (
            f"{by} changed {ticket.ref} “{ticket.summary}” from {notice.payload.get('old', '?')} to {new}"
            f" ({PRIORITY_WORDS.get(new, new)}); the target is now {local_time(ticket.sla_due)}."
        )
    if notice.kind == NoticeKind.REOPENED:
        return f"{by} reopened {ticket.ref} “{ticket.summary}”: {note}\nReply with: comment {ticket.ref} YOUR REPLY"
    if notice.kind == NoticeKind.WITHDRAWN:
        why = f": {note}" if note else "."
        return f"{by} withdrew {ticket.ref} “{ticket.summary}”; it is closed{why}"
    if notice.kind == NoticeKind.COMMENTED:
        return (
            f"{by} added to {ticket.ref} \u201c{ticket.summary}\u201d: {note}\n"
            f"Reply with: comment {ticket.ref} YOUR REPLY"
        )
    return f"{ticket.ref} \u201c{ticket.summary}\u201d: {ticket.status}."


def notice_summary(notice: NotificationRecord, ticket: TicketRecord) -> str:
    """The notice in one sentence, for previews: 'ICT-42 resolved: Replaced the display cable'."""
    by = notice.payload.get("by", "The service desk")
    about = notice.payload.get("note") or ticket.summary
    ref = ticket.ref
    if notice.kind == NoticeKind.ASSIGNED:
        said = f"{ref} is now with {notice.payload.get('assignee') or ticket.assignee_name or by}: {ticket.summary}"
    elif notice.kind == NoticeKind.WAITING:
        said = f"{ref} needs something from you: {about}"
    elif notice.kind == NoticeKind.RESOLVED:
        said = f"{ref} resolved: {about}"
    elif notice.kind in (NoticeKind.RATED, NoticeKind.LOW_RATING):
        said = rated(notice, ticket)
    elif notice.kind == NoticeKind.REQUESTER_REPLIED:
        said = f"{by} added to {ref}, which nobody is assigned: {about}"
    elif notice.kind == NoticeKind.SLA_AT_RISK:
        said = f"{ref} is at risk of missing its SLA, due {local_time(ticket.sla_due)}: {ticket.summary}"
    elif notice.kind == NoticeKind.SLA_BREACHED:
        said = f"{ref} has missed its SLA, due {local_time(ticket.sla_due)}: {ticket.summary}"
    elif notice.kind == NoticeKind.PRIORITY:
        said = f"{ref} is now {notice.payload.get('new', ticket.priority)}: {ticket.summary}"
    elif notice.kind == NoticeKind.REOPENED:
        said = f"{by} reopened {ref}: {about}"
    elif notice.kind == NoticeKind.WITHDRAWN:
        said = f"{by} withdrew {ref}: {about}"
    elif notice.kind == NoticeKind.COMMENTED:
        said = f"{by} added to {ref}: {about}"
    else:
        said = f"{ref} is {ticket.status}: {ticket.summary}"
    return clip(said, SUMMARY_LENGTH)


def rated(notice: NotificationRecord, ticket: TicketRecord) -> str:
    """'Rita rated ICT-4 “VPN drops” 2/5 (Poor): “took three days”', or how she changed her rating."""
    by = notice.payload.get("by", "The requester")
    score, previous = notice.payload.get("score"), notice.payload.get("previous")
    comment = notice.payload.get("comment") or ""
    what = f"{ticket.ref} \u201c{ticket.summary}\u201d"
    if previous is None:
        said = f"{by} rated {what} {score_text(score)}"
    elif previous == score:
        said = f"{by} commented on their rating of {what}, {score_text(score)}"
    else:
        said = f"{by} changed their rating of {what} from {previous}/5 to {score_text(score)}"
    return said + (f": \u201c{comment}\u201d." if comment else ".")


def _low(notice: NotificationRecord) -> bool:
    return (notice.payload.get("score") or 0) <= LOW_SCORE


def person_notice(notice: NotificationRecord, ticket: TicketRecord) -> Reply:
    """A notice to one person (the requester, or the assignee of a comment); the resolved notice asks the
    requester how we did, with a button for each score."""
    title = NOTICE_TITLE.get(notice.kind, ticket.ref)
    tone = NOTICE_TONE.get(notice.kind, Tone.INFO)
    if notice.kind == NoticeKind.RATED:
        tone = Tone.WARNING if _low(notice) else Tone.INFO
    elif notice.kind == NoticeKind.LOW_RATING:  # to the desk: a low score, or a change from one
        title, tone = ("Low rating", Tone.WARNING) if _low(notice) else ("Rating changed", Tone.INFO)
    buttons = rating_buttons(ticket.ref) if notice.kind == NoticeKind.RESOLVED else ()
    return Reply(
        title=title,
        text=notice_text(notice, ticket),
        tone=tone,
        buttons=buttons,
        summary=clip(f"{title}: {rated(notice, ticket)}", SUMMARY_LENGTH)
        if notice.kind == NoticeKind.LOW_RATING
        else notice_summary(notice, ticket),
    )


#: Triage notices that are also said in the triage channel, as a message of their own (besides the refresh).
DESK_ALERTS = frozenset(
    {NoticeKind.SLA_AT_RISK, NoticeKind.SLA_BREACHED, NoticeKind.REQUESTER_REPLIED, NoticeKind.LOW_RATING}
)


def desk_alert(notice: NotificationRecord, ticket: TicketRecord) -> Reply | None:
    """What the triage channel is told about `notice` as a message of its own (an SLA at risk or breached),
    beside the refresh of the request's triage post; None for notices that only refresh it."""
    if notice.kind not in DESK_ALERTS:
        return None
    return person_notice(notice, ticket)


def triage_post(notice: NotificationRecord, ticket: TicketRecord, now: datetime) -> Reply:
    """The desk's post of a request, with its buttons: titled "New request:" when it is first posted; the
    refreshes after later changes show the request as it now is."""
    if notice.kind == NoticeKind.NEW_REQUEST:
        said = f"New request {ticket.ref} from {ticket.requester_name}: {ticket.summary}"
        card = ticket_card(ticket, now, for_agent=True, title_prefix="New request: ")
    else:
        said = f"{ticket.ref} is {ticket.status}: {ticket.summary}"
        card = ticket_card(ticket, now, for_agent=True)
    return replace(card, again=f"ticket {ticket.ref}", summary=clip(said, SUMMARY_LENGTH))


def desk_not_reached(ticket: TicketRecord, where: str, error: str) -> Reply:
    """To the requester, when their new request could not be posted to the desk's `where` (given up)."""
    return Reply(
        tone=Tone.WARNING,
        text=f"{ticket.ref} \u201c{ticket.summary}\u201d is saved, but I couldn't post it to the service desk's "
        f"{where} ({error}). It is in their queue; if it is urgent, please also phone the service desk.",
        summary=clip(
            f"{ticket.ref} is saved, but it did not reach the service desk's {where} ({error})", SUMMARY_LENGTH
        ),
    )
