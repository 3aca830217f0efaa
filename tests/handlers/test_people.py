"""Roles and emails from chat, read like conversations: admins grant, revoke and set emails; people are
named by key, email, mention or name; whoami lists every account of the person."""

from __future__ import annotations

from storage import Store

JANE = "jane.smith@swale.gov.uk"


async def test_an_admin_grants_a_role_and_the_person_can_use_it_at_once(admin, person):
    rob = person("Rob")
    assert await rob.say("queue") == "The queue is for the ICT service desk (agents) only."
    reply = await admin.say("grant agent local:rob")
    assert "Rob is now an agent." in reply and admin.last.status == "ok"
    assert (await rob.send("queue")).status == "ok"
    assert "Rob was already an agent." in await admin.say("grant local:rob agent")  # either order
    assert "Rob is no longer an agent." in await admin.say("revoke agent rob")  # by name
    assert (await rob.send("queue")).status == "denied"
    assert "Rob is not an agent." in await admin.say("revoke agent rob")


async def test_roles_can_be_granted_before_someone_has_talked_to_the_bot(admin, seeded_store: Store):
    reply = await admin.say("grant lead @slack:U0NEWLEAD")  # a Slack mention, as the Slack channel reads it
    assert "is now a lead" in reply
    assert (await seeded_store.get_user("slack:U0NEWLEAD")).roles == ("lead",)


async def test_only_admins_grant_revoke_or_set_emails(person, agent, seeded_store: Store):
    for typed, words in (
        ("grant admin local:eve", "Only an ICT Assistant admin can grant roles."),
        ("revoke agent local:alex", "Only an ICT Assistant admin can revoke roles."),
        (f"set-email local:eve {JANE}", "Only an ICT Assistant admin can set someone's email."),
    ):
        assert await person("Eve").say(typed) == words
        assert await agent.say(typed) == words
    assert (await seeded_store.get_user("local:alex")).roles == ("agent",)
    assert (await seeded_store.get_user("local:eve")).roles == ()


async def test_the_last_admin_cannot_revoke_their_own_admin_role(admin, person):
    reply = await admin.say("revoke admin local:ada")
    assert "Ada is the last admin, and there must be at least one. Grant admin to someone else first." in reply
    assert admin.last.status == "conflict"
    await person("Bea").say("hello")
    assert "Bea is now an admin." in await admin.say("grant admin bea")
    assert "Ada is no longer an admin." in await admin.say("revoke admin ada")
    assert (await admin.send("grant agent bea")).status == "denied"


async def test_mistakes_get_the_right_usage(admin, person):
    assert "Give the role (agent, admin or lead) and the person.\nUsage: grant ROLE PERSON" in await admin.say("grant")
    assert "'wizard' is not a role. Roles are: agent, admin, lead." in await admin.say("grant wizard rob")
    assert "I don't know anyone called 'Nobody Here'." in await admin.say("grant agent Nobody Here")
    not_met = await admin.say("grant agent someone@swale.gov.uk")
    assert "Nobody with the email someone@swale.gov.uk has talked to me yet." in not_met
    assert "No user local:ghost: nobody with that key has talked to the bot" in await admin.say(
        "revoke agent local:ghost"
    )
    assert "'nope@' is not an email address.\nUsage: set-email PERSON ADDRESS" in await admin.say(
        "set-email local:ada nope@"
    )
    assert "Give the person and their email address." in await admin.say("set-email local:ada")


async def test_a_name_that_could_be_several_people_lists_them(admin, person):
    await person("Jo", "jo.one@swale.gov.uk").say("hello")
    await person("Jo", "jo.one@swale.gov.uk", platform="slack").say("hello")  # the same Jo on Slack
    assert "Jo is now an agent. That goes for all their accounts." in await admin.say("grant agent Jo")
    await person("jo", "jo.two@maidstone.gov.uk", platform="teams").say("hello")  # another Jo
    reply = await admin.say("revoke agent Jo")
    assert "'Jo' could be 2 people: Jo (local:jo, slack:jo, jo.one@swale.gov.uk); jo (teams:jo, jo.two@" in reply
    assert "Use their user key or email." in reply
    assert "Jo is no longer an agent." in await admin.say("revoke agent jo.one@swale.gov.uk")


async def test_an_admin_links_a_console_account_to_the_person_by_email(admin, person, seeded_store: Store):
    slack_jane = person("jane", JANE, platform="slack")
    await slack_jane.say("hello")
    await admin.say("grant agent slack:jane")
    console_jane = person("Jane")
    whoami = await console_jane.say("whoami")
    assert "I don't know your email" in whoami and "set-email local:jane ADDRESS" in whoami
    reply = await admin.say(f"set-email local:jane {JANE}")
    assert f"Jane's email is now {JANE}. It is linked to 1 other account with it." in reply
    assert "Roles: agent" in reply and "Accounts: local:jane, slack:jane" in reply
    assert (await console_jane.send("queue")).status == "ok"  # the role came with the link
    whoami = await console_jane.say("whoami")
    assert "Your accounts on Console and Slack are one person" in whoami
    assert "Account 1: Console: Jane (local:jane)" in whoami and "Account 2: Slack: jane (slack:jane)" in whoami
    assert "Roles: agent" in whoami and f"Email: {JANE}" in whoami
    refused = await admin.say("set-email jane jane@home.example")  # the person has two accounts: which one?
    assert "has 2 accounts (local:jane, slack:jane). Give the user key of the one to change." in refused


async def test_requests_and_actions_follow_the_person(admin, person, seeded_store: Store):
    action = await seeded_store.get_action("RS-03")
    owner_on_slack = person("luke", action.owner_email, platform="slack")
    await owner_on_slack.say("support my VPN keeps dropping")
    console_luke = person("Luke")
    assert "Ask an admin" in await console_luke.say("actions mine")
    await admin.say(f"set-email local:luke {action.owner_email}")
    assert "ICT-1" in await console_luke.say("tickets")
    assert "RS-03" in await console_luke.say("actions mine")
    assert (await console_luke.send("update RS-03 55 amber Supplier back on site")).status == "ok"


async def test_owner_and_assign_take_a_person_with_several_accounts(admin, agent, person, seeded_store: Store):
    await person("Priya", "priya@swale.gov.uk").say("hello")
    await person("Priya", "priya@swale.gov.uk", platform="teams").say("hello")
    reply = await admin.say("owner RS-05 priya@swale.gov.uk")
    assert "RS-05 is now owned by Priya (local:priya, priya@swale.gov.uk)." in reply
    await admin.say("grant agent Priya")
    await person("Rob").say("support the printer is jammed")
    assert "ICT-1 is assigned to Priya." in await agent.say("assign ICT-1 priya@swale.gov.uk")


async def test_help_lists_the_role_commands_for_admins(admin, person):
    text = await admin.say("help")
    for syntax in ("grant ROLE PERSON", "revoke ROLE PERSON", "set-email PERSON ADDRESS"):
        assert syntax in text
    assert "(on all their accounts). Example: grant agent" in text
    assert "(on all their accounts) (admins only)" in await person("Pat").say("help")
