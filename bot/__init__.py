"""Channels, renderers, the web server and the `ictbot` command line."""
