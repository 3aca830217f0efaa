"""What people are told when storage refuses: storage says what happened as data, handlers/problems.py
chooses the words, and the words are the ones people were always shown."""

from __future__ import annotations

import re

import pytest

from handlers.problems import problem_text
from storage import Conflict, InvalidInput, NotFound, PermissionDenied, StorageError, TicketRef
from storage.records import Origin

HERE = Origin(platform="local", conversation="local:test")


async def _raise(person) -> str:
    return re.search(r"ICT-\d+", await person.say("support printer jammed")).group(0)


async def _told(person, command: str) -> tuple[str, str]:
    outcome = await person.send(command)
    return outcome.reply.text, outcome.status


async def test_request_refusals_are_worded_as_before(person, agent, seeded_store, assistant, clock):
    usage_line = assistant.commands.usage_line
    rob, eve = person("Rob"), person("Eve")
    ref = await _raise(rob)
    assert await _told(eve, f"ticket {ref}") == (
        f"I can't find {ref}. Type 'tickets' to see your open requests.",
        "not_found",
    )
    assert await _told(eve, "ticket ICT-99999") == (
        "I can't find ICT-99999. Type 'tickets' to see your open requests.",
        "not_found",
    )
    assert await _told(eve, f"comment {ref} me too") == (f"I can't find {ref}.", "not_found")
    assert await _told(agent, "assign ICT-99999") == ("I can't find ICT-99999.", "not_found")
    # The command list refuses non-agents before storage is asked, in the same words.
    assert await _told(rob, f"resolve {ref} fixed it") == ("Only the ICT service desk (agents) can do that.", "denied")
    assert await _told(eve, f"resolve {ref} fixed it") == ("Only the ICT service desk (agents) can do that.", "denied")
    assert await _told(eve, "queue") == ("The queue is for the ICT service desk (agents) only.", "denied")
    await seeded_store.ensure_user("local:sam", "Sam")
    assert await _told(agent, f"assign {ref} local:sam") == (
        f"Requests can only be assigned to ICT agents.\n{usage_line('assign')}",
        "usage",
    )
    await agent.say(f"assign {ref}")
    assert await _told(agent, f"assign {ref}") == (f"{ref} is already assigned to Alex.", "conflict")
    assert await _told(agent, f"priority {ref} P3") == (f"{ref} is already P3.", "conflict")
    await agent.say(f"resolve {ref} Cleared the paper path")
    assert await _told(agent, f"resolve {ref} again") == (f"{ref} is already resolved.", "conflict")
    assert await _told(rob, f"comment {ref} still jammed") == (  # within the window it can be reopened
        f"{ref} is resolved. If the problem is back, reopen it and the service desk will pick it up.",
        "ok",
    )
    clock.advance(days=30)
    assert await _told(rob, f"comment {ref} still jammed") == (
        f"{ref} is resolved; raise a new request if the problem is back.",
        "conflict",
    )


async def test_plan_refusals_are_worded_as_before(person, seeded_store, assistant):
    usage_line = assistant.commands.usage_line
    action = await seeded_store.get_action("RS-03")
    assert await _told(person("Eve"), "update RS-03 50 green done") == (
        f"RS-03 belongs to {action.owner}, and your account has no email I can match to {action.owner}'s. "
        "An admin can add your email with: set-email local:eve ADDRESS, or link you to it with: owner RS-03 local:eve.",
        "denied",
    )
    assert await _told(person("Eve"), "update ZZ-99 50 green done") == ("There is no action ZZ-99.", "not_found")
    assert await _told(person("Eve"), "status ZZ-99") == (
        f"There is no action ZZ-99. Type 'actions' to list them.\n{usage_line('status')}",
        "usage",
    )
    assert await _told(person("Eve"), "history ZZ-99") == (
        f"There is no action ZZ-99.\n{usage_line('history')}",
        "usage",
    )


async def _error(call) -> StorageError:
    with pytest.raises(StorageError) as raised:
        await call
    return raised.value


