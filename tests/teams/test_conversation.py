"""Teams conversations through the real stack: HTTP into /api/messages, the real CloudAdapter (local mode),
replies recorded by the fake Bot Connector."""

from __future__ import annotations

import logging

import pytest

from handlers.commands import ALL_COMMANDS
from handlers.registry import Who
from tests.teams.conftest import BOT_ID, TENANT, TeamsUser, execute_invoke

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")


def ok_count(teams, command: str) -> float:
    value = teams.runtime.metrics.registry.get_sample_value(
        "ictbot_commands_total", {"channel": "teams", "command": command, "outcome": "ok"}
    )
    return value or 0.0


@pytest.fixture
async def agent(teams):
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await teams.runtime.store.set_role(ALEX.key, "admin", True, display_name=ALEX.name)
    return ALEX


@pytest.mark.parametrize("typed", ["status", "ict status", "/ict status", "@ICT status"])
async def test_status_however_it_is_typed(teams, typed, validate_card):
    reply = await teams.say(SAM, typed)
    validate_card(reply.card)
    assert "ICT Strategy 2019-2024" in reply.text
    assert ok_count(teams, "status") == 1


@pytest.mark.parametrize("kind", ["groupChat", "channel"])
async def test_mention_is_removed_in_group_chats_and_channels(teams, kind):
    reply = await teams.say(SAM, "status", kind=kind, mention=True)
    assert reply.conversation == "19:general@thread.tacv2"
    assert "ICT Strategy 2019-2024" in reply.text
    assert reply.body["replyToId"].startswith("in-")  # threaded under the message


def mentioned(teams, user, text: str, kind: str = "channel") -> dict:
    """A message with the bot's <at> mention wherever `text` has it (Teams puts it where it was typed)."""
    mention = {
        "type": "mention",
        "text": "<at>ICT Assistant</at>",
        "mentioned": {"id": BOT_ID, "name": "ICT Assistant"},
    }
    return teams.activity(user, kind=kind, type="message", text=text, entities=[mention])


async def test_a_trailing_mention_is_removed(teams):
    before = len(teams.connector.sent)
    assert (await teams.post(mentioned(teams, SAM, "status <at>ICT Assistant</at>"))).status == 201
    [reply] = teams.connector.sent[before:]
    assert reply.text.startswith("ICT Strategy 2019-2024: action plan status")
    assert "29 actions across 6 themes" in reply.text  # the whole plan, not a filter named after the bot


async def test_a_mention_in_the_middle_is_removed(teams):
    before = len(teams.connector.sent)
    assert (await teams.post(mentioned(teams, SAM, "please <at>ICT Assistant</at> wibble"))).status == 201
    [reply] = teams.connector.sent[before:]
    assert "\u201cplease wibble\u201d" in reply.text  # what was typed, without the mention
    assert "ICT Assistant" not in reply.text and "<at>" not in reply.text
    await teams.post(mentioned(teams, SAM, "support <at>ICT Assistant</at> the printer on floor 2 is jammed"))
    [ticket] = await teams.runtime.store.my_tickets(SAM.key)
    assert ticket.summary == "the printer on floor 2 is jammed"


#: Commands only the person who raised the request may run: the examples are typed by Sam, who raised ICT-1.
REQUESTER_ONLY = frozenset({"rate"})


async def test_every_command_works_from_teams(teams, agent, validate_card):
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    for command in ALL_COMMANDS:
        if command.who is Who.ADMINS:
            continue  # set-triage: test_set_triage_needs_an_admin_and_a_channel
        example = command.example.replace("ICT-42", "ICT-1").replace("INC-3", "INC-1")
        if command.name == "join":  # ICT-1 is resolved by now: join with a new request
            example = "join INC-1 the VPN is down for me too"
        reply = await teams.say(SAM if command.name in REQUESTER_ONLY else agent, example)
        validate_card(reply.card)
        assert ok_count(teams, command.name) >= 1, f"{example!r} -> {reply.text}"


