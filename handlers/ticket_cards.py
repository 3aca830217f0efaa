"""How a support request is shown: its card, its row in a list, its SLA target and the desk's buttons."""

from __future__ import annotations

from handlers.formatting import clip, local_time, until, when
from handlers.reply import Button, Field, Item, Reply
from storage import SlaPolicy
from storage.records import Remark, TicketRecord
from storage.sla import split_target

PRIORITY_WORDS = {"P1": "critical", "P2": "high", "P3": "normal", "P4": "low"}
#: What each score of "How did we do?" means, said beside it (never a colour or a number alone).
SCORE_WORDS = {1: "Very poor", 2: "Poor", 3: "OK", 4: "Good", 5: "Excellent"}
SLA_RAG = {"breached": "red", "at risk": "amber", "on track": "green", "met": "green"}


def sla_target(sla: SlaPolicy, priority: str) -> str:
    """'8 working hours', '3 working days', or for a priority whose clock never stops, '4 hours'."""
    number, unit = split_target(sla.targets[priority])
    amount = f"{number:g}"
    word = {"m": "minute", "h": "hour", "d": "day"}[unit]
    working = "" if priority in sla.all_hours or unit == "m" else "working "
    return f"{amount} {working}{word}{'' if amount == '1' else 's'}"


def score_text(score: int) -> str:
    """'2/5 (Poor)'."""
    return f"{score}/5 ({SCORE_WORDS.get(score, '?')})"


def rating_buttons(ref: str) -> tuple[Button, ...]:
    """ "How did we do?": one button a score, each running `rate REF N`."""
    return tuple(Button(f"{n} {word}", "rate", f"{ref} {n}") for n, word in SCORE_WORDS.items())


def rating_text(t: TicketRecord) -> str:
    """The requester's rating, with their comment: '2/5 (Poor): “took three days”'; "" when not rated."""
    if t.rating is None:
        return ""
    return score_text(t.rating) + (f": \u201c{t.rating_comment}\u201d" if t.rating_comment else "")


def agent_buttons(t: TicketRecord) -> tuple[Button, ...]:
    if not t.is_open:
        return ()
    return (
        Button("Assign to me", "assign", t.ref, style="primary"),
        Button("Resolve", "resolve", t.ref),
        Button("Priority", "priority", t.ref),
    )


#: How a request's work setting is said (storage.enums.WorkSetting values).
SETTING_WORDS = {"home": "at home", "office": "in a council office", "borough": "out in the borough"}


def _remark(r: Remark, now) -> str:
    return f"{clip(r.text, 300)} ({r.by}, {when(r.at, now)})"


def ticket_fields(t: TicketRecord, now, *, for_agent: bool = False) -> tuple[Field, ...]:
    fields = [
        Field("Status", t.status),
        Field("Priority", f"{t.priority} ({PRIORITY_WORDS[t.priority]})"),
        Field("Category", t.category),
        Field("Requester", t.requester_name + (f", {t.council}" if t.council else "")),
        Field("Assigned to", t.assignee_name or "nobody yet"),
        Field("Raised", when(t.created_at, now)),
        Field(
            "SLA", f"{t.sla_state(now)}, " + (until(t.sla_due, now) if t.is_open else f"target {local_time(t.sla_due)}")
        ),
    ]
    setting = SETTING_WORDS.get(t.work_setting or "")
    if t.location or setting:
        fields.append(Field("Working from", ", ".join(w for w in (setting, t.location) if w)))
    if t.contact:
        fields.append(Field("Contact", t.contact))
    if t.linked_actions:
        fields.append(Field("Linked to", ", ".join(t.linked_actions)))
    if t.incident_number is not None:
        fields.append(Field("Part of", f"INC-{t.incident_number}"))
    if t.resolution:
        fields.append(Field("Resolution", t.resolution))
    if t.latest_comment is not None:
        label = "Requester replied" if for_agent and t.requester_replied_at is not None else "Latest comment"
        fields.append(Field(label, _remark(t.latest_comment, now)))
    if for_agent and t.latest_note is not None:
        fields.append(Field("Internal note (desk only)", _remark(t.latest_note, now)))
    if t.rating is not None:
        fields.append(Field("Rated by the requester", rating_text(t)))
    return tuple(fields)


def ticket_card(t: TicketRecord, now, *, for_agent: bool, title_prefix: str = "") -> Reply:
    return Reply(
        title=f"{title_prefix}{t.ref} {t.summary}",
        text=t.description if t.description and t.description != t.summary else "",
        fields=ticket_fields(t, now, for_agent=for_agent),
        buttons=agent_buttons(t) if for_agent else (),
    )


def ticket_item(t: TicketRecord, now, *, for_agent: bool) -> Item:
    state = t.sla_state(now)
    replied = (
        f" · requester replied {when(t.requester_replied_at, now)}"
        if for_agent and t.requester_replied_at is not None
        else ""
    )
    return Item(
        title=f"{t.ref} {clip(t.summary, 80)}",
        rag=SLA_RAG.get(state),
        text=f"{t.priority} · {t.status} · {t.category} · raised {when(t.created_at, now)} by {t.requester_name}{replied}",
        fields=(Field("SLA", f"{state}, {until(t.sla_due, now)}"), Field("Assigned to", t.assignee_name or "nobody")),
        buttons=agent_buttons(t) if for_agent else (),
    )
