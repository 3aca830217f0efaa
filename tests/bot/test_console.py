"""The interactive console, driven like a person at the prompt."""

from __future__ import annotations

import pytest

from bot.console.chat import Console, local_sender
from bot.runtime import build_runtime
from bot.settings import Settings


@pytest.fixture
async def runtime(tmp_path):
    rt = await build_runtime(
        Settings(
            _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'console.db'}", ICTBOT_TEAMS_ENABLED=False
        )
    )
    yield rt
    await rt.close()


def scripted(*answers: str):
    """Answers typed at successive prompts; the prompts are recorded."""
    queue = list(answers)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    return ask, prompts


async def test_support_form_is_filled_in_at_the_prompt_and_mistakes_asked_again(runtime):
    out: list[str] = []
    console = Console(runtime, local_sender("rob"), out=out.append)
    ask, prompts = scripted(
        "support",  # the command: replies with a form
        "y",  # fill it in now
        "",  # category: let it guess
        "",  # priority: default P3
        "",  # summary: missing -> asked again
        "Dock will not charge the laptop",  # description
        "office",  # where they are working
        "Swale House",  # which office
        "",  # contact
        "Dock not charging",  # summary, second time
        "quit",
    )
    await console.repl(ask)
    transcript = "\n".join(out)
    assert "summary: Give a short summary of the problem." in transcript
    assert "ICT-1 raised" in transcript and "hardware" in transcript
    t = await runtime.store.get_ticket("ICT-1", "local:rob")
    assert (t.summary, t.location, t.priority, t.work_setting) == ("Dock not charging", "Swale House", "P3", "office")
    assert prompts[0] == "ict> " and prompts[-1] == "ict> "


async def test_requester_sees_notifications_at_the_prompt(runtime):
    rob_out: list[str] = []
    rob = Console(runtime, local_sender("rob"), out=rob_out.append)
    await rob.say("support printer jammed")
    await runtime.store.set_role("local:alex", "agent", True)
    alex = Console(runtime, local_sender("alex"), out=[].append)
    await alex.say("assign ICT-1")
    ask, _ = scripted("quit")
    await rob.repl(ask)
    assert any("ICT-1 \u201cprinter jammed\u201d is now with alex." in line for line in rob_out)
    assert await rob.show_notifications() == 0  # shown once only


async def test_comments_reach_the_other_side(runtime):
    rob_out: list[str] = []
    alex_out: list[str] = []
    rob = Console(runtime, local_sender("rob"), out=rob_out.append)
    alex = Console(runtime, local_sender("alex"), out=alex_out.append)
    await runtime.store.set_role("local:alex", "agent", True)
    await rob.say("support printer jammed")
    await alex.say("assign ICT-1")
    await rob.say("comment ICT-1 It is the one by the lifts")
    await alex.show_notifications()
    assert any("rob added to ICT-1" in line and "by the lifts" in line for line in alex_out)
    await alex.say("comment ICT-1 On my way")
    await rob.show_notifications()
    assert any("alex added to ICT-1" in line and "On my way" in line for line in rob_out)


async def test_each_notice_names_who_had_the_request_then(runtime):
    rob_out: list[str] = []
    rob = Console(runtime, local_sender("rob"), out=rob_out.append)
    await rob.say("support printer jammed")
    for name in ("alex", "carol", "dave"):
        await runtime.store.set_role(f"local:{name}", "agent", True)
    alex = Console(runtime, local_sender("alex"), out=[].append)
    await alex.say("assign ICT-1 local:carol")
    await alex.say("assign ICT-1 local:dave")
    await rob.show_notifications()
    assert [line.rsplit(" ", 1)[-1] for line in rob_out if "is now with" in line] == ["carol.", "dave."]
