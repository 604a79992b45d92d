"""Where a `profiles.get` call's time goes in the Python binding: wall and CPU microseconds per call
of each layer, measured by running the layers alone, against the emulator on loopback.

CPU time is the whole process's (the calling thread and the SDK runtime's threads); on a machine
where the client and the server share the cores, it is what one call takes from the server.

Run with `make bench-breakdown` (release builds; `ADAPTY_BASE_URL`, `ADAPTY_API_KEY` and
`BENCH_USER`, a profile with an access level, set by `make bench-breakdown`).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import adapty_server
from adapty_server import _native
from adapty_server._generated.models import Profile

BASE = os.environ["ADAPTY_BASE_URL"]
KEY = os.environ["ADAPTY_API_KEY"]
USER = os.environ.get("BENCH_USER", "bench-user")
CALLS = int(os.environ.get("BENCH_CALLS", "3000"))
ROUNDS = 5


def timed(round_: Callable[[], None], calls: int = CALLS) -> tuple[float, float]:
    """Wall and CPU microseconds per call of one run of `round_` (`calls` calls)."""
    wall, cpu = time.perf_counter(), time.process_time()
    round_()
    return (time.perf_counter() - wall) / calls * 1e6, (time.process_time() - cpu) / calls * 1e6


def calls(step: Callable[[], Any], n: int = CALLS) -> Callable[[], None]:
    def round_() -> None:
        for _ in range(n):
            step()

    return round_


def awaited(step: Callable[[], Awaitable[Any]], concurrency: int = 1) -> Callable[[], None]:
    """CALLS awaits of `step`, from `concurrency` tasks."""

    async def round_() -> None:
        remaining = CALLS

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await step()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    return lambda: asyncio.run(round_())


def main() -> None:
    client = adapty_server.Adapty(KEY, base_url=BASE)
    native = _native.Client({"api_key": KEY, "base_url": BASE, "language": ["python", "bench"]})
    args = {"profile_id": None, "customer_user_id": USER}
    data = native.call("profiles.get", args)
    text = json.dumps(data)
    refused = {"profile_id": None, "customer_user_id": None}

    def refused_call() -> None:
        try:
            native.call("profiles.get", refused)
        except adapty_server.ValidationError:
            pass

    async_client = adapty_server.AsyncAdapty(KEY, base_url=BASE)
    local = 100 * CALLS  # steps without I/O run more often, for a steadier figure
    steps: dict[str, tuple[Callable[[], None], int]] = {
        "Adapty.profiles.get (the whole call)": (calls(lambda: client.profiles.get(customer_user_id=USER)), CALLS),
        "  native call only": (calls(lambda: native.call("profiles.get", args)), CALLS),
        "  native call refused before I/O": (calls(refused_call), CALLS),
        "  json.loads of the result": (calls(lambda: json.loads(text), local), local),
        "  Profile.from_dict": (calls(lambda: Profile.from_dict(data), local), local),
        "AsyncAdapty.profiles.get, one at a time": (awaited(lambda: async_client.profiles.get(customer_user_id=USER)), CALLS),
        "AsyncAdapty.profiles.get, 64 in flight": (awaited(lambda: async_client.profiles.get(customer_user_id=USER), 64), CALLS),
    }
    # Each step's median; the steps alternate in every round so that the machine's drift falls
    # on all of them alike.
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in steps}
    for _ in range(ROUNDS):
        for label, (round_, n) in steps.items():
            runs[label].append(timed(round_, n))
    figures = {label: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for label, r in runs.items()}
    print(f"Python {adapty_server.__version__}: µs per call, medians of {ROUNDS} alternating rounds, {os.cpu_count()} cores")
    print(f"{'step':<46} {'wall µs':>9} {'CPU µs':>9}")
    for label, (wall, cpu) in figures.items():
        print(f"{label:<46} {wall:>9.1f} {cpu:>9.1f}")
    whole, native_only = figures["Adapty.profiles.get (the whole call)"], figures["  native call only"]
    model = figures["  Profile.from_dict"]
    rest = [whole[i] - native_only[i] - model[i] for i in (0, 1)]
    print(f"{'  Python layer (whole - native - from_dict)':<46} {rest[0]:>9.1f} {rest[1]:>9.1f}")
    one = figures["AsyncAdapty.profiles.get, one at a time"]
    bridge = [one[i] - whole[i] for i in (0, 1)]
    print(f"{'  async bridge (one at a time - blocking)':<46} {bridge[0]:>9.1f} {bridge[1]:>9.1f}")


if __name__ == "__main__":
    main()
