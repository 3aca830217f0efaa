"""The one aiohttp application: health, metrics, and each enabled channel's routes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.channels import ChannelSetup, channel_setups
from bot.jobs import scheduler
from bot.metrics import CONTENT_TYPE
from bot.runtime import RUNTIME, Runtime, build_runtime
from bot.settings import Settings
from handlers.errors import new_error_id

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        await runtime.store.ping()
    except Exception as e:
        log.warning("health check: database unreachable: %s", type(e).__name__)
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok", "channels": runtime.channels})


async def metrics(request: web.Request) -> web.Response:
    body = request.app[RUNTIME].metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


@web.middleware
async def errors_middleware(request: web.Request, handler):
    """Never a stack trace to a client: unexpected errors become a logged 500 with an id."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        error_id = new_error_id()
        log.exception("error id %s: %s %s failed", error_id, request.method, request.path)
        return web.json_response({"error": "internal error", "error_id": error_id}, status=500)


EVENT_ID_RETENTION = timedelta(days=7)


async def forget_old_event_ids(runtime: Runtime) -> int:
    """Inbound event ids are kept long enough to recognise any platform retry, then dropped."""
    return await runtime.store.forget_events_before(datetime.now(UTC) - EVENT_ID_RETENTION)


CHECKPOINT_SECONDS = 30
FORGET_EVERY = 120  # checkpoints, i.e. hourly


async def housekeeping(app: web.Application):
    async def loop() -> None:
        rounds = 0
        while True:
            runtime = app[RUNTIME]
            try:
                await runtime.store.checkpoint()
                if rounds % FORGET_EVERY == 0:
                    await forget_old_event_ids(runtime)
            except Exception:
                log.exception("housekeeping failed; trying again in %s s", CHECKPOINT_SECONDS)
            rounds += 1
            await asyncio.sleep(CHECKPOINT_SECONDS)

    task = asyncio.create_task(loop(), name="ictbot-housekeeping")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    setups: list[ChannelSetup] | None = None,
) -> web.Application:
    """The application. With `runtime` given (tests), it is used as is and not closed on shutdown."""
    app = web.Application(middlewares=[errors_middleware], client_max_size=1024**2)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    channels: list[str] = []

    async def open_runtime(app: web.Application):
        rt = runtime or await build_runtime(settings)
        rt.channels[:] = channels
        app[RUNTIME] = rt
        # Start-up objects live for the whole run: keep them out of the collector's full passes,
        # which otherwise cost a request tens of milliseconds now and then.
        gc.collect()
        gc.freeze()
        yield
        if runtime is None:
            await rt.close()

    async def run_outbox(app: web.Application):
        rt = app[RUNTIME]
        log.info("channels on: %s", ", ".join(rt.channels) or "none (console only)")
        rt.outbox.start()
        yield
        await rt.outbox.stop()

    app.cleanup_ctx.append(open_runtime)
    for setup in channel_setups(settings) if setups is None else setups:
        name = setup(app, settings)
        if name:
            channels.append(name)
    app.cleanup_ctx.append(run_outbox)
    app.cleanup_ctx.append(housekeeping)
    app.cleanup_ctx.append(scheduler(settings))  # the strategy cycle's jobs (bot/jobs.py)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    app = create_app(settings)  # a configured channel that cannot be loaded stops here, before anything is said
    log.info("ICT Assistant listening on http://%s:%s (health: /healthz, metrics: /metrics)", host, port)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
