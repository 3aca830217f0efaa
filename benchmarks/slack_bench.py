"""Benchmark: signed `/ict status` slash commands at 50 concurrent connections against POST /slack/events.

Compares our whole stack (bolt AsyncApp with process_before_response=True, the handlers, SQLite with the
sample plan) with a bare slack-bolt app on the same machine that acknowledges `/ict` with a constant text
(bolt's defaults), and for reference the same bare app with process_before_response=True.

Each server runs in its own process, started once and kept up for all the rounds; each round loads every
server in turn, rotating the order so each takes each slot, and the throughput ratio is computed per round
(servers measured seconds apart, under the same machine load) and reported as the median over the rounds,
with the bare app's spread across rounds as a noise indicator. The load comes from wrk (Debian package `wrk`)
when it is installed, otherwise from a Python aiohttp load generator in another process. A local fake Web API
answers the few calls the apps make (auth.test, users.info).

    .venv/bin/python benchmarks/slack_bench.py [--rounds 3] [--seconds 10] [--connections 50]
        [--generator wrk|python] [--canned] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import support_burst

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

SECRET = "benchmark-signing-secret"
TOKEN = "xoxb-benchmark"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_status_request() -> tuple[str, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "UBENCH",
            "user_name": "bench",
            "command": "/ict",
            "text": "status",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "t1",
        }
    )
    ts = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


# ------------------------------------------------------------ the processes


def run_fake_api(port: int, latency_ms: float = 0.0) -> None:
    """auth.test, users.info (anyone), chat.postMessage counted by the request marker its text carries
    (GET /api/_posts returns {marker: posts}); everything else answers ok. latency_ms delays each answer."""
    from collections import Counter

    from aiohttp import web
    from support_burst import MARKER

    posts: Counter = Counter()
    sent = itertools.count(1)

    async def args(request: web.Request) -> dict:
        if request.content_type == "application/json":
            return {**request.query, **(await request.json())}
        return {**request.query, **(await request.post())}

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "_posts":
            return web.json_response(posts)
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1"})
        if method == "users.info":
            user = (await args(request)).get("user") or "UBENCH"
            profile = {"real_name": f"Bench {user}", "email": f"{user.lower()}@bench.gov.uk"}
            return web.json_response({"ok": True, "user": {"id": user, "profile": profile}})
        if method == "chat.postMessage":
            found = MARKER.search((await args(request)).get("text") or "")
            posts[found[0] if found else "-"] += 1
            return web.json_response({"ok": True, "channel": "CDESK", "ts": f"1700000000.{next(sent):06d}"})
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def run_ours(
    port: int, api_port: int, database_url: str, canned: bool = False, profile: str = "", phases: bool = False
) -> None:
    """Our server. canned (a diagnostic): the status reply is computed once at start-up and every command
    returns it, so the figures show the Slack layer alone (bolt, listener, Block Kit) without handlers/storage."""
    import logging

    from bot.server import create_app
    from bot.settings import Settings
    from bot.slack.app import setup_slack

    logging.basicConfig(level=logging.WARNING)
    settings = Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=f"http://127.0.0.1:{api_port}/api/",
        SLACK_SUPPORT_CHANNEL="#ict-desk",
        ICTBOT_TEAMS_ENABLED=False,
    )
    from aiohttp import web

    app = create_app(settings, setups=[setup_slack])
    if canned:
        from bot.server import RUNTIME
        from handlers import Origin, Sender

        async def can_status(app):
            runtime = app[RUNTIME]
            outcome = await runtime.handle("slack", "status", Sender("slack:UBENCH", "Bench"), Origin("slack"))

            async def handle(*_args, **_kwargs):
                return outcome

            runtime.handle = handle
            yield

        app.cleanup_ctx.append(can_status)
    if phases:
        import phases as phase_times

        from bot.server import RUNTIME

        async def time_phases(app):
            phase_times.install(app[RUNTIME].engine)
            yield
            print("\nour server, wall time by phase (all requests of the run):\n" + phase_times.report(), flush=True)

        app.cleanup_ctx.append(time_phases)
    if not profile:
        web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
    finally:
        profiler.disable()
        profiler.dump_stats(profile)


def run_bare(port: int, api_port: int, process_before_response: bool) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=f"http://127.0.0.1:{api_port}/api/"),
        signing_secret=SECRET,
        process_before_response=process_before_response,
    )

    @bolt.command("/ict")
    async def ict(ack):
        await ack("ICT Assistant is here.")

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *args], cwd=REPO, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _wait_ready(url: str, timeout: float = 60) -> None:
    import aiohttp

    body, headers = signed_status_request()
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.post(url, data=body, headers=headers) as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up")
            await asyncio.sleep(0.2)


# ------------------------------------------------------------ load generators


def load_with_wrk(url: str, seconds: int, connections: int) -> dict:
    body, headers = signed_status_request()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write('wrk.method = "POST"\n')
        f.write(f"wrk.body = {json.dumps(body)}\n")
        for k, v in headers.items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
        script = f.name
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script)

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1])
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors[1]) if errors else 0}


async def _python_load(url: str, seconds: int, connections: int) -> dict:
    import aiohttp

    body, headers = signed_status_request()
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds

    async def worker(session):
        nonlocal errors
        while time.monotonic() < stop_at:
            t = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as r:
                await r.read()
                if r.status != 200:
                    errors += 1
            latencies.append((time.perf_counter() - t) * 1000)

    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "errors": errors,
    }


def load_with_python(url: str, seconds: int, connections: int) -> dict:
    """In a separate process, so the generator does not share the server's interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "_load", url, str(seconds), str(connections)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------ the run


