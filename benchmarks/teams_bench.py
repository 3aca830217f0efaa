"""Teams endpoint throughput: `status` through POST /api/messages, beside a bare botbuilder echo bot.

Each server runs in its own process (so the msrest fix, a class-level change, is on or off per process);
this process plays the load generator and a fast local Bot Connector. Two delivery modes:

* expectReplies: replies come back in the HTTP response body;
* connector:     replies are POSTed by the bot to the local fake connector (the normal Teams path).

Run:  .venv/bin/python benchmarks/teams_bench.py [--messages 400] [--concurrency 8]
Not part of `make test`; prints figures only.
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


async def _serve_ours(fix: bool) -> web.AppRunner:
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


async def serve(kind: str, fix: bool) -> None:
    runner = await (_serve_ours(fix) if kind == "ours" else _serve_bare(fix))
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


async def run_all(messages: int, concurrency: int) -> None:
    connector, service_url, count = await start_connector()
    results = []
    try:
        for kind in ("bare", "ours"):
            for fix in (False, True):
                child = subprocess.Popen(
                    [sys.executable, __file__, "--serve", kind, "--fix", "on" if fix else "off"],
                    stdout=subprocess.PIPE,
                    text=True,
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                try:
                    line = await asyncio.get_running_loop().run_in_executor(None, child.stdout.readline)
                    url = f"http://127.0.0.1:{int(line.split()[1])}/api/messages"
                    for mode in ("expectReplies", "connector"):
                        before = count[0]
                        r = await load(
                            url,
                            service_url,
                            expect_replies=mode == "expectReplies",
                            messages=messages,
                            concurrency=concurrency,
                        )
                        r |= {"bot": kind, "fix": fix, "mode": mode, "posted": count[0] - before}
                        results.append(r)
                        print(json.dumps(r), file=sys.stderr)
                finally:
                    child.terminate()
                    child.wait()
    finally:
        await connector.cleanup()
    print(
        f"\n`status` via POST /api/messages: {messages} messages, {concurrency} concurrent, CPython {sys.version.split()[0]}"
    )
    print(f"{'bot':<22}{'msrest fix':<12}{'delivery':<15}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for r in results:
        name = "bare echo bot" if r["bot"] == "bare" else "ICT Assistant status"
        print(
            f"{name:<22}{'yes' if r['fix'] else 'no':<12}{r['mode']:<15}"
            f"{r['rate']:>8.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}"
        )
    fixed_bare = {r["mode"]: r["rate"] for r in results if r["bot"] == "bare" and r["fix"]}
    for r in results:
        if r["bot"] == "ours" and r["fix"]:
            print(f"ICT Assistant (fixed) / bare echo (fixed), {r['mode']}: {r['rate'] / fixed_bare[r['mode']]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--fix", choices=["on", "off"], default="on", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.fix == "on"))
    else:
        asyncio.run(run_all(args.messages, args.concurrency))


if __name__ == "__main__":
    main()
