"""People: naming someone in a command (a mention, an email, a user key or a known display name), and the
admins' commands that grant and revoke roles and give someone their email from chat.

A person is every chat identity (Slack, Teams, console) that shares one verified email; storage keeps their
roles the same on all of them, so these commands act on the person, whichever identity is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context, UsageError
from handlers.formatting import clip, plural
from handlers.registry import Command, Who
from handlers.reply import Field, Reply, Tone
from storage.enums import Role
from storage.records import UserRecord

PLATFORM_NAMES = {"slack": "Slack", "teams": "Teams", "local": "Console"}
CANDIDATES_SHOWN = 5
ROLES = tuple(r.value for r in Role)
_ARTICLE = {Role.AGENT: "an agent", Role.ADMIN: "an admin", Role.LEAD: "a lead"}
PERSON_HELP = "Mention them, or give their email, user key or name."


@dataclass(frozen=True, slots=True)
class Named:
    """Who a PERSON in a command is: a known person (`user`, the first of their identities the words matched),
    or the user key or email typed for someone the bot has not met (`user` None)."""

    word: str
    user: UserRecord | None = None
    key: str | None = None
    email: str | None = None

    @property
    def by_key(self) -> bool:
        """Whether the words named one identity by its key (a mention is a key too), not the whole person."""
        return self.user is not None and self.word.removeprefix("@") == self.user.key


def _one_per_person(found: list[UserRecord]) -> list[UserRecord]:
    people: list[UserRecord] = []
    for user in found:
        if not any(user.key in p.person_keys for p in people):
            people.append(user)
    return people


def _candidate(user: UserRecord) -> str:
    return f"{user.display_name} ({', '.join((*user.person_keys, *([user.email] if user.email else [])))})"


async def person_named(ctx: Context, words: str, command: str) -> Named:
    """The person `words` name. Raises UsageError, for `command`, when they name nobody the bot knows and are
    neither an email nor a user key, or when they could be several people (listing them)."""
    words = words.strip()
    if not words:
        raise UsageError(f"Who? {PERSON_HELP}", command)
    people = _one_per_person(await ctx.store.find_user_by_mention(words))
    if len(people) > 1:
        shown = "; ".join(_candidate(u) for u in people[:CANDIDATES_SHOWN])
        more = f"; and {len(people) - CANDIDATES_SHOWN} more" if len(people) > CANDIDATES_SHOWN else ""
        raise UsageError(
            f"'{clip(words, 40)}' could be {len(people)} people: {shown}{more}. Use their user key or email.", command
        )
    if people:
        return Named(words, people[0], people[0].key, people[0].email)
    if "@" in words.strip("@") and not words.startswith("@"):
        return Named(words, email=words)
    if ":" in words:
        return Named(words, key=words.removeprefix("@"))
    raise UsageError(f"I don't know anyone called '{clip(words, 40)}'. {PERSON_HELP}", command)


def identity_text(user: UserRecord) -> str:
    """'Slack: Jane Smith (slack:U012AB3CD)'."""
    return f"{PLATFORM_NAMES.get(user.platform, user.platform)}: {user.display_name} ({user.key})"


def _not_met(named: Named, command: str) -> UsageError:
    return UsageError(
        f"Nobody with the email {clip(named.email or named.word, 60)} has talked to me yet. Give their user key "
        "(they can find it by typing whoami), or ask them to say hello to me first.",
        command,
    )


# ------------------------------------------------------------ grant and revoke


def _role_and_person(rest: str, command: str) -> tuple[Role, str]:
    """'agent <@U1>' or '<@U1> agent' -> (the role, the person's words)."""
    words = rest.split()
    if len(words) < 2:
        raise UsageError("Give the role (agent, admin or lead) and the person.", command)
    if words[0].lower() in ROLES:
        return Role(words[0].lower()), " ".join(words[1:])
    if words[-1].lower() in ROLES:
        return Role(words[-1].lower()), " ".join(words[:-1])
    raise UsageError(f"'{clip(words[0], 20)}' is not a role. Roles are: {', '.join(ROLES)}.", command)


def _person_fields(user: UserRecord) -> tuple[Field, ...]:
    return (
        Field("Roles", ", ".join(user.roles) or "none"),
        Field("Accounts", ", ".join(user.person_keys)),
    )


async def _set_role(ctx: Context, rest: str, command: str, enabled: bool) -> Reply:
    role, words = _role_and_person(rest, command)
    named = await person_named(ctx, words, command)
    if named.key is None:
        raise _not_met(named, command)
    had = named.user is not None and role.value in named.user.roles
    user = await ctx.store.set_role(named.key, role.value, enabled, actor_key=ctx.user.key)
    if enabled:
        text = f"{user.display_name} {'was already' if had else 'is now'} {_ARTICLE[role]}."
    else:
        text = f"{user.display_name} is {'no longer' if had else 'not'} {_ARTICLE[role]}."
    if len(user.person_keys) > 1:
        text += " That goes for all their accounts."
    return Reply(tone=Tone.SUCCESS, text=text, fields=_person_fields(user))


async def grant(ctx: Context, rest: str) -> Reply:
    return await _set_role(ctx, rest, "grant", True)


async def revoke(ctx: Context, rest: str) -> Reply:
    return await _set_role(ctx, rest, "revoke", False)


# ------------------------------------------------------------ an email from an admin


async def set_email(ctx: Context, rest: str) -> Reply:
    """`set-email PERSON ADDRESS`: links the account to the person's other accounts with that email."""
    words = rest.split()
    if len(words) < 2 or "@" not in words[-1]:
        raise UsageError("Give the person and their email address.", "set-email")
    named = await person_named(ctx, " ".join(words[:-1]), "set-email")
    if named.key is None:
        raise _not_met(named, "set-email")
    if named.user is not None and not named.by_key and len(named.user.person_keys) > 1:
        raise UsageError(
            f"{named.user.display_name} has {len(named.user.person_keys)} accounts "
            f"({', '.join(named.user.person_keys)}). Give the user key of the one to change.",
            "set-email",
        )
    user = await ctx.store.set_user_email(named.key, words[-1], actor_key=ctx.user.key)
    linked = f" It is linked to {plural(len(user.other_keys), 'other account')} with it." if user.other_keys else ""
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{user.display_name}'s email is now {user.email}.{linked}",
        fields=_person_fields(user),
    )


COMMANDS = (
    Command(
        "grant",
        grant,
        "grant ROLE PERSON",
        "grant agent jane.smith@swale.gov.uk",
        "Give someone a role: agent, admin or lead (on all their accounts)",
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can grant roles.",
    ),
    Command(
        "revoke",
        revoke,
        "revoke ROLE PERSON",
        "revoke lead jane.smith@swale.gov.uk",
        "Take a role away from someone (on all their accounts)",
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can revoke roles.",
    ),
    Command(
        "set-email",
        set_email,
        "set-email PERSON ADDRESS",
        "set-email local:jane jane.smith@swale.gov.uk",
        "Give someone's account their email, linking it to their other accounts",
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can set someone's email.",
    ),
)
