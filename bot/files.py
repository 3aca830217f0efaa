"""Files sent to the bot in chat, downloaded for the assistant before it sees the message.

Only what the assistant reads is fetched (plan files, in a personal chat), at most its size limit, within a
time limit, from the places the channel trusts (bot/slack/files.py, bot/teams/files.py), and a redirect is
never followed (it could lead anywhere, with the channel's credentials). A file's address is never logged:
a Teams download address is itself the key to the file.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import aiohttp

from handlers.messages import Attachment, FileProblem
from handlers.plan_upload import wanted
from storage.uploads import MAX_BYTES

log = logging.getLogger(__name__)

DOWNLOAD_SECONDS = 20.0
CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}

#: Fetches one file's bytes, at most the given number of them (DownloadFailed, TooBig).
Fetch = Callable[[int], Awaitable[bytes]]


class DownloadFailed(Exception):
    """The file could not be fetched: a refused address, an HTTP error, no answer in time."""


class TooBig(Exception):
    """The file is larger than the limit."""


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


@dataclass(frozen=True, slots=True)
class TrustedSources:
    """Where a channel's files may come from: https on one of `hosts` (an entry starting with a dot stands
    for every host under that domain), or the scheme, host and port of one of `bases` (a configured URL:
    the Slack API URL, a test server)."""

    hosts: tuple[str, ...]
    bases: tuple[str, ...] = ()

    def allows(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        try:
            parts = urlsplit(url.strip())
            origin = _origin(parts)
            if parts.username or parts.password or not origin[1]:
                return False
            scheme, host, port = origin
            if scheme == "https" and port == 443 and any(self._matches(host, h) for h in self.hosts):
                return True
            return any(origin == _origin(urlsplit(base)) for base in self.bases if base)
        except ValueError:  # not a URL (a bad port, say), or a configured base that is not one
            return False

    @staticmethod
    def _matches(host: str, trusted: str) -> bool:
        return host.endswith(trusted) if trusted.startswith(".") else host == trusted


async def download(
    session: aiohttp.ClientSession, url: str, *, limit: int, headers: Mapping[str, str] | None = None
) -> bytes:
    """The body of a GET of `url`: at most `limit` bytes (TooBig past that), no redirects followed."""
    try:
        timeout = aiohttp.ClientTimeout(total=DOWNLOAD_SECONDS)
        async with session.get(url, headers=headers, allow_redirects=False, timeout=timeout) as response:
            if response.status != 200:
                raise DownloadFailed(f"HTTP {response.status}")
            if response.content_length is not None and response.content_length > limit:
                raise TooBig()
            data = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise TooBig()
            return bytes(data)
    except (aiohttp.ClientError, TimeoutError) as e:
        raise DownloadFailed(type(e).__name__) from None


class Downloader:
    """Downloads from the places one channel trusts, with that channel's headers (Slack: its bot token)."""

    def __init__(
        self, session: aiohttp.ClientSession, sources: TrustedSources, headers: Mapping[str, str] | None = None
    ):
        self.session = session
        self.sources = sources
        self._headers = dict(headers or {})

    def fetcher(self, url: object) -> Fetch:
        """Fetches `url` if the sources allow it (DownloadFailed if not: the headers never go anywhere else)."""

        async def fetch(limit: int) -> bytes:
            if not isinstance(url, str) or not self.sources.allows(url):
                raise DownloadFailed("not an address this channel's files come from")
            return await download(self.session, url, limit=limit, headers=self._headers)

        return fetch


async def attachment(name: str, size: int | None, fetch: Fetch | None) -> Attachment:
    """A file as the assistant gets it: downloaded with `fetch` when it is one the assistant reads; with no
    `fetch` (not a personal chat, or no address to fetch from) it is named only."""
    if fetch is None or not wanted(name):
        return Attachment(name, size)
    if size is not None and size > MAX_BYTES:
        return Attachment(name, size, problem=FileProblem.TOO_BIG)
    try:
        return Attachment(name, size, data=await fetch(MAX_BYTES))
    except TooBig:
        return Attachment(name, size, problem=FileProblem.TOO_BIG)
    except DownloadFailed as e:
        log.warning("could not download a file sent in chat (%s bytes): %s", size, e)
        return Attachment(name, size, problem=FileProblem.UNAVAILABLE)
