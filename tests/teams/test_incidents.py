"""Major incidents in Teams, through the real CloudAdapter and the fake Bot Connector: set-announce chooses
the announcement channel; opening an incident is posted there and in the triage channel; a matching new
request is offered the incident with an Action.Execute button; resolving the incident resolves its three
linked requests, each requester told once in their personal chat."""

from __future__ import annotations

from tests.teams.conftest import TeamsUser, execute_invoke

ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")
PEOPLE = [
    TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk"),
    TeamsUser("aad-ria", "Ria Patel", "ria.patel@swale.gov.uk"),
    TeamsUser("aad-tom", "Tom Ward", "tom.ward@tunbridgewells.gov.uk"),
]
DESK, NEWS = "19:desk@thread.tacv2", "19:news@thread.tacv2"


def _actions(node) -> list[dict]:
    """Every action in a card, wherever it sits (the card's actions, or an item's action set)."""
    found = []
    if isinstance(node, dict):
        if node.get("type", "").startswith("Action."):
            found.append(node)
        for value in node.values():
            found += _actions(value)
    elif isinstance(node, list):
        for value in node:
            found += _actions(value)
    return found


async def test_an_incident_is_announced_offered_and_resolves_its_three_requests(teams, validate_card):
    store = teams.runtime.store
    for role in ("agent", "admin"):
        await store.set_role(ALEX.key, role, True, display_name=ALEX.name)
    await teams.say(ALEX, "set-triage", kind="channel", mention=True, conversation=DESK)
    said = await teams.say(ALEX, "set-announce", kind="channel", mention=True, conversation=NEWS)
    assert "Major incidents will be announced in this conversation." in said.text

    await teams.say(ALEX, "incident open VPN down for home workers")
    await teams.runtime.outbox.drain()
    [desk] = [c for c in teams.connector.sent_to(DESK) if "Major incident INC-1" in c.text]
    [news] = [c for c in teams.connector.sent_to(NEWS) if "Major incident INC-1" in c.text]
    validate_card(news.card)
    assert "link ICT-42 INC-1" in desk.text and "no need to raise a request" in news.text

    sam, ria, tom = PEOPLE
    raised = await teams.say(sam, "support my vpn keeps dropping out")
    validate_card(raised.card)
    [join] = [
        a for a in _actions(raised.card) if a["type"] == "Action.Execute" and a.get("title") == "Add ICT-1 to INC-1"
    ]
    response = await teams.post(execute_invoke(teams, sam, join))
    assert response.status == 200
    assert "ICT-1 is part of INC-1" in (await response.json())["value"]["fallbackText"]
    await teams.say(ria, "support cannot connect to the VPN at all this morning")
    await teams.say(ria, "join INC-1 ICT-2")
    await teams.say(tom, "support vpn says the server is not responding")
    assert "ICT-3 is part of INC-1" in (await teams.say(ALEX, "link ICT-3 INC-1")).text
    await teams.runtime.outbox.drain()
    before = {p.aad: len(teams.connector.sent_to(f"a:personal-{p.aad}")) for p in PEOPLE}

    done = await teams.say(ALEX, "incident resolve INC-1 Restarted the VPN concentrator")
    assert "3 linked requests resolved" in done.text
    await teams.runtime.outbox.drain()
    for person in PEOPLE:
        told = teams.connector.sent_to(f"a:personal-{person.aad}")[before[person.aad] :]
        assert len(told) == 1, (person.name, [c.text for c in told])
        assert "Restarted the VPN concentrator" in told[0].text
    assert any("Fixed: INC-1" in c.text for c in teams.connector.sent_to(NEWS))
    assert any("Fixed: INC-1" in c.text for c in teams.connector.sent_to(DESK))
