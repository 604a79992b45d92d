"""One benchmark run of `profiles.get` through the Python package, or through a peer sending the
same request and decoding its JSON, against the emulator on loopback. `make bench`
(`make bench`) runs this with every other language's program, alternating them over several
rounds, and prints one table.

    throughput.py SCENARIO CLIENT

- `get-c1`: one call at a time; CLIENT `adapty` (the blocking `Adapty`), `urllib3`
  (`PoolManager`) or `httpx` (`httpx.Client`);
- `get-c64`: 64 tasks on one asyncio loop; CLIENT `adapty` (`AsyncAdapty`), `aiohttp`
  (`ClientSession`) or `httpx` (`httpx.AsyncClient`);
- `import`: the time of `import adapty_server` in a fresh interpreter (`seconds`).

`ADAPTY_BASE_URL`, `ADAPTY_API_KEY` and `BENCH_USER` name the emulator and the profile;
`BENCH_WARMUP_SECONDS` and `BENCH_SECONDS` the two parts of a run. Prints one JSON line:
`{"requests": N, "seconds": S, "cpu_seconds": C}` (the process's CPU time, every thread's, over
the measured part alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

BASE = os.environ["ADAPTY_BASE_URL"]
KEY = os.environ["ADAPTY_API_KEY"]
USER = os.environ.get("BENCH_USER", "bench-user")
URL = f"{BASE}/api/v2/server-side-api/profile/"
HEADERS = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": USER, "Accept": "application/json"}
WARMUP = float(os.environ.get("BENCH_WARMUP_SECONDS", "0.5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
CONCURRENCY = 64


def measured(requests: int, started: float, cpu: float) -> dict[str, float]:
    return {"requests": requests, "seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def sequential(call: Callable[[], Any], seconds: float) -> dict[str, float]:
    cpu, started = time.process_time(), time.perf_counter()
    deadline, requests = started + seconds, 0
    while time.perf_counter() < deadline:
        call()
        requests += 1
    return measured(requests, started, cpu)


async def concurrent(call: Callable[[], Awaitable[Any]], seconds: float) -> dict[str, float]:
    cpu, started = time.process_time(), time.perf_counter()
    deadline, requests = started + seconds, 0

    async def worker() -> None:
        nonlocal requests
        while time.perf_counter() < deadline:
            await call()
            requests += 1

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return measured(requests, started, cpu)


def get_c1(client: str) -> dict[str, float]:
    call: Callable[[], Any]
    if client == "adapty":
        import adapty_server

        sdk = adapty_server.Adapty(KEY, base_url=BASE)
        call = lambda: sdk.profiles.get(customer_user_id=USER)  # noqa: E731
    elif client == "urllib3":
        import urllib3

        pool = urllib3.PoolManager()
        call = lambda: pool.request("GET", URL, headers=HEADERS).json()  # noqa: E731
    elif client == "httpx":
        import httpx

        hx = httpx.Client()
        call = lambda: hx.get(URL, headers=HEADERS).json()  # noqa: E731
    else:
        raise SystemExit(f"unknown client {client!r} (adapty, urllib3, httpx)")
    sequential(call, WARMUP)
    return sequential(call, SECONDS)


async def get_c64(client: str) -> dict[str, float]:
    async with contextlib.AsyncExitStack() as stack:
        call: Callable[[], Awaitable[Any]]
        if client == "adapty":
            import adapty_server

            sdk = await stack.enter_async_context(adapty_server.AsyncAdapty(KEY, base_url=BASE))
            call = lambda: sdk.profiles.get(customer_user_id=USER)  # noqa: E731
        elif client == "aiohttp":
            import aiohttp

            connector = aiohttp.TCPConnector(limit=CONCURRENCY)
            session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))

            async def call() -> Any:
                async with session.get(URL, headers=HEADERS) as response:
                    return await response.json()

        elif client == "httpx":
            import httpx

            limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
            hx = await stack.enter_async_context(httpx.AsyncClient(limits=limits))

            async def call() -> Any:
                return (await hx.get(URL, headers=HEADERS)).json()

        else:
            raise SystemExit(f"unknown client {client!r} (adapty, aiohttp, httpx)")
        await concurrent(call, WARMUP)
        return await concurrent(call, SECONDS)


def import_time() -> dict[str, float]:
    code = "import time; t = time.perf_counter(); import adapty_server; print(time.perf_counter() - t)"
    seconds = float(subprocess.check_output([sys.executable, "-c", code]))
    return {"requests": 1, "seconds": seconds, "cpu_seconds": seconds}


def main() -> None:
    scenario, client = sys.argv[1:3]
    if scenario == "get-c1":
        result = get_c1(client)
    elif scenario == "get-c64":
        result = asyncio.run(get_c64(client))
    elif scenario == "import":
        result = import_time()
    else:
        raise SystemExit(f"unknown scenario {scenario!r} (get-c1, get-c64, import)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