async def test_sender_is_keyed_by_aad_object_id_with_email_from_the_roster(teams):
    teams.connector.members[SAM.channel_id] = {"id": SAM.channel_id, "name": SAM.name, "email": SAM.email}
    reply = await teams.say(SAM, "whoami")
    assert "teams:aad-sam" in reply.text
    assert SAM.email in reply.text
    await teams.say(SAM, "whoami")
    lookups = [c for c in teams.connector.calls if c.method == "GET"]
    assert len(lookups) == 1  # cached
    user = await teams.runtime.store.get_user(SAM.key)
    assert (user.display_name, user.email) == (SAM.name, SAM.email)


async def test_a_missing_roster_entry_does_not_stop_the_reply(teams):
    reply = await teams.say(SAM, "whoami")  # the fake roster answers 404
    assert "Email: unknown" in reply.text


async def test_explicit_request_is_raised_at_once_and_a_problem_gets_an_offer(teams, validate_card):
    raised = await teams.say(SAM, "support my laptop will not connect to the VPN")
    assert "ICT-1 raised" in raised.text
    offer = await teams.say(SAM, "the projector in room 5 is dead")
    card = validate_card(offer.card)
    assert "Shall I raise a support request?" in offer.text
    execute = [a for a in card["actions"] if a["type"] == "Action.Execute"]
    assert execute[0]["title"] == "Create request"
    assert execute[0]["fallback"]["type"] == "Action.Submit"


async def test_action_execute_creates_the_offered_request_and_returns_the_refreshed_card(teams, validate_card):
    offer = await teams.say(SAM, "the projector in room 5 is dead")
    button = offer.card["actions"][0]
    response = await teams.post(execute_invoke(teams, SAM, button))
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    validate_card(body["value"])
    assert "ICT-1 raised" in body["value"]["fallbackText"]
    ticket = await teams.runtime.store.get_ticket("ICT-1", SAM.key)
    assert ticket.summary == "the projector in room 5 is dead"
    assert ticket.origin.platform == "teams" and ticket.origin.reference["conversation"]["id"] == "a:personal-aad-sam"


async def test_the_same_create_request_invoked_twice_raises_one_request(teams):
    offer = await teams.say(SAM, "the projector in room 5 is dead")
    button = offer.card["actions"][0]
    answers = []
    for _ in range(2):  # the same card (replyToId), the same data: a double click or a retried invoke
        invoke = execute_invoke(teams, SAM, button) | {"replyToId": "card-offer-1"}
        answers.append((await (await teams.post(invoke)).json())["value"]["fallbackText"])
    assert all("ICT-1 raised" in answer for answer in answers)
    assert [t.ref for t in await teams.runtime.store.my_tickets(SAM.key)] == ["ICT-1"]
    invoke = execute_invoke(teams, SAM, button) | {"replyToId": "card-offer-2"}  # the offer made again
    again = (await (await teams.post(invoke)).json())["value"]["fallbackText"]
    assert "Is this about ICT-1?" in again  # a new press, of the same problem: ICT-1 is offered instead


async def test_action_execute_form_with_mistakes_keeps_the_card_and_says_what_to_fix(teams):
    form_card = (await teams.say(SAM, "support")).card
    submit = form_card["actions"][0]
    assert submit["verb"] == "support"
    response = await teams.post(execute_invoke(teams, SAM, submit, {"category": "network", "priority": "P3"}))
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "summary" in body["value"].lower()
    assert await teams.runtime.store.my_tickets(SAM.key) == []


async def test_action_execute_form_submission_raises_the_request(teams):
    submit = (await teams.say(SAM, "support")).card["actions"][0]
    values = {"category": "network", "priority": "P2", "summary": "VPN drops", "description": "Every 5 minutes"}
    body = await (await teams.post(execute_invoke(teams, SAM, submit, values))).json()
    assert "ICT-1 raised" in body["value"]["fallbackText"]
    [ticket] = await teams.runtime.store.my_tickets(SAM.key)
    assert (ticket.summary, ticket.priority, ticket.category) == ("VPN drops", "P2", "network")


