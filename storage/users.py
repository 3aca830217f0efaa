"""People: who they are on each platform, their roles and emails, and finding them by a mention."""

from __future__ import annotations

from datetime import datetime

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.convert import user_record
from storage.enums import Council, Role
from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from storage.records import UserRecord
from storage.refs import email_key

#: How long this process trusts what it last read of a user. Changes made through this process are seen
#: at once (the Store drops what a write may have changed); changes made by another process (the CLI) within
#: this long.
USER_CACHE_SECONDS = 30.0
USER_CACHE_SIZE = 10_000


class UserCache:
    """Recently read users by key, for `ensure_user`'s every-turn look-up. Permission checks never use it:
    every method that needs a role re-reads the user inside its own transaction."""

    def __init__(self, ttl: float = USER_CACHE_SECONDS, size: int = USER_CACHE_SIZE):
        self._users: TTLCache[str, UserRecord] = TTLCache(maxsize=size, ttl=ttl)

    def get(self, key: str) -> UserRecord | None:
        return self._users.get(key)

    def remember(self, user: UserRecord) -> None:
        self._users[user.key] = user

    def forget(self, key: str) -> None:
        self._users.pop(key, None)

    def clear(self) -> None:
        """After a change to roles or emails: it may have changed every identity of one or two people."""
        self._users.clear()


#: Each partner council's email domain: a person's council, when no platform says it.
COUNCIL_DOMAINS = {
    "maidstone.gov.uk": Council.MAIDSTONE.value,
    "swale.gov.uk": Council.SWALE.value,
    "tunbridgewells.gov.uk": Council.TUNBRIDGE_WELLS.value,
}


def council_from_email(email: str | None) -> str | None:
    """Maidstone for jane@maidstone.gov.uk (or a subdomain of it); None for any other address."""
    domain = (email or "").rpartition("@")[2].lower()
    for known, council in COUNCIL_DOMAINS.items():
        if domain == known or domain.endswith("." + known):
            return council
    return None


def profile(display_name: str, email: str | None, council: str | None) -> dict[str, str | None]:
    """What a platform told us about a person; None where it told us nothing. A council not said is read from
    a partner council's email domain."""
    return {
        "display_name": display_name or None,
        "email": email_key(email),
        "council": council or council_from_email(email),
    }


def is_current(user: UserRecord, wanted: dict[str, str | None]) -> bool:
    """Whether the stored user already says everything the platform told us."""
    return all(v is None or getattr(user, k) == v for k, v in wanted.items())


#: The column of each role.
ROLE_FLAGS = {Role.AGENT: "is_agent", Role.ADMIN: "is_admin", Role.LEAD: "is_lead"}


async def by_key(s: AsyncSession, key: str) -> m.User | None:
    return await s.scalar(select(m.User).where(m.User.key == key))


# ------------------------------------------------------------ people: identities that share a verified email


async def identities(s: AsyncSession, user: m.User) -> list[m.User]:
    """The person `user` is: every user with the same email (verified: from Slack's users.info, the Teams
    roster, or an admin), `user` included, in key order; just `user` when it has no email."""
    if not user.email:
        return [user]
    same = select(m.User).where(m.User.email == email_key(user.email)).order_by(m.User.key)  # stored lower case
    return list((await s.scalars(same)).all()) or [user]


async def person_keys(s: AsyncSession, key: str) -> list[str]:
    """The keys of every identity of the person `key` is (just `key` for a user nobody has seen)."""
    user = await by_key(s, key)
    return [key] if user is None else [u.key for u in await identities(s, user)]


async def record(s: AsyncSession, user: m.User) -> UserRecord:
    """The user as handed out, with the keys of the same person's other identities."""
    return user_record(user, [u.key for u in await identities(s, user) if u.key != user.key])


def _share_roles(people: list[m.User]) -> None:
    """Every identity of one person holds each role any of them holds."""
    for flag in ROLE_FLAGS.values():
        held = any(getattr(u, flag) for u in people)
        for u in people:
            setattr(u, flag, held)


async def _move_to(s: AsyncSession, user: m.User, email: str | None) -> None:
    """Give `user` a new email: it joins the person that email names and shares their roles. An identity that
    leaves a person of several leaves that person's roles behind (they stay with the others), so a wrong link,
    once corrected, grants nothing."""
    if email is None or (user.email or "").lower() == email:
        return
    if user.email and len(await identities(s, user)) > 1:
        for flag in ROLE_FLAGS.values():
            setattr(user, flag, False)
    user.email = email
    user.council = user.council or council_from_email(email)
    await s.flush()
    _share_roles(await identities(s, user))
    await s.flush()


# ------------------------------------------------------------ reading and writing users


async def get(s: AsyncSession, key: str) -> UserRecord:
    user = await by_key(s, key)
    if user is None:
        raise NotFound("user", key)
    return await record(s, user)


async def find(s: AsyncSession, key: str) -> UserRecord | None:
    user = await by_key(s, key)
    return await record(s, user) if user else None


