"""The understanding step: what a message that is not a command means (handlers.nlu.understanding)."""

from handlers.nlu.understanding import Details, Interpretation, explained, guess, understand

__all__ = ["Details", "Interpretation", "explained", "guess", "understand"]