async def test_action_submit_message_is_handled_the_same_way(teams):
    submit = (await teams.say(SAM, "support")).card["actions"][0]["fallback"]
    values = {
        "category": "email",
        "priority": "P3",
        "summary": "Outlook will not open",
        "description": "It crashes at start",
    }
    before = len(teams.connector.sent)
    response = await teams.post(teams.activity(SAM, type="message", value=submit["data"] | values))
    assert response.status == 201
    [reply] = teams.connector.sent[before:]
    assert "ICT-1 raised" in reply.text


async def test_a_non_agent_pressing_assign_changes_nothing_and_the_card_stays(teams, agent):
    await teams.say(SAM, "support printer jammed")
    queue = (await teams.say(agent, "queue")).card
    assign = next(
        a
        for c in queue["body"]
        if c["type"] == "Container"
        for i in c["items"]
        if i["type"] == "ActionSet"
        for a in i["actions"]
        if a["title"] == "Assign to me"
    )
    mallory = TeamsUser("aad-mallory", "Mallory")
    body = await (await teams.post(execute_invoke(teams, mallory, assign, kind="channel"))).json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "service desk" in body["value"]
    ticket = await teams.runtime.store.get_ticket("ICT-1", agent.key)
    assert ticket.assignee_key is None
    body = await (await teams.post(execute_invoke(teams, agent, assign, kind="channel"))).json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert (await teams.runtime.store.get_ticket("ICT-1", agent.key)).assignee_key == agent.key


async def test_expect_replies_answers_200_with_the_replies_in_the_body(teams):
    before = len(teams.connector.calls)
    response = await teams.post(teams.message(SAM, "status", deliveryMode="expectReplies"))
    assert response.status == 200
    body = await response.json()
    [activity] = body["activities"]
    card = activity["attachments"][0]["content"]
    assert "ICT Strategy 2019-2024" in card["fallbackText"]
    assert [c for c in teams.connector.calls[before:] if c.method == "POST"] == []  # nothing sent separately


def installed(teams, user, kind: str) -> dict:
    return teams.activity(user, kind=kind, type="conversationUpdate", membersAdded=[{"id": BOT_ID}])


async def test_personal_install_welcomes_the_user_once(teams, validate_card):
    for _ in range(2):  # Teams may repeat the update
        response = await teams.post(installed(teams, SAM, "personal"))
        assert response.status == 201
    [welcome] = teams.connector.sent
    validate_card(welcome.card)
    assert "Hello, I'm the ICT Assistant" in welcome.text
    assert "status" in welcome.text and "support" in welcome.text
    assert await teams.runtime.store.get_conversation_reference("teams", SAM.key) is not None


@pytest.mark.parametrize("kind", ["channel", "groupChat"])
async def test_team_install_gets_a_short_introduction_once(teams, kind, validate_card):
    await teams.post(installed(teams, SAM, kind))
    await teams.post(installed(teams, SAM, kind))
    [intro] = teams.connector.sent
    validate_card(intro.card)
    assert intro.text.startswith("ICT Assistant")
    assert "Mention me" in intro.text


async def test_people_joining_a_team_get_no_welcome(teams):
    activity = teams.activity(SAM, kind="channel", type="conversationUpdate", membersAdded=[SAM.account()])
    assert (await teams.post(activity)).status == 201
    assert teams.connector.calls == []


