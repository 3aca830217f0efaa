"""The local console channel: `ictbot chat`."""
