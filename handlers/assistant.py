"""The one entry point every channel calls: text, button clicks and form submissions in; Outcome out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from handlers import follow_up, free_text, plan_upload, strategy, support
from handlers.commands import ALL_COMMANDS
from handlers.context import Context, UsageError
from handlers.errors import new_error_id, sorry
from handlers.formatting import plural
from handlers.help import help_reply, welcome_reply
from handlers.messages import Attachment, Origin, Sender
from handlers.nlu import Interpretation, understand
from handlers.nlu.rules import SECURITY_INCIDENT
from handlers.parser import Parsed
from handlers.problems import problem_text
from handlers.registry import Command, Registry
from handlers.reply import Button, Item, Reply, Tone
from handlers.ticket_cards import ticket_item
from handlers.vocabulary import EXPLICIT_REQUEST
from storage import Conflict, InvalidInput, NotFound, PermissionDenied, Store
from storage.text import clean_text

log = logging.getLogger(__name__)

MAX_INPUT = 40_000  # characters; anything longer is refused before parsing
HOME_LIMIT = 10  # requests and actions listed on a personal home page


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened: the reply to show, the command name and how it went (for metrics and logs)."""

    reply: Reply | None
    command: str
    status: str  # ok, usage, denied, not_found, conflict, error
    form_errors: dict[str, str] = field(default_factory=dict)


def _utcnow() -> datetime:
    return datetime.now(UTC)


#: Interactions that are not commands (each an Outcome's `command` too) and never change anything: a free-text
#: reply, the home page, a welcome.
INTERACTIONS = ("conversation", "home", "welcome")


async def _declined(ctx: Context) -> Reply:
    """'No thanks' to an offer."""
    return Reply(text=follow_up.DECLINED)


