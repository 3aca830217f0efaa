"""A representative set of what the bot shows, made by the real assistant on the seeded sample plan: the
strategy views, a person's requests, the desk's queue and triage post, forms, self-help, errors, and the
notices people are sent."""

from __future__ import annotations

from handlers import Reply
from handlers.notices import desk_alert, person_notice, triage_post
from storage.enums import NoticeKind
from storage.records import NotificationRecord


def _notice(kind: NoticeKind, number: int, **payload) -> NotificationRecord:
    return NotificationRecord(
        id=0, request_number=number, kind=kind, channel="teams", recipient_key=None, payload=payload, attempts=0
    )


async def representative_replies(person, agent, admin, store, clock) -> list[tuple[str, Reply]]:
    rita = person("Rita")
    said: list[tuple[str, Reply]] = []

    async def take(name: str, who, text: str) -> None:
        outcome = await who.send(text)
        assert outcome.reply is not None, text
        said.append((name, outcome.reply))

    await take("raised", rita, "support The printer on floor 2 of Maidstone House jams on every job")
    await take("status", rita, "status")
    await take("status-theme", rita, "status RS")
    await take("status-action", rita, "status RS-03")
    await take("overdue", rita, "actions overdue")
    await take("help", rita, "help")
    await take("whoami", rita, "whoami")
    await take("history", rita, "history RS-03")
    await take("tickets", rita, "tickets")
    await take("ticket", rita, "ticket ICT-1")
    await take("support-form", rita, "support")
    await take("update-form", admin, "update")
    await take("self-help", rita, "my VPN keeps dropping when I work from home")
    await take("kb-article", rita, "kb vpn-keeps-dropping")
    await take("not-understood", rita, "frobnicate the wibble")
    await take("bad-usage", rita, "status ZZ-99")
    await take("queue", agent, "queue")
    ticket = await store.get_ticket_unchecked(1)
    said.append(("triage-post", triage_post(_notice(NoticeKind.NEW_REQUEST, 1), ticket, clock())))
    await take("assigned", agent, "assign ICT-1")
    ticket = await store.get_ticket_unchecked(1)
    said.append(("notice-resolved", person_notice(_notice(NoticeKind.RESOLVED, 1, note="Cleared the jam"), ticket)))
    said.append(("notice-waiting", person_notice(_notice(NoticeKind.WAITING, 1, note="Which tray?"), ticket)))
    said.append(("notice-commented", person_notice(_notice(NoticeKind.COMMENTED, 1, note="On my way"), ticket)))
    at_risk = desk_alert(_notice(NoticeKind.SLA_AT_RISK, 1), ticket)
    assert at_risk is not None
    said.append(("alert-sla-at-risk", at_risk))
    return said
