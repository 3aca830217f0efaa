"""Files sent to the bot in a Teams personal chat (the manifest's `supportsFiles`): attachments of type
`application/vnd.microsoft.teams.file.download.info`, whose `content.downloadUrl` is a short-lived,
pre-authenticated SharePoint address. No credentials are sent with the download; it is made over https from
SharePoint only (sharepoint.com and every host under it), or from the scheme, host and port of
ICTBOT_TEAMS_FILES_BASE_URL (a test or staging server)."""

from __future__ import annotations

import aiohttp
from botbuilder.schema import Activity

from bot.files import Downloader, TrustedSources, attachment
from handlers.messages import Attachment

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
SHAREPOINT = ("sharepoint.com", ".sharepoint.com")


class TeamsFiles:
    def __init__(self, session: aiohttp.ClientSession, *, base_url: str | None = None):
        self.downloads = Downloader(session, TrustedSources(hosts=SHAREPOINT, bases=(base_url,) if base_url else ()))

    async def attachments(self, activity: Activity, *, personal: bool) -> tuple[Attachment, ...]:
        """The files of a message as the assistant gets them; downloaded in a personal chat only."""
        found = []
        for sent in activity.attachments or []:
            if getattr(sent, "content_type", None) != FILE_DOWNLOAD_INFO:
                continue  # cards, inline images, the message's own HTML
            content = sent.content if isinstance(sent.content, dict) else {}
            name = str(sent.name or f"file.{content.get('fileType') or 'unknown'}")
            fetch = self.downloads.fetcher(content.get("downloadUrl")) if personal else None
            found.append(await attachment(name, None, fetch))
        return tuple(found)