async def test_set_triage_needs_an_admin_and_a_channel(teams, agent):
    refused = await teams.say(SAM, "teams set-triage", kind="channel", mention=True)
    assert "Only an ICT Assistant admin" in refused.text
    assert await teams.runtime.store.get_conversation_reference("teams", "triage") is None
    personal = await teams.say(agent, "teams set-triage")
    assert "team channel" in personal.text
    done = await teams.say(
        agent, "teams set-triage", kind="channel", mention=True, conversation="19:desk@thread.tacv2;messageid=17"
    )
    assert "New support requests will be posted" in done.text
    stored = await teams.runtime.store.get_conversation_reference("teams", "triage")
    assert stored["conversation"]["id"] == "19:desk@thread.tacv2"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('{"text": "no type"}', "application/json", 400),
        ("type=message", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_bad_requests_get_a_clear_status_not_a_500(teams, body, content_type, status):
    response = await teams.client.post("/api/messages", data=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert teams.connector.calls == []


@pytest.mark.parametrize("tenant_in", ["both", "channelData", "conversation"])
@pytest.mark.parametrize(("kind", "owner"), [("personal", SAM.key), ("channel", SAM.key + "#chat")])
async def test_the_stored_conversation_reference_carries_the_tenant_as_teams_spells_it(teams, tenant_in, kind, owner):
    """Teams needs conversation.tenantId to open a personal chat later; the SDK's model would drop it or
    write `tenantID`."""
    activity = teams.message(SAM, "help", kind=kind)
    if tenant_in == "channelData":
        del activity["conversation"]["tenantId"]
    elif tenant_in == "conversation":
        del activity["channelData"]["tenant"]
    assert (await teams.post(activity)).status == 201
    stored = await teams.runtime.store.get_conversation_reference("teams", owner)
    assert stored["conversation"]["tenantId"] == TENANT
    assert "tenantID" not in stored["conversation"]
    assert stored["conversation"]["id"] == activity["conversation"]["id"]


def _drop(path: str):
    def change(activity: dict) -> None:
        *parents, last = path.split(".")
        node = activity
        for p in parents:
            node = node[p]
        del node[last]

    return change


def _set(path: str, value):
    def change(activity: dict) -> None:
        *parents, last = path.split(".")
        node = activity
        for p in parents:
            node = node[p]
        node[last] = value

    return change


MALFORMED = {
    "no from": (_drop("from"), "from.id"),
    "from without id": (_drop("from.id"), "from.id"),
    "from with only an aadObjectId": (_set("from", {"aadObjectId": "aad-sam", "name": "Sam"}), "from.id"),
    "blank from.id": (_set("from.id", "  "), "from.id"),
    "no conversation": (_drop("conversation"), "conversation.id"),
    "conversation without id": (_drop("conversation.id"), "conversation.id"),
    "no recipient": (_drop("recipient"), "recipient.id"),
    "recipient without id": (_drop("recipient.id"), "recipient.id"),
    "no serviceUrl": (_drop("serviceUrl"), "serviceUrl"),
    "ftp serviceUrl": (_set("serviceUrl", "ftp://smba.example/"), "serviceUrl"),
    "serviceUrl without a host": (_set("serviceUrl", "https://"), "serviceUrl"),
    "serviceUrl not a URL": (_set("serviceUrl", "smba.trafficmanager.net"), "serviceUrl"),
}


def _of_kind(teams, kind: str) -> dict:
    if kind == "message":
        return teams.message(SAM, "support my laptop is broken")
    if kind == "invoke":
        action = {"ict_action": "support.offer.create", "ict_value": "x"}
        value = {"action": {"type": "Action.Execute", "verb": "x", "data": action}, "trigger": "manual"}
        return teams.activity(SAM, type="invoke", name="adaptiveCard/action", value=value)
    return teams.activity(SAM, type="conversationUpdate", membersAdded=[{"id": BOT_ID}])


@pytest.mark.parametrize("kind", ["message", "invoke", "conversationUpdate"])
@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_malformed_activity_gets_400_naming_the_field_and_nothing_runs(teams, kind, case, caplog):
    change, field = MALFORMED[case]
    activity = _of_kind(teams, kind)
    change(activity)
    response = await teams.post(activity)
    assert response.status == 400
    assert field in (await response.json())["error"]
    assert teams.connector.calls == []
    assert await teams.runtime.store.find_user(SAM.key) is None
    assert await teams.runtime.store.find_user("teams:unknown") is None
    assert await teams.runtime.store.get_conversation_reference("teams", SAM.key) is None
    assert await teams.runtime.store.my_tickets(SAM.key) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("sender", [None, {}, {"name": "Sam"}, {"id": " ", "aadObjectId": ""}])
def test_a_sender_without_an_id_is_never_given_a_shared_identity(sender):
    from botbuilder.schema import Activity

    from bot.teams.members import sender_key

    activity = Activity().deserialize({"type": "message", **({"from": sender} if sender is not None else {})})
    with pytest.raises(ValueError, match=r"from\.id"):
        sender_key(activity)


NOT_MINE = "That button has expired or is not one of mine."


@pytest.mark.parametrize(
    "pressed",
    [
        {"type": "Action.Execute", "verb": "format-disk", "data": {"ict_action": "format-disk"}},
        {"type": "Action.Execute", "verb": "my laptop is broken", "data": {"ict_action": "my laptop is broken"}},
        {"type": "Action.Execute", "verb": "wipe", "data": {"ict_action": "support", "ict_value": "x"}},
        {"type": "Action.Execute", "data": {"ict_action": "support", "ict_value": "x"}},  # no verb
        {"type": "Action.Execute", "verb": "support", "data": {}},
        {"type": "Action.Execute", "verb": "support"},
        {"type": "Action.Execute", "verb": "support", "data": "support my laptop is broken"},
        "support",
    ],
)
async def test_an_unknown_or_empty_execute_button_says_so_and_leaves_the_card(teams, pressed):
    value = {"action": pressed, "trigger": "manual"}
    response = await teams.post(teams.activity(SAM, type="invoke", name="adaptiveCard/action", value=value))
    assert response.status == 200
    body = await response.json()
    assert body == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": NOT_MINE}
    assert teams.connector.calls == []
    assert await teams.runtime.store.my_tickets(SAM.key) == []
    assert await teams.runtime.store.find_user(SAM.key) is None  # nothing ran for them


@pytest.mark.parametrize(
    "value",
    [{}, [], ["status"], "status", "support my laptop is broken", 7, {"foo": "bar"}, {"ict_action": "format-disk"}],
)
async def test_an_unknown_or_empty_submit_button_says_so_instead_of_being_read_as_text(teams, value):
    before = len(teams.connector.sent)
    response = await teams.post(teams.activity(SAM, type="message", value=value))
    assert response.status == 201
    [reply] = teams.connector.sent[before:]
    assert reply.text == NOT_MINE
    assert await teams.runtime.store.my_tickets(SAM.key) == []
    assert await teams.runtime.store.find_user(SAM.key) is None


async def test_a_known_submit_button_still_works(teams):
    before = len(teams.connector.sent)
    value = {"ict_action": "status", "ict_value": ""}
    assert (await teams.post(teams.activity(SAM, type="message", value=value))).status == 201
    [reply] = teams.connector.sent[before:]
    assert "ICT Strategy 2019-2024" in reply.text


async def test_a_submitted_form_with_mistakes_gets_a_valid_please_correct_card(teams, validate_card):
    submit = (await teams.say(SAM, "support")).card["actions"][0]["fallback"]
    before = len(teams.connector.sent)
    value = submit["data"] | {"category": "network", "priority": "P3", "summary": ""}
    assert (await teams.post(teams.activity(SAM, type="message", value=value))).status == 201
    [reply] = teams.connector.sent[before:]
    card = validate_card(reply.card)
    assert card["fallbackText"].startswith("Please correct:") and "summary" in card["fallbackText"].lower()
    assert await teams.runtime.store.my_tickets(SAM.key) == []
