"""The API process of the benchmark: ``create_app`` under uvicorn, as ``qai-graph serve`` runs it,
plus a thin ASGI wrapper that counts the DynamoDB requests each HTTP request made.

Counting happens at the client: botocore's ``before-call.dynamodb`` and
``after-call.dynamodb`` events on ``service.store.client.meta.events``. A context variable
set per HTTP request attributes every call (DataLoader batches and ``gather`` children
inherit it) to that request; the answer carries them in an ``x-bench-dynamodb`` header:
``{"ops": {"Query": 1}, "waves": 1}``. WebSocket traffic passes through untouched.

Run by ``bench/run.py``; ``--profile FILE`` runs the whole process under pyinstrument and
writes a text report at shutdown.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

from qai_graph.app import create_app
from qai_graph.config import MemoryConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_calls: contextvars.ContextVar[list[list[Any]] | None] = contextvars.ContextVar(
    "bench_calls", default=None
)


def waves(calls: list[list[Any]]) -> int:
    """Groups of calls where each group starts after the previous group finished."""
    count, end = 0, float("-inf")
    for _, start, stop in sorted(calls, key=lambda c: c[1]):
        if start >= end:
            count += 1
            end = stop
        else:
            end = max(end, stop)
    return count


class CountDynamoRequests:
    """ASGI wrapper: per HTTP request, the DynamoDB calls it caused, in a response header."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._hooked = False

    def _hook(self) -> None:
        events = self.app.state.service.store.client.meta.events

        def before(model: Any, context: Any, **_: Any) -> None:
            calls = _calls.get()
            if calls is not None:
                call = [model.name, time.perf_counter(), float("inf")]
                calls.append(call)
                context["bench_call"] = call

        def after(context: Any, **_: Any) -> None:
            call = context.get("bench_call")
            if call is not None:
                call[2] = time.perf_counter()

        events.register("before-call.dynamodb", before)
        events.register("after-call.dynamodb", after)
        self._hooked = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._hooked:
            self._hook()
        calls: list[list[Any]] = []
        token = _calls.set(calls)

        async def counted_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                ops: dict[str, int] = {}
                for name, _, _ in calls:
                    ops[name] = ops.get(name, 0) + 1
                header = json.dumps({"ops": ops, "waves": waves(calls)}, separators=(",", ":"))
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-bench-dynamodb", header.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, counted_send)
        finally:
            _calls.reset(token)


def main() -> None:
    """Serve until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stage2", type=int, default=10_000)
    parser.add_argument("--stage3", type=int, default=100_000)
    parser.add_argument("--index-shards", type=int, default=None)
    parser.add_argument("--profile", default=None, help="write a pyinstrument text report here")
    args = parser.parse_args()
    # Fan-out opens up to 1,000 WebSockets from one (development-mode) caller.
    overrides: dict[str, Any] = {"max_connections_per_key": 2000}
    if args.index_shards is not None:
        overrides["index_shards"] = args.index_shards
    config = MemoryConfig(
        dynamodb_endpoint=args.endpoint,
        dynamodb_table_name=args.table,
        evolution_stage_2_interactions=args.stage2,
        evolution_stage_3_interactions=args.stage3,
        **overrides,
    )
    app = CountDynamoRequests(create_app(config, graphiql=False))
    server_config = uvicorn.Config(
        app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="on"
    )
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
    try:
        uvicorn.Server(server_config).run()
    finally:
        if profiler is not None:
            profiler.stop()
            with open(args.profile, "w") as out:
                out.write(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
