"""The support scenario of slack_bench.py: a burst of signed `/ict support <text>` commands, each with new text.

wrk cycles through a file of pre-signed requests (one a line: timestamp, signature, form body), written just
before each load so every timestamp is inside Slack's five-minute window. Each text carries a marker
(`q<run>n<i>`), which our server's ack echoes (the request's summary), so the Lua script records exactly which
requests were acknowledged with a 200. Afterwards the run is checked against the database and the fake Web
API: every acknowledged request is stored once, and its triage post (chat.postMessage) is sent once.

wrk stops after its duration with requests still in flight; the server finishes those and stores them, but
nobody sees their 200. They are counted separately ("finished after wrk stopped", at most one per
connection), so the check is exact: acknowledged == stored - finished after wrk stopped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

MARKER = re.compile(r"q\d+n\d+")
USERS = tuple(f"UB{n}" for n in range(1, 6))  # a handful of people raising requests at once
#: Bodies written per second of load: more than any server here answers, so wrk never wraps around.
BODIES_PER_SECOND = 4000

LUA = r"""
-- Globals, not locals: done() reads them from each thread with thread:get().
local requests, count, i = {}, 0, 0
acked, ok, other, wrapped = {}, 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  out = args[2]
  for line in io.lines(args[1]) do
    local ts, sig, body = line:match("^(%d+)\t(%S+)\t(.*)$")
    count = count + 1
    requests[count] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = ts,
      ["X-Slack-Signature"] = sig,
    }, body)
  end
end

function request()
  i = i + 1
  if i > count then
    i, wrapped = 1, wrapped + 1
  end
  return requests[i]
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
    local marker = body:match("q%d+n%d+")
    if marker then acked[#acked + 1] = marker end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local f = io.open(threads[1]:get("out"), "w")
  for _, t in ipairs(threads) do
    f:write("ok ", t:get("ok"), "\n", "other ", t:get("other"), "\n", "wrapped ", t:get("wrapped"), "\n")
    for _, m in ipairs(t:get("acked")) do f:write("acked ", m, "\n") end
  end
  f:close()
end
"""


def support_body(marker: str, user: str) -> str:
    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/ict",
            "text": f"support my VPN keeps dropping every few minutes, case {marker}",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": f"t-{marker}",
        }
    )


def write_bodies(path: str, run: int, count: int, secret: str) -> None:
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(secret)
    ts = str(int(time.time()))
    with open(path, "w") as f:
        for n in range(count):
            body = support_body(f"q{run}n{n}", USERS[n % len(USERS)])
            f.write(f"{ts}\t{verifier.generate_signature(timestamp=ts, body=body)}\t{body}\n")


@dataclass
class Burst:
    rps: float
    p50: float
    p99: float
    errors: int  # non-2xx responses and socket errors (timeouts included)
    ok: int
    acked: list[str]
    wrapped: int


def ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(url: str, run: int, seconds: int, connections: int, secret: str) -> Burst:
    tmp = tempfile.mkdtemp(prefix="support-burst-")
    bodies, script, out = (os.path.join(tmp, name) for name in ("bodies.tsv", "burst.lua", "acked.txt"))
    try:
        write_bodies(bodies, run, seconds * BODIES_PER_SECOND, secret)
        with open(script, "w") as f:
            f.write(LUA)
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
        text = subprocess.run(
            [*command, "-s", script, url, "--", bodies, out],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        counts, acked = {}, []
        with open(out) as f:
            for line in f:
                key, value = line.split()
                if key == "acked":
                    acked.append(value)
                else:
                    counts[key] = counts.get(key, 0) + int(value)
    finally:
        for name in ("bodies.tsv", "burst.lua", "acked.txt"):
            if os.path.exists(os.path.join(tmp, name)):
                os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return Burst(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1]),
        p50=ms(re.search(r"^\s+50%\s+(\S+)", text, re.M)[1]),
        p99=ms(re.search(r"^\s+99%\s+(\S+)", text, re.M)[1]),
        errors=counts.get("other", 0) + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0),
        ok=counts.get("ok", 0),
        acked=acked,
        wrapped=counts.get("wrapped", 0),
    )


# ------------------------------------------------------------ the checks


async def _stored(database_url: str, run: int, *, drain_timeout: float = 300.0) -> tuple[Counter, int, float]:
    """(markers of this run's requests in the database, notifications still pending, seconds waited)."""
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(database_url)
    started = time.monotonic()
    try:
        async with engine.connect() as conn:
            while True:
                pending = await conn.scalar(text("SELECT count(*) FROM notifications WHERE state = 'pending'"))
                await conn.rollback()
                if not pending or time.monotonic() - started > drain_timeout:
                    break
                await asyncio.sleep(0.5)
            rows = await conn.execute(
                text("SELECT summary FROM support_requests WHERE summary LIKE :run"), {"run": f"%case q{run}n%"}
            )
            stored = Counter(MARKER.search(summary)[0] for (summary,) in rows)
    finally:
        await engine.dispose()
    return stored, pending, time.monotonic() - started


async def _posted(api_url: str) -> Counter:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(f"{api_url}_posts") as r:
        return Counter(json.loads(await r.text()))


def check(burst: Burst, database_url: str, api_url: str, run: int, connections: int) -> tuple[bool, str]:
    """Every acknowledged request stored once, and its triage post sent once (after the outbox drains)."""
    stored, pending, waited = asyncio.run(_stored(database_url, run))
    posted = asyncio.run(_posted(api_url))
    posted = Counter({m: n for m, n in posted.items() if m.startswith(f"q{run}n")})
    acked = Counter(burst.acked)
    lost = [m for m in acked if stored[m] == 0]
    late = [m for m in stored if m not in acked]
    twice = [m for m, n in (stored + acked).items() if stored[m] > 1 or acked[m] > 1]
    unposted = [m for m in stored if posted[m] == 0]
    reposted = [m for m, n in posted.items() if n > 1 or m not in stored]
    ok = (
        not lost
        and not twice
        and not unposted
        and not reposted
        and not pending
        and len(late) <= connections
        and burst.ok == len(acked)
        and not burst.wrapped
    )
    line = (
        f"acknowledged {len(acked)} (200s {burst.ok}), stored {sum(stored.values())} = acknowledged "
        f"+ {len(late)} finished after wrk stopped; acknowledged but not stored {len(lost)}; "
        f"stored or acknowledged twice {len(twice)}; triage posts {sum(posted.values())} "
        f"(missing {len(unposted)}, extra {len(reposted)}); outbox drained in {waited:.1f}s"
        + (f", {pending} STILL PENDING" if pending else "")
        + (f"; wrk reused bodies {burst.wrapped}x" if burst.wrapped else "")
    )
    return ok, line
