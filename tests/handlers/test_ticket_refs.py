"""Commands read a request reference however people type it, and show it one way."""

from __future__ import annotations

import re


async def test_every_typed_form_of_a_reference_reaches_the_request(person, agent):
    rob = person("Rob")
    ref = re.search(r"ICT-\d+", await rob.say("support printer jammed")).group(0)
    number = ref.removeprefix("ICT-")
    for typed in (ref, ref.lower(), f"ict {number}", f"ICT{number}", f"#{number}", number, f"ICT-00{number}"):
        outcome = await rob.send(f"ticket {typed}")
        assert outcome.status == "ok" and outcome.reply.title.startswith(f"{ref} "), typed
    assert f"{ref} is assigned to Alex" in await agent.say(f"assign ict {number}")
    assert f"{ref} is resolved" in await agent.say(f"resolve #{number} Cleared the paper path")


async def test_a_bad_reference_is_explained_with_the_usage(person):
    outcome = await person("Rob").send("ticket ICT-42x")
    assert outcome.status == "usage"
    assert outcome.reply.text.startswith("'ICT-42x' is not a request reference like ICT-42.\nUsage: ticket REF")
    assert "Which request? Give its reference." in (await person("Rob").send("comment")).reply.text