async def person(s: AsyncSession, key: str) -> list[UserRecord]:
    """Every identity of the person `key` is, in key order."""
    user = await by_key(s, key)
    if user is None:
        raise NotFound("user", key)
    people = await identities(s, user)
    return [user_record(u, [o.key for o in people if o is not u]) for u in people]


def _new_user(key: str, display_name: str | None, council: str | None, now: datetime) -> m.User:
    return m.User(
        key=key,
        display_name=display_name or key.split(":", 1)[1],
        email=None,
        council=council,
        is_agent=False,
        is_admin=False,
        is_lead=False,
        created_at=now,
    )


async def upsert(s: AsyncSession, key: str, wanted: dict[str, str | None], now: datetime) -> UserRecord:
    """Create the user on first sight, or refresh what the platform told us more of. A new email joins the
    person it names (see _move_to)."""
    user = await by_key(s, key)
    if user is None:
        user = _new_user(key, wanted["display_name"] or key, wanted["council"], now)
        s.add(user)
    else:
        for field_name in ("display_name", "council"):
            if wanted[field_name] is not None:
                setattr(user, field_name, wanted[field_name])
    await s.flush()
    await _move_to(s, user, wanted["email"])
    return await record(s, user)


async def by_mention(s: AsyncSession, text: str) -> list[UserRecord]:
    """Resolve 'slack:U1', an email or a display name to users (exact key, email, then name)."""
    text = text.strip().removeprefix("@")
    for clause in (
        m.User.key == text,
        func.lower(m.User.email) == text.lower(),
        func.lower(m.User.display_name) == text.lower(),
    ):
        found = (await s.scalars(select(m.User).where(clause).order_by(m.User.key))).all()
        if found:
            return [await record(s, u) for u in found]
    return []


def role(name: str) -> Role:
    try:
        return Role(name.lower())
    except ValueError:
        raise InvalidInput("role", "unknown", value=name, allowed=tuple(r.value for r in Role)) from None


async def _admin(s: AsyncSession, actor_key: str | None, attempt: str) -> None:
    """From chat (`actor_key` given) only an admin may; from the command line (None) the server's operator may."""
    if actor_key is None:
        return
    actor = await by_key(s, actor_key)
    if actor is None or not actor.is_admin:
        raise PermissionDenied(attempt, "admin", user_key=actor_key)


async def set_role(
    s: AsyncSession,
    key: str,
    role_: Role,
    enabled: bool,
    display_name: str | None,
    now: datetime,
    actor_key: str | None = None,
) -> UserRecord:
    """Grant or revoke a role on every identity of the person, so a revoke cannot be dodged from another
    platform; creates the user if the key is new (roles can be given in advance). From chat (`actor_key`),
    only an admin may, and the last admin cannot be revoked (Conflict 'last_admin')."""
    await _admin(s, actor_key, "set_role")
    user = await by_key(s, key)
    if user is None and not enabled:
        raise NotFound("user", key, reason="never_seen")
    if user is None:
        user = _new_user(key, display_name, None, now)
        s.add(user)
        await s.flush()
    people = await identities(s, user)
    if actor_key is not None and role_ is Role.ADMIN and not enabled:
        others = (
            select(func.count())
            .select_from(m.User)
            .where(m.User.is_admin.is_(True), m.User.key.not_in([u.key for u in people]))
        )
        if any(u.is_admin for u in people) and not await s.scalar(others):
            raise Conflict("last_admin", user.key, current=user.display_name)
    _share_roles(people)
    for u in people:
        setattr(u, ROLE_FLAGS[role_], enabled)
    await s.flush()
    return await record(s, user)


def checked_email(email: str) -> str:
    if "@" not in email or email.strip().startswith("@") or email.strip().endswith("@"):
        raise InvalidInput("email", "malformed", value=email)
    return email_key(email) or ""


async def set_email(s: AsyncSession, key: str, email: str, actor_key: str | None = None) -> UserRecord:
    """An admin (or the server's operator, with no `actor_key`) gives a user their email: the user joins the
    person that email names."""
    await _admin(s, actor_key, "set_email")
    user = await by_key(s, key)
    if user is None:
        raise NotFound("user", key)
    await _move_to(s, user, email)
    return await record(s, user)


async def remember_whereabouts(s: AsyncSession, user: m.User, *, council: str | None, setting: str | None) -> None:
    """What a person told us of their council and where they work, kept on each of their identities."""
    for identity in await identities(s, user):
        if council:
            identity.council = council
        if setting:
            identity.work_setting = setting


async def list_all(s: AsyncSession) -> list[UserRecord]:
    everyone = (await s.scalars(select(m.User).order_by(m.User.key))).all()
    by_email: dict[str, list[str]] = {}
    for u in everyone:
        if u.email:
            by_email.setdefault(u.email.lower(), []).append(u.key)
    return [user_record(u, [k for k in by_email.get((u.email or "").lower(), ()) if k != u.key]) for u in everyone]
