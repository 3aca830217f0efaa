"""The one entry point every channel calls: text, button clicks and form submissions in; Outcome out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers import strategy, support
from handlers.context import Context, UsageError
from handlers.errors import new_error_id, sorry
from handlers.formatting import clip, plural
from handlers.messages import Sender
from handlers.parser import closest_command, parse
from handlers.problems import problem_text
from handlers.reply import Button, Field, Item, Reply, Tone
from handlers.usage import USAGE, usage_line
from handlers.vocabulary import EXPLICIT_REQUEST, PROBLEM, self_help_for
from storage import Conflict, InvalidInput, NotFound, PermissionDenied, Store
from storage.records import Origin

log = logging.getLogger(__name__)

Command = Callable[[Context, str], Awaitable[Reply]]
MAX_INPUT = 40_000
HOME_LIMIT = (
    10  # requests and actions listed on a personal home page  # characters; anything longer is refused before parsing
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened: the reply to show, the command name and how it went (for metrics and logs)."""

    reply: Reply | None
    command: str
    status: str  # ok, usage, denied, not_found, conflict, error
    form_errors: dict[str, str] = field(default_factory=dict)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Assistant:
    """Platform-neutral command handling. Channels translate in, call this, render the Reply out."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _utcnow):
        self.store = store
        self.clock = clock
        self.commands: dict[str, Command] = {
            "help": self._help,
            "whoami": self._whoami,
            "status": strategy.status,
            "actions": strategy.actions,
            "update": strategy.update,
            "history": strategy.history,
            "support": support.support,
            "ticket": support.ticket,
            "tickets": support.tickets,
            "queue": support.queue,
            "assign": support.assign,
            "priority": support.priority,
            "waiting": support.waiting,
            "resolve": support.resolve,
            "comment": support.comment,
        }

    # ------------------------------------------------------------ entry points

    async def handle(self, text: str, sender: Sender, origin: Origin) -> Outcome:
        """A message or slash command as typed (mentions and /ict prefix allowed)."""
        if len(text or "") > MAX_INPUT:
            return Outcome(
                Reply(
                    tone=Tone.WARNING,
                    text=f"That message is {len(text):,} characters, too long for me to read "
                    f"(the limit is {MAX_INPUT:,}). Please shorten it.",
                ),
                "unknown",
                "usage",
            )
        parsed = parse(text)
        explicit = EXPLICIT_REQUEST.match(parsed.text)  # before commands: "raise a ticket: ..." is not "raise"
        if parsed.verb is not None and not explicit:
            name = parsed.verb
            return await self._run(name, sender, origin, lambda ctx: self.commands[name](ctx, parsed.rest))
        if explicit:
            body = explicit["text"].strip()
            if not body:
                return await self._run("support", sender, origin, lambda ctx: self.commands["support"](ctx, ""))
            return await self._run("support", sender, origin, lambda ctx: support.raise_request(ctx, body))
        return await self._run("conversation", sender, origin, lambda ctx: self._conversation(ctx, parsed))

    async def click(self, action_id: str, value: str, sender: Sender, origin: Origin) -> Outcome:
        """A button press: the same as typing `<action_id> <value>`."""
        return await self.handle(f"{action_id} {value}".strip(), sender, origin)

    async def submit_form(
        self, form_id: str, values: dict[str, str], sender: Sender, origin: Origin, metadata: str = ""
    ) -> Outcome:
        """A submitted form. Mistakes come back in Outcome.form_errors, keyed by input name."""
        handlers = {
            "support": lambda ctx: support.submit_support_form(ctx, values),
            "update": lambda ctx: self._submit_update(ctx, values),
            "resolve": lambda ctx: support.submit_resolve_form(ctx, values, metadata),
        }
        if form_id not in handlers:
            return Outcome(Reply(tone=Tone.ERROR, text="That form has expired; please start again."), form_id, "usage")
        return await self._run(form_id, sender, origin, handlers[form_id])

    async def home(self, sender: Sender, origin: Origin) -> Outcome:
        """A personal overview: my open requests, my actions, the strategy summary."""
        return await self._run("home", sender, origin, self._home)

    async def welcome(self, sender: Sender, origin: Origin, *, personal: bool) -> Reply:
        if personal:
            return Reply(
                title="Hello, I'm the ICT Assistant",
                text=(
                    "I'm the Mid Kent Services ICT service desk and ICT Strategy 2019-2024 tracker for Maidstone, "
                    "Swale and Tunbridge Wells. Tell me about an IT problem and I'll raise a request, or ask how "
                    "the strategy is going."
                ),
                items=tuple(Item(title=u.syntax, text=u.summary) for u in USAGE.values() if not u.agents_only),
                buttons=(Button("Strategy status", "status"), Button("Ask ICT for help", "support")),
            )
        return Reply(
            title="ICT Assistant",
            text=(
                "Hello! I track the MKS ICT Strategy 2019-2024 and the ICT service desk. "
                "Mention me with 'status' to see how the plan is going, or 'help' for everything I can do."
            ),
        )

    # ------------------------------------------------------------ running a command safely

    async def _run(
        self, name: str, sender: Sender, origin: Origin, body: Callable[[Context], Awaitable[Reply | dict]]
    ) -> Outcome:
        try:
            user = await self.store.ensure_user(
                sender.key, sender.display_name, email=sender.email, council=sender.council
            )
            now = self.clock()
            ctx = Context(store=self.store, sender=sender, user=user, origin=origin, now=now, clock=self.clock)
            result = await body(ctx)
            if isinstance(result, dict):
                return Outcome(None, name, "usage", form_errors=result)
            return Outcome(result, name, "ok")
        except UsageError as e:
            command = e.command or name
            hint = f"\n{usage_line(command)}" if command in USAGE else ""
            return Outcome(Reply(tone=Tone.WARNING, text=e.message + hint), name, "usage")
        except PermissionDenied as e:
            return Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "denied")
        except NotFound as e:
            return Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "not_found")
        except InvalidInput as e:
            hint = f"\n{usage_line(name)}" if name in USAGE else ""
            return Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name) + hint), name, "usage")
        except Conflict as e:
            return Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "conflict")
        except Exception:
            error_id = new_error_id()
            log.exception("error id %s: command %s from %s failed", error_id, name, sender.key)
            return Outcome(sorry(error_id), name, "error")

    # ------------------------------------------------------------ small commands

    async def _help(self, ctx: Context, rest: str) -> Reply:
        desk = "" if ctx.user.can_work_tickets else " (ICT service desk only)"
        return Reply(
            title="ICT Assistant: what I can do",
            text="Type a command, or just tell me about an IT problem.",
            items=tuple(
                Item(title=u.syntax, text=f"{u.summary}{desk if u.agents_only else ''}. Example: {u.example}")
                for u in USAGE.values()
            ),
        )

    async def _whoami(self, ctx: Context, rest: str) -> Reply:
        u = ctx.user
        return Reply(
            title=u.display_name,
            text="Give this key to an admin to be granted a role.",
            fields=(
                Field("User key", u.key),
                Field("Email", u.email or "unknown"),
                Field("Council", u.council or "unknown"),
                Field("Roles", ", ".join(u.roles) or "none"),
            ),
        )

    async def _submit_update(self, ctx: Context, values: dict[str, str]) -> Reply | dict[str, str]:
        errors: dict[str, str] = {}
        ref = (values.get("ref") or "").strip().upper()
        rag = (values.get("rag") or "").strip().lower() or None
        note = (values.get("note") or "").strip()
        raw = (values.get("progress") or "").strip().rstrip("%")
        if not ref:
            errors["ref"] = "Choose an action."
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            errors["progress"] = "Progress is a whole number from 0 to 100."
        if rag is not None and rag not in ("red", "amber", "green"):
            errors["rag"] = "Choose red, amber or green."
        if not note:
            errors["note"] = "Say what changed."
        if errors:
            return errors
        return await strategy.apply_update(ctx, ref, int(raw), rag, note)

    async def _home(self, ctx: Context) -> Reply:
        mine = await ctx.store.my_tickets(ctx.user.key, limit=HOME_LIMIT + 1)
        actions = await ctx.store.list_actions(owner_email=ctx.user.email) if ctx.user.email else []
        summaries = await ctx.store.theme_summaries(ctx.today)
        items = [support.ticket_item(t, ctx.now, for_agent=False) for t in mine[:HOME_LIMIT]]
        if len(mine) > HOME_LIMIT:
            items.append(Item(title="More of your requests", text="Type 'tickets' to see them all."))
        items += [strategy.action_item(a, ctx, with_owner=False) for a in actions[:HOME_LIMIT]]
        if len(actions) > HOME_LIMIT:
            items.append(Item(title="More of your actions", text="Type 'actions mine' to see them all."))
        items += [
            Item(
                title=f"{s.theme.code} {s.theme.name}",
                text=f"{s.red} red, {s.amber} amber, {s.green} green · {s.percent_complete}% complete · {s.overdue} overdue",
            )
            for s in summaries
        ]
        return Reply(
            title=f"ICT Assistant for {ctx.user.display_name}",
            text=f"You have {plural(len(mine), 'open request') if len(mine) <= HOME_LIMIT else f'more than {HOME_LIMIT} open requests'}"
            f" and own {plural(len(actions), 'action')}.",
            items=tuple(items),
            buttons=(Button("Ask ICT for help", "support"), Button("Update an action", "update")),
        )

    async def _conversation(self, ctx: Context, parsed) -> Reply:
        text = parsed.text.strip()
        if not text:
            return await self._help(ctx, "")
        if PROBLEM.search(text) or self_help_for(text):
            help_ = self_help_for(text)
            items = (
                (Item(title=f"Self-help: {help_.topic}", text="\n".join(f"• {s}" for s in help_.steps)),)
                if help_
                else ()
            )
            return Reply(
                title="Shall I raise a support request?",
                text=f"It sounds like you have a problem: \u201c{clip(text, 200)}\u201d. "
                "I can log it with the service desk now.",
                items=items,
                buttons=(Button("Create request", "support", clip(text, 1800), style="primary"),),
            )
        suggestion = closest_command(parsed.first_word)
        hint = f" Did you mean '{suggestion}'? {usage_line(suggestion)}" if suggestion in USAGE else ""
        return Reply(
            tone=Tone.WARNING,
            text=f"I didn't understand \u201c{clip(text, 60)}\u201d.{hint} Type 'help' to see everything I can do.",
        )


__all__ = ["Assistant", "Outcome"]
