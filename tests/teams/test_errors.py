"""Unexpected failures in a Teams turn, made real (the database file replaced by a directory): the user is
told an error id, the log carries the same id, and the HTTP answer is never a 500."""

from __future__ import annotations

import logging
import re

import pytest

from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith")
PAT = TeamsUser("aad-pat", "Pat Jones")  # never seen before: the bot must store where to reach them

ERROR_ID = re.compile(r"error id: ([0-9a-f]{8})")


async def break_the_database(teams, tmp_path) -> None:
    await teams.runtime.engine.dispose()
    (tmp_path / "teams.db").unlink()
    (tmp_path / "teams.db").mkdir()  # unopenable as a database


def logged_error_ids(caplog) -> list[str]:
    return [
        m[1]
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("bot.teams")
        for m in [re.match(r"error id ([0-9a-f]{8}):", r.getMessage())]
        if m
    ]


@pytest.fixture
async def offer_button(teams):
    offer = await teams.say(SAM, "the projector in room 5 is dead")
    return offer.card["actions"][0]


async def test_a_message_that_fails_outside_the_assistant_gets_a_reply_with_the_logged_error_id(
    teams, tmp_path, caplog
):
    await break_the_database(teams, tmp_path)
    before = len(teams.connector.sent)
    response = await teams.post(teams.message(PAT, "status"))  # fails saving Pat's conversation reference
    assert response.status == 201
    [reply] = teams.connector.sent[before:]
    assert "Sorry, something went wrong on our side" in reply.text
    [error_id] = ERROR_ID.findall(reply.text)
    assert logged_error_ids(caplog) == [error_id]
    assert "Traceback" not in reply.text


async def test_a_button_press_that_fails_answers_200_with_the_logged_error_id_and_keeps_the_card(
    teams, tmp_path, caplog, offer_button
):
    from tests.teams.conftest import execute_invoke

    await break_the_database(teams, tmp_path)
    response = await teams.post(execute_invoke(teams, PAT, offer_button, kind="channel"))
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"  # a message: the card stays
    assert "Sorry, something went wrong on our side" in body["value"]
    [error_id] = ERROR_ID.findall(body["value"])
    assert logged_error_ids(caplog) == [error_id]


async def test_with_expect_replies_the_error_id_comes_back_in_the_body(teams, tmp_path, caplog):
    await break_the_database(teams, tmp_path)
    response = await teams.post(teams.message(PAT, "status", deliveryMode="expectReplies"))
    assert response.status == 200
    [activity] = (await response.json())["activities"]
    [error_id] = ERROR_ID.findall(activity["text"])
    assert logged_error_ids(caplog) == [error_id]
    assert teams.connector.sent == []
