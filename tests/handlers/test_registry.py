"""One declaration per command: a command added in one place is parsed, listed, dispatched and guarded."""

from __future__ import annotations

import pytest

from handlers import Assistant, Origin, Reply
from handlers.commands import ALL_COMMANDS
from handlers.registry import Command, Place, Registry, Who
from tests.conftest import Person


@pytest.fixture
def ran() -> list[str]:
    return []


@pytest.fixture
def echo_assistant(seeded_store, clock, ran) -> Assistant:
    """The real commands plus a throwaway `echo`, declared once, in a registry of this test's own."""

    async def echo(ctx, rest: str) -> Reply:
        ran.append(rest)
        return Reply(text=f"echo: {rest}")

    async def submit_echo(ctx, values: dict[str, str], metadata: str) -> Reply | dict[str, str]:
        if not values.get("word"):
            return {"word": "Say something."}
        return await echo(ctx, f"{values['word']} ({metadata})")

    throwaway = Command(
        "echo",
        echo,
        "echo WORDS",
        "echo hello there",
        "Say it back",
        aliases=("parrot", "say back"),
        who=Who.AGENTS,
        form_id="echo",
        submit=submit_echo,
        offered=frozenset({Place.TEAM_CHANNEL}),
        hint="echo WORDS",
    )
    return Assistant(seeded_store, clock=clock, commands=Registry((*ALL_COMMANDS, throwaway)))


async def test_a_command_declared_once_is_parsed_listed_dispatched_and_guarded(echo_assistant, seeded_store, ran):
    await seeded_store.set_role("local:alex", "agent", True, display_name="Alex")
    alex, pat = Person(echo_assistant, "Alex"), Person(echo_assistant, "Pat")

    assert "echo: hello" in await alex.say("/ict parrot hello")  # an alias
    assert "echo: two words" in await alex.say("Say back two words")  # a two-word alias
    assert alex.last.command == "echo" and alex.last.status == "ok"

    assert "- echo WORDS\n    Say it back. Example: echo hello there" in await alex.say("help")
    assert "Say it back (ICT service desk only)" in await pat.say("help")

    refused = await pat.say("echo hello")
    assert refused == "Only the ICT service desk (agents) can do that."
    assert pat.last.status == "denied"
    assert ran == ["hello", "two words"]  # the refused one never ran

    form = await echo_assistant.submit_form("echo", {"word": ""}, alex.sender, alex.origin, "m")
    assert form.form_errors == {"word": "Say something."}
    await echo_assistant.submit_form("echo", {"word": "hi"}, alex.sender, alex.origin, "m")
    assert ran[-1] == "hi (m)"
    denied = await echo_assistant.submit_form("echo", {"word": "hi"}, pat.sender, pat.origin, "m")
    assert denied.status == "denied" and ran[-1] == "hi (m)"

    assert echo_assistant.knows("echo") and not echo_assistant.knows("nonsense")
    assert "echo" in [c.name for c in echo_assistant.commands.offered_in(Place.TEAM_CHANNEL)]
    assert echo_assistant.commands.usage_hint().endswith("| help | echo WORDS")
    assert "Did you mean 'echo'?" in await alex.say("ecko please")


async def test_the_real_registry_does_not_know_the_throwaway(echo_assistant, assistant):
    assert not assistant.knows("echo") and "echo" not in ALL_COMMANDS
    assert "echo" not in [c.name for c in ALL_COMMANDS]


def test_a_word_is_one_commands_only():
    async def run(ctx, rest):
        return Reply(text="")

    with pytest.raises(ValueError, match="'status' is both"):
        Registry((*ALL_COMMANDS, Command("stats", run, "stats", "stats", "Figures", aliases=("status",))))
    with pytest.raises(ValueError, match="declared twice"):
        Registry((*ALL_COMMANDS, Command("help", run, "help", "help", "Again")))


def test_teams_lists_fit_and_every_form_has_its_handler():
    for place in Place:
        assert 0 < len(ALL_COMMANDS.offered_in(place)) <= 10  # Teams shows at most ten per list
    for name in ("support", "update", "resolve"):
        assert ALL_COMMANDS.form(name) is ALL_COMMANDS[name]


async def test_set_triage_is_an_admin_command_everywhere(person, admin):
    assert "Only an ICT Assistant admin can choose the triage channel." in await person("Pat").say("set-triage")
    reply = await admin.say("teams set-triage")
    assert admin.last.command == "set-triage" and "In Teams: Type this in the team channel" in reply
    assert "- set-triage\n    Post new support requests in this Teams channel. Example" in await admin.say("help")
    assert "(admins only)" in await person("Pat").say("help")


async def test_set_triage_saves_the_channel_reference_it_is_given(admin, seeded_store):
    channel = {"conversation": {"id": "19:desk@thread.tacv2"}, "serviceUrl": "https://example.org/"}
    admin.origin = Origin(platform="teams", conversation="19:desk@thread.tacv2", channel_reference=channel)
    assert "New support requests will be posted" in await admin.say("set-triage")
    assert await seeded_store.get_conversation_reference("teams", "triage") == channel
    admin.origin = Origin(platform="teams", conversation="a:personal", personal=True)
    assert "Type this in the team channel" in await admin.say("set-triage")
