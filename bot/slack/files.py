"""Files shared with the bot in Slack (a `message` event with subtype `file_share` and its `files`).

In a DM, the files the assistant reads are downloaded from their `url_private_download` with the bot token
(scope files:read), only from Slack's file host, or the host of SLACK_API_URL (a test or staging server):
the token is never sent anywhere else.
"""

from __future__ import annotations

import aiohttp

from bot.files import Downloader, TrustedSources, attachment
from handlers.messages import Attachment

FILES_HOST = "files.slack.com"


def shared_files(event: dict) -> list[dict]:
    """The file objects of a message event (none for most messages)."""
    files = event.get("files")
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


class SlackFiles:
    def __init__(self, session: aiohttp.ClientSession, token: str, api_url: str):
        sources = TrustedSources(hosts=(FILES_HOST,), bases=(api_url,))
        self.downloads = Downloader(session, sources, {"Authorization": f"Bearer {token}"})

    async def attachments(self, event: dict, *, direct: bool) -> tuple[Attachment, ...]:
        """The files of a message as the assistant gets them; downloaded in a DM only."""
        found = []
        for f in shared_files(event):
            name = str(f.get("name") or f.get("title") or "file")
            size = f.get("size") if isinstance(f.get("size"), int) else None
            fetch = self.downloads.fetcher(f.get("url_private_download")) if direct else None
            found.append(await attachment(name, size, fetch))
        return tuple(found)
