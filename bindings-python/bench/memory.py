"""Memory under load: a million calls (4 in 5 succeed, 1 in 5 is a 404 raised as NotFoundError)
through the blocking client, then through the async client with 64 tasks; prints each run's
rate and the process's RSS after a warm-up and at the end (goal: it grows by less than 5 MB).

Run with `make soak` (release builds of the wheel and the emulator). SOAK_CALLS changes the count.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from adapty_server import Adapty, AsyncAdapty, NotFoundError

CALLS = int(os.environ.get("SOAK_CALLS", "1000000"))
# Long enough for the allocators to reach their working size.
WARMUP = max(CALLS // 10, 1000)
CONCURRENCY = 64
GOAL_MB = 5.0
USER = "soak-python-user"
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def target(i: int) -> str:
    """The profile of call `i`: every fifth one does not exist."""
    return "soak-nobody" if i % 5 == 0 else USER


def report(mode: str, seconds: float, errors: int, before: float, samples: list[float]) -> bool:
    after = samples[-1]
    growth = after - before
    verdict = "meets" if growth < GOAL_MB else "MISSES"
    print(
        f"{mode}: {CALLS:,} calls ({errors:,} API errors) in {seconds:.0f} s, {CALLS / seconds:,.0f}/s; "
        f"RSS {before:.1f} MB after {WARMUP:,} warm-up calls, {after:.1f} MB at the end: "
        f"{growth:+.1f} MB ({verdict} goal < {GOAL_MB:.0f} MB); every tenth: {' '.join(f'{m:.1f}' for m in samples)}",
        flush=True,
    )
    return growth < GOAL_MB


def blocking(client: Adapty) -> bool:
    def calls(start: int, n: int) -> int:
        errors = 0
        for i in range(start, start + n):
            try:
                client.profiles.get(customer_user_id=target(i))
            except NotFoundError:
                errors += 1
        return errors

    calls(0, WARMUP)
    before = rss_mb()
    samples = []
    started = time.perf_counter()
    errors = 0
    for chunk in range(0, CALLS, CALLS // 10):
        errors += calls(chunk, CALLS // 10)
        samples.append(rss_mb())
    return report("python sync", time.perf_counter() - started, errors, before, samples)


async def concurrent(n: int, call: Callable[[int], Awaitable[object]]) -> int:
    """`n` calls, CONCURRENCY at a time; the number of API errors."""
    next_call = errors = 0

    async def worker() -> None:
        nonlocal next_call, errors
        while next_call < n:
            i = next_call
            next_call += 1
            try:
                await call(i)
            except NotFoundError:
                errors += 1

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return errors


async def asynchronous(client: AsyncAdapty) -> bool:
    def get(i: int) -> Awaitable[object]:
        return client.profiles.get(customer_user_id=target(i))

    await concurrent(WARMUP, get)
    before = rss_mb()
    samples = []
    started = time.perf_counter()
    errors = 0
    for _ in range(10):
        errors += await concurrent(CALLS // 10, get)
        samples.append(rss_mb())
    return report(f"python async ({CONCURRENCY} tasks)", time.perf_counter() - started, errors, before, samples)


def main() -> None:
    with Adapty() as client:
        client.profiles.create(customer_user_id=USER)
        sync_ok = blocking(client)
    async_ok = asyncio.run(asynchronous(AsyncAdapty()))
    print(f"memory: {'all goals met' if sync_ok and async_ok else 'a goal is MISSED'}")


if __name__ == "__main__":
    main()
