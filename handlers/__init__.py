"""Platform-neutral command handling for the ICT Assistant. Imports no chat SDK or web framework."""

from handlers.assistant import Assistant, Outcome
from handlers.messages import Origin, Sender
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Pick, Reply, Tone, Visibility

__all__ = [
    "Assistant",
    "Button",
    "Choice",
    "Field",
    "Form",
    "Input",
    "InputKind",
    "Item",
    "Origin",
    "Outcome",
    "Pick",
    "Reply",
    "Sender",
    "Tone",
    "Visibility",
]
