"""Property: whatever anyone types, the assistant answers with a reply or a clear error; it never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import Assistant, Origin, Sender

WORDS = [
    "status",
    "update",
    "support",
    "ticket",
    "assign",
    "resolve",
    "queue",
    "actions",
    "priority",
    "RS-03",
    "ICT-1",
    "ICT-",
    "150",
    "-1",
    "red",
    "mine",
    "overdue",
    "@ICT",
    "/ict",
    "<@U1>",
    "<at>x</at>",
    "\n",
    "%",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=20)), max_size=8).map(" ".join))
async def test_any_input_gets_a_reply_and_never_an_unexpected_error(assistant: Assistant, typed: str):
    sender = Sender(key="local:fuzz", display_name="Fuzz")
    outcome = await assistant.handle(typed, sender, Origin(platform="local"))
    assert outcome.reply is not None and (outcome.reply.title or outcome.reply.text).strip()
    assert outcome.status != "error", outcome.reply.text
