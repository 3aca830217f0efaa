"""The Slack channel: slack-bolt's AsyncApp on our aiohttp server (or Socket Mode), Block Kit out."""
