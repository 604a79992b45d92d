"""Where a `profiles.get` call's time goes in the Python binding: wall and CPU microseconds per call
of each layer, measured by running the layers alone, against the emulator on loopback.

CPU time is the whole process's (the calling thread and the SDK runtime's threads); on a machine
where the client and the server share the cores, it is what one call takes from the server.

Run with `make bench-breakdown` (release builds of the wheel and the emulator).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import adapty_server
from adapty_server import _native
from adapty_server._models import Profile

BASE = os.environ["ADAPTY_BASE_URL"]
KEY = os.environ["ADAPTY_API_KEY"]
USER = "bench-breakdown-user"
CALLS = int(os.environ.get("BENCH_CALLS", "3000"))
ROUNDS = 5


def timed(round_: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU microseconds per call of one run of `round_` (CALLS calls)."""
    wall, cpu = time.perf_counter(), time.process_time()
    round_()
    return (time.perf_counter() - wall) / CALLS * 1e6, (time.process_time() - cpu) / CALLS * 1e6


def calls(step: Callable[[], Any]) -> Callable[[], None]:
    def round_() -> None:
        for _ in range(CALLS):
            step()

    return round_


def awaited(step: Callable[[], Awaitable[Any]]) -> Callable[[], None]:
    async def round_() -> None:
        for _ in range(CALLS):
            await step()

    return lambda: asyncio.run(round_())


def alternating(rounds: dict[str, Callable[[], None]]) -> dict[str, tuple[float, float]]:
    """Each step's median wall and CPU µs per call, the steps alternating in every round so that
    the machine's drift falls on all of them alike."""
    figures: dict[str, list[tuple[float, float]]] = {label: [] for label in rounds}
    for _ in range(ROUNDS):
        for label, round_ in rounds.items():
            figures[label].append(timed(round_))
    return {
        label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)) for label, runs in figures.items()
    }


def main() -> None:
    client = adapty_server.Adapty(KEY, base_url=BASE)
    client.profiles.create(customer_user_id=USER)
    native = _native.Client({"api_key": KEY, "base_url": BASE, "language": ["python", "bench"]})
    args = {"profile_id": None, "customer_user_id": USER}
    data = native.call("profiles.get", args)
    refused = {"profile_id": None, "customer_user_id": None}

    def refused_call() -> None:
        try:
            native.call("profiles.get", refused)
        except adapty_server.ValidationError:
            pass

    async_client = adapty_server.AsyncAdapty(KEY, base_url=BASE)
    whole, native_only, model = (
        "Adapty.profiles.get (the whole call)",
        "  native call only (FFI, core, HTTP, dict)",
        "  Profile.from_dict only",
    )
    asynchronous = "AsyncAdapty.profiles.get, one at a time"
    steps = alternating(
        {
            whole: calls(lambda: client.profiles.get(customer_user_id=USER)),
            native_only: calls(lambda: native.call("profiles.get", args)),
            model: calls(lambda: Profile.from_dict(data)),
            "  native call refused before I/O": calls(refused_call),
            asynchronous: awaited(lambda: async_client.profiles.get(customer_user_id=USER)),
        }
    )
    print(
        f"adapty-server {adapty_server.__version__}: µs per call, medians of {ROUNDS} alternating rounds of {CALLS} calls, {os.cpu_count()} cores"
    )
    print(f"{'step':<46} {'wall µs':>9} {'CPU µs':>9}")
    for label, (wall, cpu) in steps.items():
        print(f"{label:<46} {wall:>9.1f} {cpu:>9.1f}")
    rest = [steps[whole][i] - steps[native_only][i] - steps[model][i] for i in (0, 1)]
    print(f"{'  Python layer (whole - native - model)':<46} {rest[0]:>9.1f} {rest[1]:>9.1f}")
    bridge = [steps[asynchronous][i] - steps[whole][i] for i in (0, 1)]
    print(f"{'  async bridge (async - sync whole)':<46} {bridge[0]:>9.1f} {bridge[1]:>9.1f}")


if __name__ == "__main__":
    main()
