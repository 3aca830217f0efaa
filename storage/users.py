"""People: who they are on each platform, their roles and emails, and finding them by a mention."""

from __future__ import annotations

from datetime import datetime

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.convert import user_record
from storage.enums import Role
from storage.errors import InvalidInput, NotFound
from storage.records import UserRecord
from storage.refs import email_key

#: How long this process trusts what it last read of a user. Changes made through this process are seen
#: at once (every write here drops the entry); changes made by another process (the CLI) within this long.
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


def profile(display_name: str, email: str | None, council: str | None) -> dict[str, str | None]:
    """What a platform told us about a person; None where it told us nothing."""
    return {"display_name": display_name or None, "email": email_key(email), "council": council or None}


def is_current(user: UserRecord, wanted: dict[str, str | None]) -> bool:
    """Whether the stored user already says everything the platform told us."""
    return all(v is None or getattr(user, k) == v for k, v in wanted.items())


async def by_key(s: AsyncSession, key: str) -> m.User | None:
    return await s.scalar(select(m.User).where(m.User.key == key))


async def get(s: AsyncSession, key: str) -> UserRecord:
    user = await by_key(s, key)
    if user is None:
        raise NotFound("user", key)
    return user_record(user)


async def find(s: AsyncSession, key: str) -> UserRecord | None:
    user = await by_key(s, key)
    return user_record(user) if user else None


async def upsert(s: AsyncSession, key: str, wanted: dict[str, str | None], now: datetime) -> UserRecord:
    """Create the user on first sight, or refresh what the platform told us more of."""
    user = await by_key(s, key)
    if user is None:
        user = m.User(
            key=key,
            display_name=wanted["display_name"] or key,
            email=wanted["email"],
            council=wanted["council"],
            is_agent=False,
            is_admin=False,
            created_at=now,
        )
        s.add(user)
    else:
        for field_name, value in wanted.items():
            if value is not None:
                setattr(user, field_name, value)
    await s.flush()
    return user_record(user)


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
            return [user_record(u) for u in found]
    return []


def role(name: str) -> Role:
    try:
        return Role(name.lower())
    except ValueError:
        raise InvalidInput("role", "unknown", value=name, allowed=tuple(r.value for r in Role)) from None


async def set_role(
    s: AsyncSession, key: str, role_: Role, enabled: bool, display_name: str | None, now: datetime
) -> UserRecord:
    """Grant or revoke a role; creates the user if the key is new (roles can be given in advance)."""
    user = await by_key(s, key)
    if user is None and not enabled:
        raise NotFound("user", key, reason="never_seen")
    if user is None:
        user = m.User(
            key=key,
            display_name=display_name or key.split(":", 1)[1],
            is_agent=False,
            is_admin=False,
            created_at=now,
        )
        s.add(user)
    if role_ is Role.AGENT:
        user.is_agent = enabled
    elif role_ is Role.LEAD:
        user.is_lead = enabled
    else:
        user.is_admin = enabled
    await s.flush()
    return user_record(user)


def checked_email(email: str) -> str:
    if "@" not in email or email.strip().startswith("@") or email.strip().endswith("@"):
        raise InvalidInput("email", "malformed", value=email)
    return email_key(email) or ""


async def set_email(s: AsyncSession, key: str, email: str) -> UserRecord:
    user = await by_key(s, key)
    if user is None:
        raise NotFound("user", key)
    user.email = email
    return user_record(user)


async def list_all(s: AsyncSession) -> list[UserRecord]:
    return [user_record(u) for u in (await s.scalars(select(m.User).order_by(m.User.key))).all()]
