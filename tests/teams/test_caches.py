"""The two caches of the Teams channel kept for speed (see benchmarks/README.md): rendered cards and the
conversation references already stored. Each is bounded, never hands out a shared object, and is invalidated."""

from __future__ import annotations

from bot.teams.app import TEAMS
from bot.teams.cards import RenderedCards
from bot.teams.render import render_adaptive_card
from handlers import Field, Item, Reply
from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith")


def status_reply(open_: str = "3") -> Reply:
    return Reply(title="Status", text="x", fields=(Field("Open", open_),))


def test_an_equal_reply_is_rendered_once_and_each_call_gets_its_own_card():
    cards = RenderedCards()
    first = cards.content(status_reply())
    assert status_reply() in cards
    again = cards.content(status_reply())
    assert first == again == render_adaptive_card(status_reply())
    assert again is not first
    again["body"].clear()  # what botbuilder (or anyone) does to one card reaches no other
    assert cards.content(status_reply()) == first == render_adaptive_card(status_reply())


def test_a_reply_that_differs_in_anything_gets_its_own_card():
    cards = RenderedCards()
    three = cards.content(status_reply("3"))
    four = cards.content(status_reply("4"))
    assert four != three and four == render_adaptive_card(status_reply("4"))
    assert cards.content(status_reply("3")) == three


def test_the_card_cache_is_bounded_and_evicts_the_least_recently_used():
    cards = RenderedCards(maxsize=2)
    for n in ("1", "2"):
        cards.content(status_reply(n))
    cards.content(status_reply("1"))  # used again: "2" is now the oldest
    cards.content(status_reply("3"))
    assert status_reply("1") in cards and status_reply("3") in cards
    assert status_reply("2") not in cards
    assert cards.content(status_reply("2")) == render_adaptive_card(status_reply("2"))


def test_a_reply_that_cannot_be_a_key_is_rendered_and_not_kept():
    cards = RenderedCards()
    reply = Reply(text="x", items=[Item(title="Theme")])  # a list: unhashable
    assert cards.content(reply) == render_adaptive_card(reply)
    assert reply not in cards


async def test_replies_in_teams_are_the_same_card_each_time(teams):
    first = await teams.say(SAM, "status")
    again = await teams.say(SAM, "status")
    assert first.card == again.card and first.card["body"]


# ------------------------------------------------------------ references already stored


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _bot_with_clock(teams) -> Clock:
    from bot.teams.activity_bot import TeamsBot

    clock = Clock()
    endpoint = teams.client.app[TEAMS]
    endpoint.bot = TeamsBot(teams.runtime, files=endpoint.bot.files, clock=clock)
    return clock


async def _mark_stored(teams, owner: str) -> None:
    """Change the stored reference behind the bot's back (as another server process could)."""
    stored = await teams.runtime.store.get_conversation_reference("teams", owner)
    await teams.runtime.store.save_conversation_reference("teams", owner, {**stored, "marker": "elsewhere"})


async def test_an_unchanged_reference_is_not_written_again_until_it_expires(teams):
    from bot.teams.activity_bot import SAVED_REFERENCE_SECONDS

    clock = await _bot_with_clock(teams)
    await teams.say(SAM, "help")
    await _mark_stored(teams, SAM.key)
    await teams.say(SAM, "help")  # the same conversation: no write
    assert (await teams.runtime.store.get_conversation_reference("teams", SAM.key))["marker"] == "elsewhere"
    clock.now += SAVED_REFERENCE_SECONDS + 1
    await teams.say(SAM, "help")  # expired: written again
    assert "marker" not in await teams.runtime.store.get_conversation_reference("teams", SAM.key)


async def test_a_changed_reference_is_written_at_once(teams):
    await _bot_with_clock(teams)
    await teams.say(SAM, "help")
    await _mark_stored(teams, SAM.key)
    renamed = TeamsUser(SAM.aad, "Sam Smith-Jones")
    await teams.say(renamed, "help")
    stored = await teams.runtime.store.get_conversation_reference("teams", SAM.key)
    assert "marker" not in stored and stored["user"]["name"] == "Sam Smith-Jones"


def _message(conversation: str = "a:personal-sam", service_url: str = "https://smba.example.org/uk/", **extra):
    from botbuilder.schema import Activity

    return Activity().deserialize(
        {
            "type": "message",
            "id": extra.get("id", "1"),
            "channelId": "msteams",
            "serviceUrl": service_url,
            "from": {"id": "29:sam", "name": "Sam Smith", "aadObjectId": "aad-sam"},
            "recipient": {"id": "28:bot", "name": "ICT"},
            "conversation": {"id": conversation, "conversationType": "personal", "tenantId": "t-1"},
            "text": "status",
        }
    )


def test_a_kept_reference_is_exact_fresh_each_call_and_follows_any_change():
    from botbuilder.core import TurnContext

    from bot.teams.references import reference_of
    from bot.teams.sdk_patches import set_tenant

    first = reference_of(_message(id="1"))
    expected = set_tenant(TurnContext.get_conversation_reference(_message(id="2")).serialize(), "t-1")
    second = reference_of(_message(id="2"))
    assert second == expected and second["activityId"] == "2" and first["activityId"] == "1"
    second["conversation"]["id"] = "changed by a caller"  # reaches no later call
    assert reference_of(_message(id="3"))["conversation"]["id"] == "a:personal-sam"
    moved = reference_of(_message(service_url="https://smba.example.org/emea/"))
    assert moved["serviceUrl"] == "https://smba.example.org/emea/"
    other = reference_of(_message(conversation="a:personal-other"))
    assert other["conversation"]["id"] == "a:personal-other"


async def test_a_turn_gets_a_user_token_client_that_is_built_only_when_used():
    from botframework.connector.auth import ClaimsIdentity

    from bot.teams.adapter import BotAuthConfig
    from bot.teams.sdk_patches import LazyUserTokenClient, TeamsBotFrameworkAuthentication

    config = BotAuthConfig(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    auth = TeamsBotFrameworkAuthentication(config)
    client = await auth.create_user_token_client(ClaimsIdentity({}, True))
    assert isinstance(client, LazyUserTokenClient) and client._client is None
    built = await client.client()  # the first sign-in call builds the SDK's own client, once
    assert built is not None and await client.client() is built