async def test_every_storage_refusal_has_its_sentence(seeded_store):
    """The sentences storage itself used to carry, now chosen here from what the errors say."""
    s = seeded_store
    await s.ensure_user("local:rob", "Rob")
    await s.set_role("local:alex", "agent", True, display_name="Alex")
    t = await s.create_ticket("local:rob", summary="Printer", origin=HERE)
    expected = [
        (lambda: s.set_role("local:x", "wizard", True), "Unknown role 'wizard'. Roles are: agent, admin, lead."),
        (
            lambda: s.set_role("nocolon", "agent", True),
            "'nocolon' is not a user key like slack:U012AB3CD, teams:<aad id> or local:name.",
        ),
        (
            lambda: s.set_role("local:nobody", "agent", False),
            "No user local:nobody: nobody with that key has talked to the bot or been given a role.",
        ),
        (lambda: s.set_user_email("local:rob", "rob@"), "'rob@' is not an email address."),
        (lambda: s.set_user_email("local:nobody", "n@x.gov.uk"), "No user local:nobody."),
        (lambda: s.get_user("local:nobody"), "No user local:nobody."),
        (
            lambda: s.record_action_update("RS-03", "local:rob", progress=101, rag=None, note="x"),
            "Progress is a whole number from 0 to 100.",
        ),
        (
            lambda: s.record_action_update("RS-03", "local:rob", progress=5, rag=None, note=" "),
            "A note is required: say what changed.",
        ),
        (
            lambda: s.record_action_update("RS-03", "local:rob", progress=5, rag="pink", note="x"),
            "RAG is red, amber or green.",
        ),
        (lambda: s.get_action("zz-9"), "There is no action ZZ-9."),
        (
            lambda: s.create_ticket("local:rob", summary="  ", origin=HERE),
            "A request needs a summary: say what is wrong.",
        ),
        (
            lambda: s.create_ticket("local:rob", summary="x", category="cake", origin=HERE),
            "Unknown category 'cake'. Use one of: access, network, hardware, software, security incident, email, telephony, other.",
        ),
        (
            lambda: s.create_ticket("local:rob", summary="x", priority="P9", origin=HERE),
            "Priority is P1, P2, P3 or P4.",
        ),
        (lambda: s.create_ticket("local:nobody", summary="x", origin=HERE), "No user local:nobody."),
        (lambda: s.set_ticket_priority(t.ref, "local:alex", "P0"), "Priority is P1, P2, P3 or P4."),
        (lambda: s.set_ticket_waiting(t.ref, "local:alex", " "), "Say what you need from the requester."),
        (lambda: s.resolve_ticket(t.ref, "local:alex", ""), "A resolution note is required: say what fixed it."),
        (lambda: s.add_comment(t.ref, "local:rob", " "), "Say what you want to add to the request."),
        (lambda: s.get_ticket("ICT-abc", "local:rob"), "'ICT-abc' is not a request reference like ICT-42."),
        (lambda: s.get_ticket_unchecked(99999), "I can't find ICT-99999."),
        (lambda: s.resolve_ticket(t.ref, "local:rob", "fixed it"), f"Only the ICT service desk can change {t.ref}."),
        (lambda: s.assign_ticket(t.ref, "local:nobody"), "Only the ICT service desk (agents) can do that."),
        (lambda: s.queue("local:rob"), "The queue is for the ICT service desk (agents) only."),
        (lambda: s.mark_notification_failed(99999, "boom"), "No notification 99999."),
    ]
    for call, sentence in expected:
        assert problem_text(await _error(call())) == sentence


def test_errors_carry_data_and_unknown_cases_still_read_as_sentences():
    assert problem_text(NotFound("widget", "W-1")) == "I can't find W-1."
    assert problem_text(InvalidInput("due_date", "malformed", value="soon")) == "That due date is not valid."
    assert (
        problem_text(Conflict("locked", TicketRef(3), current="locked")) == "ICT-3 can't be changed now: it is locked."
    )
    assert problem_text(PermissionDenied("export", "admin")) == "You can't do that."
    assert str(NotFound("request", TicketRef(3))) == "NotFound(kind='request', key='ICT-3', reason=None)"
