"""`ictbot chat`: talk to the same handlers from a terminal, as user local:<name>."""

from __future__ import annotations

import getpass
from collections.abc import Callable

from bot.console.notices import CHANNEL, TerminalDeliverer
from bot.notify import Outbox
from bot.runtime import Runtime
from bot.text import render_text
from handlers import Origin, Outcome, Sender
from handlers.reply import Form, InputKind
from storage import user_key

PROMPT = "ict> "


def local_sender(name: str | None, email: str | None = None) -> Sender:
    """You at this terminal: local:<name> (your login name unless given). A bad name is InvalidInput."""
    name = (name if name is not None else getpass.getuser() or "user").strip().removeprefix("local:")
    return Sender(key=user_key(f"local:{name}"), display_name=name, email=email)


class Console:
    def __init__(self, runtime: Runtime, sender: Sender, *, out: Callable[[str], None] = print):
        self.runtime = runtime
        self.sender = sender
        self.origin = Origin(platform=CHANNEL, conversation=sender.key, personal=True)  # your own chat
        self.out = out
        self.outbox = Outbox(runtime.store, metrics=runtime.metrics, recipient_key=sender.key)
        self.outbox.register(TerminalDeliverer(out))

    async def say(self, text: str) -> Outcome:
        outcome = await self.runtime.handle(CHANNEL, text, self.sender, self.origin)
        if outcome.reply is not None:
            self.out(render_text(outcome.reply))
        return outcome

    async def show_notifications(self) -> int:
        """Print what the service desk told this local user since last time (through the outbox)."""
        return await self.outbox.drain()

    async def fill_form(self, form: Form, ask: Callable[[str], str]) -> Outcome:
        """Ask for each input in turn, then submit; mistakes are shown and asked again."""
        values: dict[str, str] = {}
        pending = list(form.inputs)
        while True:
            for field in pending:
                default = field.initial or ""
                choices = ""
                if field.kind is InputKind.CHOICE and field.choices:
                    choices = " (" + ", ".join(c.value for c in field.choices[:12]) + ")"
                suffix = f" [{default}]" if default else ("" if field.required else " (optional)")
                values[field.name] = ask(f"{field.label}{choices}{suffix}: ").strip() or default
            outcome = await self.runtime.submit_form(
                CHANNEL, form.form_id, values, self.sender, self.origin, form.private_metadata
            )
            if not outcome.form_errors:
                if outcome.reply is not None:
                    self.out(render_text(outcome.reply))
                return outcome
            for name, message in outcome.form_errors.items():
                self.out(f"  {name}: {message}")
            pending = [f for f in form.inputs if f.name in outcome.form_errors]

    async def repl(self, ask: Callable[[str], str] = input) -> None:
        self.out(f"ICT Assistant: you are {self.sender.key}. Type 'help', or 'quit' to leave.")
        await self.show_notifications()
        while True:
            try:
                line = ask(PROMPT)
            except (EOFError, KeyboardInterrupt):
                self.out("")
                return
            if line.strip().lower() in ("quit", "exit", "bye"):
                return
            if not line.strip():
                continue
            outcome = await self.say(line)
            form = outcome.reply.form if outcome.reply is not None else None
            if form is not None and ask("Fill in the form now? [Y/n] ").strip().lower() in ("", "y", "yes"):
                await self.fill_form(form, ask)
            await self.show_notifications()
