"""Matching an action's owner to a person: by chat identity, by email, as a deputy; and why not."""

from __future__ import annotations

from types import SimpleNamespace

from storage.owners import is_deputy, is_owner, may_update, refusal
from storage.records import UserRecord


def _user(key: str, email: str | None = None, *, admin: bool = False) -> UserRecord:
    return UserRecord(key=key, display_name=key, email=email, council=None, is_agent=False, is_admin=admin)


def _action(owner_key=None, owner_email=None, deputies=""):
    return SimpleNamespace(owner="Jane Smith", owner_key=owner_key, owner_email=owner_email, deputies=deputies)


def test_the_identity_named_in_the_plan_is_the_owner_with_no_email_needed():
    action = _action(owner_key="slack:U0OWNER")
    assert is_owner(_user("slack:U0OWNER"), action)
    assert not is_owner(_user("slack:U0OTHER"), action)


def test_an_owner_given_by_email_is_matched_whatever_the_case():
    action = _action(owner_email="Jane.Smith@Swale.gov.uk")
    assert is_owner(_user("teams:aad-1", "jane.smith@swale.gov.uk"), action)
    assert not is_owner(_user("teams:aad-2", "john@swale.gov.uk"), action)
    assert not is_owner(_user("teams:aad-3"), action)


def test_deputies_may_post_but_are_not_owners():
    action = _action(owner_email="jane@mbc.gov.uk", deputies="slack:U0DEP,Pat@MBC.gov.uk")
    assert is_deputy(_user("slack:U0DEP"), action) and may_update(_user("slack:U0DEP"), action)
    assert may_update(_user("local:pat", "pat@mbc.gov.uk"), action)
    assert not is_owner(_user("slack:U0DEP"), action)
    assert not may_update(_user("local:x", "x@mbc.gov.uk"), action)


def test_admins_may_post_on_any_action():
    assert may_update(_user("local:admin", admin=True), _action(owner_key="slack:U1"))


def test_the_refusal_says_why():
    assert refusal(_user("slack:U2"), _action())[0] == "owner_unknown"
    assert refusal(_user("slack:U2"), _action(owner_email="jane@swale.gov.uk"))[0] == "no_email"
    assert refusal(_user("slack:U2", "me@swale.gov.uk"), _action(owner_email="jane@swale.gov.uk"))[0] == "someone_else"
    assert refusal(_user("slack:U2"), _action(owner_key="slack:U1"))[0] == "someone_else"


def _person(key: str, *others: str, email: str | None = "jane@swale.gov.uk") -> UserRecord:
    return UserRecord(
        key=key, display_name=key, email=email, council=None, is_agent=False, is_admin=False, other_keys=others
    )


def test_the_same_person_on_another_platform_is_the_owner_and_a_deputy():
    assert is_owner(_person("teams:aad-jane", "slack:U0OWNER"), _action(owner_key="slack:U0OWNER"))
    assert is_deputy(_person("local:jane", "slack:U0DEP"), _action(owner_key="slack:U1", deputies="slack:U0DEP"))
    assert not is_owner(_person("teams:aad-jane", "slack:U0OTHER"), _action(owner_key="slack:U0OWNER"))


def test_without_an_email_an_owner_on_another_platform_could_only_be_matched_by_one():
    assert refusal(_user("teams:aad-2"), _action(owner_key="slack:U1"))[0] == "no_email"
    assert refusal(_user("teams:aad-2", "me@swale.gov.uk"), _action(owner_key="slack:U1"))[0] == "someone_else"
    assert (
        refusal(_user("slack:U2"), _action(owner_key="slack:U1", owner_email="jane@swale.gov.uk"))[0] == "someone_else"
    )