class Assistant:
    """Platform-neutral command handling. Channels translate in, call this, render the Reply out."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _utcnow, commands: Registry = ALL_COMMANDS):
        self.store = store
        self.clock = clock
        self.commands = commands

    def knows(self, action_id: str) -> bool:
        """Is this a command a button of ours may name? (Channels ask before treating data as a click.)"""
        return action_id in self.commands

    def shows_again(self, text: str) -> bool:
        """Is `text` a read-only command (a Reply's `again`), safe to re-run to refresh a card?"""
        parsed = self.commands.parse(clean_text(text or "", multiline=False))
        return parsed.verb is not None and self.commands[parsed.verb].reads_only

    def changes_nothing(self, name: str) -> bool:
        """Does the command or interaction `name` (an Outcome's command) only read? Conversation, home and
        welcome replies only read; a name that is no command is assumed to change something."""
        if name in self.commands:
            return self.commands[name].reads_only
        return name in INTERACTIONS

    # ------------------------------------------------------------ entry points

    async def handle(
        self,
        text: str,
        sender: Sender,
        origin: Origin,
        *,
        submission: str | None = None,
        files: Sequence[Attachment] = (),
    ) -> Outcome:
        """A message or slash command as typed (mentions and /ict prefix allowed). submission: see click;
        files: sent with the message (a plan to import), downloaded by the channel."""
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
        parsed = self.commands.parse(clean_text(text or "", multiline=True))
        if files:
            upload = await self._run(
                plan_upload.IMPORT, sender, origin, lambda ctx: plan_upload.receive(ctx, files, parsed.text)
            )
            if upload.reply is not None:
                return upload
            # No reply: the files are not what the message is about; it is handled as its text.
        explicit = EXPLICIT_REQUEST.match(parsed.text)  # before commands: "raise a ticket: ..." is not "raise"
        if parsed.verb is not None and not explicit:
            command = self.commands[parsed.verb]
            outcome = await self._run(
                command.name, sender, origin, lambda ctx: command.run(ctx, parsed.rest), command, submission=submission
            )
            if command.reads_only and outcome.status == "ok" and outcome.reply and outcome.reply.again is None:
                outcome = replace(outcome, reply=replace(outcome.reply, again=f"{command.name} {parsed.rest}".strip()))
            return outcome
        if explicit:
            body = explicit["text"].strip()
            command = self.commands["support"]
            run = (lambda ctx: command.run(ctx, "")) if not body else (lambda ctx: support.raise_request(ctx, body))
            return await self._run("support", sender, origin, run, command, submission=submission)
        return await self._free_text(parsed, sender, origin, submission)

    async def _free_text(self, parsed: Parsed, sender: Sender, origin: Origin, submission: str | None) -> Outcome:
        """A message that is not a command, as it was understood: a security incident is raised at once, a
        clear request for a read-only command runs it, anything else is answered in conversation."""
        seen = understand(parsed.text, today=self.clock().date())
        if seen.intent == SECURITY_INCIDENT and seen.confidence >= free_text.CONFIDENT:
            command = self.commands["support"]
            return await self._run(
                command.name,
                sender,
                origin,
                lambda ctx: support.security_incident(ctx, parsed.text),
                command,
                submission=submission,
            )
        answered = await self._follow_up(parsed, seen, sender, origin)
        if answered is not None:
            return answered
        run = free_text.decide(seen, parsed, self.commands) if parsed.text.strip() else None
        if run is not None and run.command in self.commands:
            command = self.commands[run.command]
            return await self._run(command.name, sender, origin, lambda ctx: command.run(ctx, run.rest), command)
        return await self._run("conversation", sender, origin, lambda ctx: self._conversation(ctx, parsed, seen))

    async def _follow_up(self, parsed: Parsed, seen: Interpretation, sender: Sender, origin: Origin) -> Outcome | None:
        """A short follow-up read in the light of the last exchange here (handlers.follow_up); None: read the
        message as if new."""
        last = await follow_up.last(self.store, sender.key, origin, self.clock())
        follow = follow_up.read(parsed.text, seen, last)
        if follow is None:
            return None
        if follow.declined:
            return await self._run("conversation", sender, origin, _declined)
        if follow.typed is not None:  # the offer accepted: as if its button were pressed
            return await self.handle(follow.typed, sender, origin) if self.commands.parse(follow.typed).verb else None
        try:
            name, rest = await follow_up.about_request(self.store, sender.key, follow)
        except (NotFound, PermissionDenied):  # a request they cannot see is no context
            return None
        command, ref = self.commands[name], follow.ref
        assert ref is not None

        async def run(ctx: Context) -> Reply:
            reply = await command.run(ctx, rest)
            return follow_up.explained(reply, ref, name) if follow.from_context else reply

        return await self._run(name, sender, origin, run, command)

    async def click(
        self, action_id: str, value: str, sender: Sender, origin: Origin, *, submission: str | None = None
    ) -> Outcome:
        """A button press: the same as typing `<action_id> <value>`. submission: the platform's id for this
        press (button instance, presser); a request it raises is raised once, and the same press seen again
        answers with that request."""
        return await self.handle(f"{action_id} {value}".strip(), sender, origin, submission=submission)

    async def submit_form(
        self,
        form_id: str,
        values: dict[str, str],
        sender: Sender,
        origin: Origin,
        metadata: str = "",
        *,
        submission: str | None = None,
    ) -> Outcome:
        """A submitted form. Mistakes come back in Outcome.form_errors, keyed by input name. submission: the
        platform's id for this submission (as for click)."""
        command = self.commands.form(form_id)
        if command is None or command.submit is None:
            return Outcome(Reply(tone=Tone.ERROR, text="That form has expired; please start again."), form_id, "usage")
        submit = command.submit
        values = {k: clean_text(v, multiline=True) if isinstance(v, str) else v for k, v in values.items()}
        metadata = clean_text(metadata or "", multiline=False)
        return await self._run(
            form_id, sender, origin, lambda ctx: submit(ctx, values, metadata), command, submission=submission
        )

    async def home(self, sender: Sender, origin: Origin) -> Outcome:
        """A personal overview: my open requests, my actions, the strategy summary."""
        return await self._run("home", sender, origin, self._home)

    async def welcome(self, sender: Sender, origin: Origin, *, personal: bool) -> Reply:
        return welcome_reply(self.commands, personal=personal)

    # ------------------------------------------------------------ running a command safely

    async def _run(
        self,
        name: str,
        sender: Sender,
        origin: Origin,
        body: Callable[[Context], Awaitable[Reply | dict | None]],
        command: Command | None = None,
        *,
        submission: str | None = None,
    ) -> Outcome:
        """Run `body` for `sender`, once `command`'s role check passed; every failure becomes a reply. A body
        may answer None: it had nothing to say (Outcome.reply None). The reply is kept as the last exchange with
        the person here (handlers.follow_up), for reading a follow-up to it."""
        ctx: Context | None = None
        try:
            user = await self.store.ensure_user(
                sender.key, sender.display_name, email=sender.email, council=sender.council
            )
            if command is not None and not command.who.permits(user):
                return Outcome(Reply(tone=Tone.WARNING, text=command.refused), name, "denied")
            now = self.clock()
            ctx = Context(
                store=self.store,
                sender=sender,
                user=user,
                origin=origin,
                now=now,
                clock=self.clock,
                commands=self.commands,
                submission=submission,
            )
            result = await body(ctx)
            if isinstance(result, dict):
                return Outcome(None, name, "usage", form_errors=result)
            outcome = Outcome(result, name, "ok")
        except UsageError as e:
            line = self.commands.usage_line(e.command or name)
            hint = f"\n{line}" if line else ""
            outcome = Outcome(Reply(tone=Tone.WARNING, text=e.message + hint), name, "usage")
        except PermissionDenied as e:
            outcome = Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "denied")
        except NotFound as e:
            outcome = Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "not_found")
        except InvalidInput as e:
            line = self.commands.usage_line(name)
            hint = f"\n{line}" if line else ""
            outcome = Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name) + hint), name, "usage")
        except Conflict as e:
            outcome = Outcome(Reply(tone=Tone.WARNING, text=problem_text(e, name)), name, "conflict")
        except Exception:
            error_id = new_error_id()
            log.exception("error id %s: command %s from %s failed", error_id, name, sender.key)
            outcome = Outcome(sorry(error_id), name, "error")
        if ctx is not None:
            await follow_up.remember(ctx, outcome.reply)
        return outcome

    # ------------------------------------------------------------ home and conversation

    async def _home(self, ctx: Context) -> Reply:
        mine = await ctx.store.my_tickets(ctx.user.key, limit=HOME_LIMIT + 1)
        actions = await ctx.store.list_actions(owner=ctx.user)
        summaries = await ctx.store.theme_summaries(ctx.now)
        items = [ticket_item(t, ctx.now, for_agent=False) for t in mine[:HOME_LIMIT]]
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
            buttons=(Button("Ask ICT for help", "support"),)
            + ((Button("Update an action", "update"),) if actions or ctx.user.is_admin else ()),
        )

    async def _conversation(self, ctx: Context, parsed: Parsed, seen: Interpretation) -> Reply:
        if not parsed.text.strip():
            return help_reply(self.commands, ctx.user)
        articles = await ctx.store.list_articles() if seen.intent in free_text.MAY_BE_A_PROBLEM else ()
        first_name = ctx.user.display_name.split(" ")[0]
        return free_text.conversation_reply(seen, parsed, self.commands, first_name, articles, ctx.user.council)


__all__ = ["Assistant", "Outcome"]
