"""Requests/s of `profiles.get` against the emulator: Adapty vs httpx.Client, AsyncAdapty vs
httpx.AsyncClient (64 concurrent tasks); the httpx side only sends the request and calls
`response.json()`. Also the time of `import adapty_server`. Prints figures and ratios.

Run with `make bench-python` (release builds of the wheel and the emulator).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time

import adapty_server
import httpx

BASE = os.environ["ADAPTY_BASE_URL"]
KEY = os.environ["ADAPTY_API_KEY"]
USER = "bench-python-user"
URL = f"{BASE}/api/v2/server-side-api/profile/"
HEADERS = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": USER, "Accept": "application/json"}
SYNC_REQUESTS = int(os.environ.get("BENCH_SYNC_REQUESTS", "2000"))
ASYNC_REQUESTS = int(os.environ.get("BENCH_ASYNC_REQUESTS", "6000"))
CONCURRENCY = 64
ROUNDS = 3


def rate(n: int, seconds: float) -> float:
    return n / seconds


def sync_sdk(client: adapty_server.Adapty) -> float:
    started = time.perf_counter()
    for _ in range(SYNC_REQUESTS):
        client.profiles.get(customer_user_id=USER)
    return rate(SYNC_REQUESTS, time.perf_counter() - started)


def sync_httpx(client: httpx.Client) -> float:
    started = time.perf_counter()
    for _ in range(SYNC_REQUESTS):
        client.get(URL, headers=HEADERS).json()
    return rate(SYNC_REQUESTS, time.perf_counter() - started)


async def drive(call: object) -> float:
    remaining = ASYNC_REQUESTS

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()  # type: ignore[operator]

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return rate(ASYNC_REQUESTS, time.perf_counter() - started)


async def async_rates() -> tuple[float, float]:
    sdk = adapty_server.AsyncAdapty(KEY, base_url=BASE)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits) as hx:

        async def hx_get() -> None:
            (await hx.get(URL, headers=HEADERS)).json()

        async def sdk_get() -> None:
            await sdk.profiles.get(customer_user_id=USER)

        sdk_runs, hx_runs = [], []
        for _ in range(ROUNDS):
            hx_runs.append(await drive(hx_get))
            sdk_runs.append(await drive(sdk_get))
    return statistics.median(sdk_runs), statistics.median(hx_runs)


def import_ms() -> float:
    code = "import time; t = time.perf_counter(); import adapty_server; print(time.perf_counter() - t)"
    return 1000 * min(float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(7))


def report(label: str, ours: float, theirs: float, goal: float) -> None:
    ratio = ours / theirs
    verdict = "meets" if ratio >= goal else "BELOW"
    print(f"{label:<44} {ours:>8.0f} req/s  vs {theirs:>8.0f} req/s   ratio {ratio:.2f}x  ({verdict} goal {goal:.1f}x)")


def main() -> None:
    sdk = adapty_server.Adapty(KEY, base_url=BASE)
    sdk.profiles.create(customer_user_id=USER)
    print(
        f"adapty-server {adapty_server.__version__} (Python {sys.version.split()[0]}) against the emulator on loopback, {os.cpu_count()} cores"
    )
    with httpx.Client() as hx:
        sync_sdk(sdk), sync_httpx(hx)  # warm both
        sdk_runs, hx_runs = [], []
        for _ in range(ROUNDS):
            hx_runs.append(sync_httpx(hx))
            sdk_runs.append(sync_sdk(sdk))
    report("Adapty.profiles.get vs httpx.Client", statistics.median(sdk_runs), statistics.median(hx_runs), 1.5)
    ours, theirs = asyncio.run(async_rates())
    report(f"AsyncAdapty ({CONCURRENCY} tasks) vs httpx.AsyncClient", ours, theirs, 2.0)
    ms = import_ms()
    print(f"{'import adapty_server':<44} {ms:>8.1f} ms   ({'meets' if ms < 50 else 'ABOVE'} goal < 50 ms)")


if __name__ == "__main__":
    main()