def load(url: str, seconds: int, args) -> dict:
    return (load_with_wrk if args.generator == "wrk" else load_with_python)(url, seconds, args.connections)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50, help="connections of the status scenario")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each measures every server once")
    parser.add_argument("--scenario", choices=["status", "support", "all"], default="all")
    parser.add_argument(
        "--support-connections", default="50,128", help="connection counts of the support scenario (comma-separated)"
    )
    parser.add_argument("--generator", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument(
        "--canned", action="store_true", help="also measure our Slack layer with the status reply precomputed"
    )
    parser.add_argument("--api-latency-ms", type=float, default=0.0, help="delay of every fake Web API answer")
    parser.add_argument("--phases", action="store_true", help="print our server's wall time by phase at the end")
    parser.add_argument("--profile", help="write a cProfile of our server process (event-loop thread) to this file")
    parser.add_argument(
        "--database-url",
        help="database for our app (default: a fresh SQLite file). A PostgreSQL database given here is WIPED "
        "(every ictbot table and alembic_version dropped, then migrated afresh): give it one of its own. "
        "A SQLite URL must name a file that does not exist yet.",
    )
    args = parser.parse_args()
    if args.scenario != "status" and args.generator != "wrk":
        parser.error("the support scenario needs wrk (Debian package wrk)")
    support_connections = [int(c) for c in args.support_connections.split(",") if c.strip()]

    api_port = free_port()
    backend = (args.database_url or "sqlite").split(":", 1)[0].split("+", 1)[0]
    fake = start("_fake", str(api_port), str(args.api_latency_ms))
    api_url = f"http://127.0.0.1:{api_port}/api/"
    procs: list[subprocess.Popen] = []
    status_rounds: list[dict[str, dict]] = []
    support_rounds: list[dict[tuple[int, str], dict]] = []
    checks: list[tuple[bool, str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/b.db"
            from storage.db import is_sqlite

            if not is_sqlite(database_url):
                from handlers_bench import reset_schema

                asyncio.run(reset_schema(database_url))
            ours_args = [
                "_ours",
                str(free_port()),
                str(api_port),
                database_url,
                args.profile or "",
                str(int(args.phases)),
            ]
            servers = [
                (OURS, ours_args),
                (BARE, ["_bare", str(free_port()), str(api_port), "0"]),
                (BARE_PBR, ["_bare", str(free_port()), str(api_port), "1"]),
            ]
            if args.canned:
                servers.append(
                    (CANNED, ["_canned", str(free_port()), str(api_port), f"sqlite+aiosqlite:///{tmp}/c.db"])
                )
            # Every server is started once and stays up for all the rounds (idle while another is measured),
            # so each round compares the same warmed-up processes; only the machine's load differs.
            urls = {}
            for name, server_args in servers:
                procs.append(start(*server_args))
                urls[name] = f"http://127.0.0.1:{server_args[1]}/slack/events"
            for url in urls.values():
                asyncio.run(_wait_ready(url))
                load(url, 2, args)  # warm up: connection pools, SQLite pages, caches
            runs = itertools.count(1)
            if args.scenario != "status":  # warm up: the burst's people are known, the outbox has run
                run = next(runs)
                warm = support_burst.load(urls[OURS], run, 2, 10, SECRET)
                print(f"support warm-up check: {support_burst.check(warm, database_url, api_url, run, 10)[1]}")
            names = [name for name, _ in servers]
            for r in range(args.rounds if args.scenario != "support" else 0):
                order = names[r % len(names) :] + names[: r % len(names)]  # each server takes each slot in turn
                results = {}
                for name in order:
                    results[name] = load(urls[name], args.seconds, args)
                status_rounds.append(results)
                print(
                    f"status round {r + 1}/{args.rounds}: "
                    + ", ".join(f"{SHORT[name]} {results[name]['rps']:.0f}" for name in order)
                    + " req/s",
                    flush=True,
                )
            pair = [OURS, BARE]
            for r in range(args.rounds if args.scenario != "status" else 0):
                results = {}
                for connections in support_connections:
                    for name in pair[r % 2 :] + pair[: r % 2]:
                        run = next(runs)
                        burst = support_burst.load(urls[name], run, args.seconds, connections, SECRET)
                        results[connections, name] = vars(burst)
                        if name == OURS:
                            checks.append(support_burst.check(burst, database_url, api_url, run, connections))
                            print(f"  check, {connections} connections: {checks[-1][1]}", flush=True)
                    print(
                        f"support round {r + 1}/{args.rounds}, {connections} connections: "
                        f"ours {results[connections, OURS]['rps']:.0f}, bare {results[connections, BARE]['rps']:.0f} "
                        "req/s",
                        flush=True,
                    )
                support_rounds.append(results)
    finally:
        for proc in procs:
            stop(proc)
        stop(fake)

    if status_rounds:
        report(
            status_rounds, [name for name in (OURS, BARE, BARE_PBR, CANNED) if name in status_rounds[0]], backend, args
        )
    if support_rounds:
        report_support(support_rounds, support_connections, checks, backend, args)
    return 0


OURS = "ICT Assistant"
BARE = "bare slack-bolt, defaults"
BARE_PBR = "bare slack-bolt, process_before_response"
CANNED = "diagnostic: our Slack layer, reply precomputed"
SHORT = {OURS: "ours", BARE: "bare", BARE_PBR: "bare-pbr", CANNED: "canned"}
#: The support scenario's targets (issue): against the bare app (defaults), and p99 by connections.
SUPPORT_RATIO_TARGET = 0.25
SUPPORT_P99_TARGET_MS = {50: 1000.0, 128: 2500.0}


def report(rounds: list[dict[str, dict]], names: list[str], backend: str, args) -> None:
    print(
        f"\nPOST /slack/events, signed /ict status, {args.connections} connections, {args.seconds}s per server per "
        f"round, {len(rounds)} rounds, load: {args.generator}, our database: {backend}"
    )
    print(f"{'':48} {'round':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name in names:
        for i, results in enumerate(rounds, 1):
            r = results[name]
            print(
                f"{name if i == 1 else '':48} {i:5d} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:8d}"
            )

    def ratios(a: str, b: str) -> list[float]:
        return [results[a]["rps"] / results[b]["rps"] for results in rounds]

    print()
    print(show("throughput ratio, ours / bare bolt (defaults)", ratios(OURS, BARE)) + "; target >= 0.7x")
    print(show("ours / bare bolt (process_before_response)", ratios(OURS, BARE_PBR)))
    if CANNED in names:
        print(show("our Slack layer alone / bare bolt (defaults)", ratios(CANNED, BARE)))
    bare = [results[BARE]["rps"] for results in rounds]
    spread = (max(bare) - min(bare)) / statistics.median(bare)
    print(
        f"noise: the bare app's req/s ranged {min(bare):.0f} to {max(bare):.0f} across rounds "
        f"({spread:.0%} of its median)"
    )
    p99 = statistics.median([results[OURS]["p99"] for results in rounds])
    print(f"our median p99 {p99:.1f} ms against Slack's 3000 ms ack deadline")


def show(label: str, values: list[float]) -> str:
    each = ", ".join(f"{v:.2f}" for v in values)
    return f"{label}: median {statistics.median(values):.2f}x (per round: {each})"


def report_support(
    rounds: list[dict[tuple[int, str], dict]], connections: list[int], checks: list[tuple[bool, str]], backend, args
) -> None:
    print(
        f"\nPOST /slack/events, signed /ict support <new text each time> from {len(support_burst.USERS)} people, "
        f"{args.seconds}s per server per round, {len(rounds)} rounds, load: wrk, our database: {backend}, "
        f"fake Web API latency {args.api_latency_ms:g} ms"
    )
    print(f"{'':28} {'conns':>5} {'round':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name in (OURS, BARE):
        for c in connections:
            for i, results in enumerate(rounds, 1):
                r = results[c, name]
                label = name if c == connections[0] and i == 1 else ""
                print(f"{label:28} {c:5d} {i:5d} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:7d}")
    print()
    for c in connections:
        ratios = [results[c, OURS]["rps"] / results[c, BARE]["rps"] for results in rounds]
        p50 = statistics.median(results[c, OURS]["p50"] for results in rounds)
        p99 = statistics.median(results[c, OURS]["p99"] for results in rounds)
        target = SUPPORT_P99_TARGET_MS.get(c)
        print(
            show(f"{c} connections: ours / bare bolt (defaults)", ratios)
            + f" (target >= {SUPPORT_RATIO_TARGET}x); our median p50 {p50:.0f} ms, p99 {p99:.0f} ms"
            + (f" (target < {target:.0f} ms)" if target else "")
        )
    failed = [line for ok, line in checks if not ok]
    print(
        f"checks: {len(checks) - len(failed)} of {len(checks)} runs stored every acknowledged request once and "
        "sent its triage post once" + ("" if not failed else "; FAILED:\n  " + "\n  ".join(failed))
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        role, rest = sys.argv[1], sys.argv[2:]
        if role == "_fake":
            run_fake_api(int(rest[0]), float(rest[1]) if len(rest) > 1 else 0.0)
        elif role in ("_ours", "_canned"):
            profile, phases = [*rest[3:], "", "0"][:2]
            run_ours(int(rest[0]), int(rest[1]), rest[2], role == "_canned", profile, phases == "1")
        elif role == "_bare":
            run_bare(int(rest[0]), int(rest[1]), rest[2] == "1")
        elif role == "_load":
            print(json.dumps(asyncio.run(_python_load(rest[0], int(rest[1]), int(rest[2])))))
        sys.exit(0)
    sys.exit(main())
