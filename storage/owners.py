"""Who owns an action, and who may post on it: the one place an action's owner is matched to a person.

An action names its owner by a chat identity (`owner_key`), an email (`owner_email`), or both; its deputies
by either. A user is the owner when their key is the owner key or their email is the owner email; a deputy
likewise. Admins may post on any action. When someone may not, `refusal` says why, as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.records import UserRecord
from storage.refs import email_key


class _Owned(Protocol):
    owner: str
    owner_key: str | None
    owner_email: str | None


def _deputies(action: _Owned) -> tuple[str, ...]:
    raw = getattr(action, "deputies", ()) or ()
    return tuple(d.strip() for d in (raw.split(",") if isinstance(raw, str) else raw) if d.strip())


def is_owner(user: UserRecord, action: _Owned) -> bool:
    if action.owner_key and user.key == action.owner_key:
        return True
    return bool(user.email) and bool(action.owner_email) and user.email == email_key(action.owner_email)


def is_deputy(user: UserRecord, action: _Owned) -> bool:
    names = {d.lower() if "@" in d else d for d in _deputies(action)}
    return user.key in names or bool(user.email and user.email in names)


def may_update(user: UserRecord, action: _Owned) -> bool:
    """The owner, a deputy or an admin."""
    return user.is_admin or is_owner(user, action) or is_deputy(user, action)


def refusal(user: UserRecord, action: _Owned) -> tuple[str, dict]:
    """Why `user` is not the owner of `action`, as a reason code and its details:

    - 'owner_unknown': the plan names the owner only by name, so nobody can be matched;
    - 'no_email': the owner is given by email and the user's account has none the bot knows;
    - 'someone_else': the owner is another identity or email.
    """
    details = {"owner": action.owner, "user_key": user.key}
    if not action.owner_key and not action.owner_email:
        return "owner_unknown", details
    if action.owner_email and not user.email and not action.owner_key:
        return "no_email", details
    return "someone_else", details


def owner_clause(user: UserRecord):
    """A WHERE clause for the actions `user` owns (by key or by email)."""
    clauses = [m.Action.owner_key == user.key]
    if user.email:
        clauses.append(m.Action.owner_email == user.email)
    return or_(*clauses)


async def owner_users(s: AsyncSession, actions: Sequence[m.Action]) -> dict[int, list[m.User]]:
    """For each action (by id), the known users who are its owner: the identity named, and anyone whose
    email is the owner email. Actions whose owner nobody can be matched to map to an empty list."""
    keys = {a.owner_key for a in actions if a.owner_key}
    emails = {email_key(a.owner_email) for a in actions if a.owner_email}
    found: list[m.User] = []
    if keys or emails:
        stmt = select(m.User).where(or_(m.User.key.in_(keys), func.lower(m.User.email).in_(emails)))
        found = list((await s.scalars(stmt.order_by(m.User.key))).all())
    by_key = {u.key: u for u in found}
    by_email: dict[str, list[m.User]] = {}
    for u in found:
        if u.email:
            by_email.setdefault(u.email.lower(), []).append(u)
    result: dict[int, list[m.User]] = {}
    for a in actions:
        people = [by_key[a.owner_key]] if a.owner_key in by_key else []
        for u in by_email.get(email_key(a.owner_email) or "", []):
            if u not in people:
                people.append(u)
        result[a.id] = people
    return result
