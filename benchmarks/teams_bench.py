"""Teams endpoint throughput: `status` through POST /api/messages, beside a bare botbuilder echo bot.

Each server runs in its own process (so the msrest fix, a class-level change, is on or off per process);
this process plays the load generator and a fast local Bot Connector. Two delivery modes:

* expectReplies: replies come back in the HTTP response body;
* connector:     replies are POSTed by the bot to the local fake connector (the normal Teams path).

Run:  .venv/bin/python benchmarks/teams_bench.py [--messages 400] [--concurrency 8] [--rounds 1] [--compare M]
Not part of `make test`; prints figures only.

With --rounds N the four servers are started again in each round (bare and ours alternating, so drift in
the machine's load falls on both) and the table shows medians; each ratio is taken within its round.
"server CPU" is the bot process's user+system CPU time per message (threads included, from /proc), a
yardstick that other load on the machine disturbs much less than msg/s.

With --compare MEASURE (repeatable) only our bot runs: with every speed measure of bot/teams/ on, and with
each named one switched off in its server process (see `_switch_off`), alternating in every round. A measure
is kept only while it changes a figure by more than 20% at --concurrency 50.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STOCK_SAFE_CODES = [i for i in range(500) if i != 408] + [501, 505]


# ---------------------------------------------------------------- servers (child processes)


def _set_msrest_fix(on: bool) -> None:
    from msrest.universal_http.requests import ClientRetryPolicy

    ClientRetryPolicy.safe_codes = frozenset(STOCK_SAFE_CODES) if on else list(STOCK_SAFE_CODES)


def _switch_off(name: str) -> None:
    """Turn one of our speed measures off in this (server) process, to measure what it is worth."""
    import bot.teams.activity_bot as activity_bot
    import bot.teams.cards as cards
    import bot.teams.deliver as deliver
    import bot.teams.references as references
    import bot.teams.sdk_patches as sdk_patches

    if name == "card-json":  # cards as plain dicts: msrest walks them, TurnContext deep-copies them
        from botbuilder.integration.aiohttp import CloudAdapter

        cards.CardJSON = dict
        deliver.CardJSON = dict
        sdk_patches.TeamsCloudAdapter._process_turn_results = CloudAdapter._process_turn_results
    elif name == "card-cache":  # every reply rendered afresh
        cards.RenderedCards.content = lambda self, reply: cards.CardJSON(cards.render_adaptive_card(reply))
    elif name == "saved-references":  # the reference written to the database on every message

        async def remember(self, owner: str, reference: dict) -> None:
            stored = {k: v for k, v in reference.items() if k != "activityId"}
            await self.runtime.store.save_conversation_reference(references.PLATFORM, owner, stored)

        activity_bot.TeamsBot._remember = remember
    elif name == "msrest-retry":  # msrest's retry codes a list again
        _set_msrest_fix(False)
    else:
        raise SystemExit(f"unknown measure {name!r}; one of {', '.join(MEASURES)}")


MEASURES = ("card-json", "card-cache", "saved-references", "msrest-retry")


async def _serve_ours(fix: bool, without: tuple[str, ...] = ()) -> web.AppRunner:
    import logging

    logging.disable(logging.WARNING)
    from bot.runtime import build_runtime
    from bot.server import create_app
    from bot.settings import Settings
    from bot.teams.app import setup_teams

    db = Path(tempfile.mkdtemp()) / "bench.db"
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{db}", microsoft_app_id="")
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_teams])  # applies the fix
    _set_msrest_fix(fix)
    for name in without:
        _switch_off(name)
    return web.AppRunner(app, access_log=None)


async def _serve_bare(fix: bool) -> web.AppRunner:
    """The BotBuilder-Samples echo bot, as small as it gets (stock CloudAdapter.process for normal delivery;
    for expectReplies the same call, with the body serialised as ours is, since stock answers 500)."""
    from botbuilder.core import ActivityHandler, MessageFactory, serializer_helper
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
    from botbuilder.schema import Activity
    from msrest.serialization import Model

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context):
            await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()
    _set_msrest_fix(fix)

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("deliveryMode") != "expectReplies":
            return await adapter.process(request, bot)
        response = await adapter.process_activity("", Activity().deserialize(body), bot.on_turn)
        data = response.body
        return web.json_response(serializer_helper(data) if isinstance(data, Model) else data, status=response.status)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return web.AppRunner(app, access_log=None)


async def serve(kind: str, fix: bool, without: tuple[str, ...] = ()) -> None:
    runner = await (_serve_ours(fix, without) if kind == "ours" else _serve_bare(fix))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


# ---------------------------------------------------------------- load generator and fake connector


async def start_connector() -> tuple[web.AppRunner, str, list[int]]:
    count = [0]

    async def reply(request: web.Request) -> web.Response:
        await request.read()
        count[0] += 1
        return web.json_response({"id": f"a{count[0]}"})

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", reply)
    app.router.add_post("/v3/conversations/{conversation}/activities", reply)
    app.router.add_get(
        "/v3/conversations/{conversation}/members/{member}",
        lambda r: web.json_response({"id": "29:bench", "name": "Bench User", "email": "bench@midkent.gov.uk"}),
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/", count


def activity(i: int, service_url: str, expect_replies: bool) -> dict:
    a = {
        "type": "message",
        "id": f"m{i}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": "29:bench", "name": "Bench User", "aadObjectId": "aad-bench"},
        "recipient": {"id": "28:bot", "name": "ICT Assistant"},
        "conversation": {"id": "a:personal-bench", "conversationType": "personal", "tenantId": "t"},
        "channelData": {"tenant": {"id": "t"}},
        "text": "status",
    }
    if expect_replies:
        a["deliveryMode"] = "expectReplies"
    return a


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (all its threads); None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(url: str, service_url: str, *, expect_replies: bool, messages: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    async with ClientSession() as session:

        async def one(i: int) -> None:
            nonlocal errors
            start = time.perf_counter()
            async with session.post(url, json=activity(i, service_url, expect_replies)) as response:
                await response.read()
                if response.status not in (200, 201):
                    errors += 1
            latencies.append(time.perf_counter() - start)

        for i in range(20):  # warm-up
            await one(-i)
        latencies.clear()
        queue = iter(range(messages))

        async def worker() -> None:
            for i in queue:
                await one(i)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": messages / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors,
    }


async def measure(serve_args: list[str], service_url: str, count: list[int], messages: int, concurrency: int):
    """Start one server process (`--serve ...` arguments), load it in both delivery modes, stop it."""
    child = subprocess.Popen(
        [sys.executable, __file__, *serve_args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    results = []
    try:
        line = await asyncio.get_running_loop().run_in_executor(None, child.stdout.readline)
        url = f"http://127.0.0.1:{int(line.split()[1])}/api/messages"
        for mode in ("expectReplies", "connector"):
            before, cpu_before = count[0], cpu_seconds(child.pid)
            r = await load(
                url, service_url, expect_replies=mode == "expectReplies", messages=messages, concurrency=concurrency
            )
            cpu_after = cpu_seconds(child.pid)
            cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            r |= {
                "mode": mode,
                "posted": count[0] - before,
                # the warm-up messages are inside the CPU window too
                "cpu_ms": None if cpu is None else cpu / (messages + 20) * 1000,
            }
            results.append(r)
    finally:
        child.terminate()
        child.wait()
    return results


def _median_row(rs: list[dict]) -> str:
    cpus = [r["cpu_ms"] for r in rs if r["cpu_ms"] is not None]
    cpu = f"{statistics.median(cpus):.2f}" if cpus else "-"
    return (
        f"{statistics.median(r['rate'] for r in rs):>8.0f}"
        f"{statistics.median(r['p50'] for r in rs):>9.1f}"
        f"{statistics.median(r['p99'] for r in rs):>9.1f}"
        f"{cpu:>19}{sum(r['errors'] for r in rs):>8}"
    )


async def collect(configs: list[tuple[dict, list[str]]], messages: int, concurrency: int, rounds: int) -> list[dict]:
    """Each (tags, `--serve` arguments) server, started again in every round in the same order (so drift in
    the machine's load falls on all of them); every result carries its tags and round."""
    connector, service_url, count = await start_connector()
    results = []
    try:
        for round_ in range(rounds):
            for tags, serve_args in configs:
                for r in await measure(serve_args, service_url, count, messages, concurrency):
                    r |= {**tags, "round": round_}
                    results.append(r)
                    print(json.dumps(r), file=sys.stderr)
    finally:
        await connector.cleanup()
    print(
        f"\n`status` via POST /api/messages: {messages} messages, {concurrency} concurrent, {rounds} round(s), "
        f"CPython {sys.version.split()[0]}" + (", medians" if rounds > 1 else "")
    )
    return results


async def run_compare(measures: list[str], messages: int, concurrency: int, rounds: int) -> None:
    """Our bot with every measure on, against our bot with each of `measures` off (msrest fix on)."""
    variants = ["all on", *measures]
    configs = [({"variant": v}, ["--serve", "ours", *([] if v == "all on" else ["--without", v])]) for v in variants]
    results = await collect(configs, messages, concurrency, rounds)
    print(
        f"{'ICT Assistant':<26}{'delivery':<15}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU ms/msg':>19}{'errors':>8}"
    )
    for variant in variants:
        for mode in ("expectReplies", "connector"):
            rs = [r for r in results if (r["variant"], r["mode"]) == (variant, mode)]
            name = variant if variant == "all on" else f"without {variant}"
            print(f"{name:<26}{mode:<15}{_median_row(rs)}")


async def run_all(messages: int, concurrency: int, rounds: int = 1) -> None:
    configs = [
        ({"bot": kind, "fix": fix}, ["--serve", kind, "--fix", "on" if fix else "off"])
        for kind, fix in (("bare", False), ("ours", False), ("bare", True), ("ours", True))
    ]
    results = await collect(configs, messages, concurrency, rounds)
    print(
        f"{'bot':<22}{'msrest fix':<12}{'delivery':<15}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU ms/msg':>19}{'errors':>8}"
    )
    for kind in ("bare", "ours"):
        for fix in (False, True):
            for mode in ("expectReplies", "connector"):
                rs = [r for r in results if (r["bot"], r["fix"], r["mode"]) == (kind, fix, mode)]
                name = "bare echo bot" if kind == "bare" else "ICT Assistant status"
                print(f"{name:<22}{'yes' if fix else 'no':<12}{mode:<15}{_median_row(rs)}")
    for mode in ("expectReplies", "connector"):
        ratios = []
        for round_ in range(rounds):
            rate = {r["bot"]: r["rate"] for r in results if r["fix"] and r["mode"] == mode and r["round"] == round_}
            ratios.append(rate["ours"] / rate["bare"])
        spread = f" (rounds: {', '.join(f'{x:.2f}' for x in ratios)})" if rounds > 1 else ""
        print(f"ICT Assistant (fixed) / bare echo (fixed), {mode}: {statistics.median(ratios):.2f}x{spread}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="start every server this many times; medians")
    parser.add_argument("--serve", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--fix", choices=["on", "off"], default="on", help=argparse.SUPPRESS)
    parser.add_argument("--without", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument(
        "--compare",
        metavar="MEASURE",
        action="append",
        choices=MEASURES,
        help="compare our bot with this speed measure off against all on (repeatable); skips the bare bot",
    )
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.fix == "on", tuple(args.without)))
    elif args.compare:
        asyncio.run(run_compare(args.compare, args.messages, args.concurrency, args.rounds))
    else:
        asyncio.run(run_all(args.messages, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
