"""Who owns an action, and who may post on it: the one place an action's owner is matched to a person.

An action names its owner by a chat identity (`owner_key`), an email (`owner_email`), or both; its deputies
by either. A user is the owner when one of their person's identities (UserRecord.person_keys: the users who
share their verified email) is the owner key, or their email is the owner email; a deputy likewise. So an
action owned by `slack:U1` may be updated by the same person's Teams identity. Admins may post on any action.
When someone may not, `refusal` says why, as data.
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
    if action.owner_key and action.owner_key in user.person_keys:
        return True
    return bool(user.email) and bool(action.owner_email) and user.email == email_key(action.owner_email)


def is_deputy(user: UserRecord, action: _Owned) -> bool:
    names = {d.lower() if "@" in d else d for d in _deputies(action)}
    return any(k in names for k in user.person_keys) or bool(user.email and user.email in names)


def may_update(user: UserRecord, action: _Owned) -> bool:
    """The owner, a deputy or an admin."""
    return user.is_admin or is_owner(user, action) or is_deputy(user, action)


def refusal(user: UserRecord, action: _Owned) -> tuple[str, dict]:
    """Why `user` is not the owner of `action`, as a reason code and its details:

    - 'owner_unknown': the plan names the owner only by name, so nobody can be matched;
    - 'no_email': the user's account has no email the bot knows, and only an email could match them: the owner
      is given by email alone, or by an identity on another platform (one person's identities share an email);
    - 'someone_else': the owner is another identity or email.
    """
    details = {"owner": action.owner, "user_key": user.key}
    if not action.owner_key and not action.owner_email:
        return "owner_unknown", details
    elsewhere = bool(action.owner_key) and action.owner_key.split(":", 1)[0] != user.platform
    if not user.email and (elsewhere or not action.owner_key):
        return "no_email", details
    return "someone_else", details


def owner_clause(user: UserRecord):
    """A WHERE clause for the actions `user` owns (by any of their identities' keys, or by email)."""
    clauses = [m.Action.owner_key.in_(user.person_keys)]
    if user.email:
        clauses.append(m.Action.owner_email == user.email)
    return or_(*clauses)


async def owner_users(s: AsyncSession, actions: Sequence[m.Action]) -> dict[int, list[m.User]]:
    """For each action (by id), the known users who are its owner: the identity named with the rest of that
    person's identities, and anyone whose email is the owner email. Actions whose owner nobody can be matched
    to map to an empty list."""
    keys = {a.owner_key for a in actions if a.owner_key}
    emails = {email_key(a.owner_email) for a in actions if a.owner_email}
    found: list[m.User] = []
    if keys or emails:
        stmt = select(m.User).where(or_(m.User.key.in_(keys), func.lower(m.User.email).in_(emails)))
        found = list((await s.scalars(stmt.order_by(m.User.key))).all())
    by_key = {u.key: u for u in found}
    more = {by_key[k].email.lower() for k in keys if k in by_key and by_key[k].email} - emails
    if more:
        stmt = select(m.User).where(func.lower(m.User.email).in_(more), m.User.key.not_in(by_key))
        found += (await s.scalars(stmt.order_by(m.User.key))).all()
    by_email: dict[str, list[m.User]] = {}
    for u in found:
        if u.email:
            by_email.setdefault(u.email.lower(), []).append(u)
    result: dict[int, list[m.User]] = {}
    for a in actions:
        named = by_key.get(a.owner_key or "")
        people = [named] if named else []
        for email in (email_key(a.owner_email), email_key(named.email) if named else None):
            for u in by_email.get(email or "", []):
                if u not in people:
                    people.append(u)
        result[a.id] = people
    return result
