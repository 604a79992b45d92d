"""Runtime behaviour: the GIL is released, fork and multiprocessing work, threads share a client,
one async client serves several event loops, cancellation aborts, import is quick."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import adapty_server as a
import pytest
from conftest import KEY, Emulator


def test_blocking_calls_release_the_gil(em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    em.fault({"method": "GET", "delay_ms": 600})
    client = a.Adapty(KEY, base_url=em.base_url)
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    started = time.monotonic()
    client.profiles.get(customer_user_id=user)
    elapsed = time.monotonic() - started
    stop.set()
    spinner.join()
    assert elapsed >= 0.6
    # Held GIL would leave the spinner at ~0 ticks for the whole request.
    assert ticks > 100, ticks


def test_one_client_shared_by_many_threads(em: Emulator) -> None:
    ids = em.seed([{"customer_user_id": f"thread-{i}"} for i in range(8)])
    client = a.Adapty(KEY, base_url=em.base_url)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda i: client.profiles.get(profile_id=ids[i % 8]).profile_id, range(200)))
    assert found == [ids[i % 8] for i in range(200)]


def test_async_client_is_reusable_across_event_loops(em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    client = a.AsyncAdapty(KEY, base_url=em.base_url)
    for _ in range(3):
        profile = asyncio.run(client.profiles.get(customer_user_id=user))
        assert profile.customer_user_id == user


def test_a_loop_without_add_reader_is_woken_through_call_soon_threadsafe(em: Emulator, user: str) -> None:
    """Windows' default loop (the proactor) watches no file descriptors; its calls still settle."""
    from adapty_server._client import _completions
    from conftest import _ReaderlessLoop

    em.seed([{"customer_user_id": user}])
    client = a.AsyncAdapty(KEY, base_url=em.base_url)

    async def calls() -> tuple[set[str | None], int]:
        results = await asyncio.gather(*(client.profiles.get(customer_user_id=user) for _ in range(50)))
        return {p.customer_user_id for p in results}, _completions(asyncio.get_running_loop()).fileno()

    loop = _ReaderlessLoop()
    try:
        users, fileno = loop.run_until_complete(calls())
    finally:
        loop.close()
    assert users == {user}
    assert fileno == -1, "the loop's completions have no pipe"
    gone = weakref.ref(loop)
    del loop
    gc.collect()
    assert gone() is None, "the loop's completions do not keep it alive"


async def test_many_concurrent_calls_on_one_async_client(em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    client = a.AsyncAdapty(KEY, base_url=em.base_url)
    results = await asyncio.gather(*(client.profiles.get(customer_user_id=user) for _ in range(200)))
    assert {p.customer_user_id for p in results} == {user}


async def test_cancelling_an_await_aborts_the_request(em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    em.fault({"method": "GET", "delay_ms": 2000})
    client = a.AsyncAdapty(KEY, base_url=em.base_url)
    task = asyncio.create_task(client.profiles.get(customer_user_id=user))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The client keeps working.
    assert (await client.profiles.get(customer_user_id=user)).customer_user_id == user


_INHERITED: a.Adapty | None = None
"""A client made before the pool forks its workers, as module-level clients are."""


def _get_with_inherited_client(user: str) -> str | None:
    assert _INHERITED is not None
    return _INHERITED.profiles.get(customer_user_id=user).customer_user_id


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_client_created_before_fork_works_in_the_child(em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    client = a.Adapty(KEY, base_url=em.base_url, timeout=5, max_retries=0)
    client.profiles.get(customer_user_id=user)  # the parent's runtime and pool are now in use
    pid = os.fork()
    if pid == 0:
        try:
            ok = all(client.profiles.get(customer_user_id=user).customer_user_id == user for _ in range(3))
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.profiles.get(customer_user_id=user).customer_user_id == user


def test_multiprocessing_with_fork(em: Emulator, user: str) -> None:
    global _INHERITED
    em.seed([{"customer_user_id": user}])
    _INHERITED = a.Adapty(KEY, base_url=em.base_url, timeout=5, max_retries=0)
    _INHERITED.profiles.get(customer_user_id=user)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        assert pool.map(_get_with_inherited_client, [user] * 4) == [user] * 4


def test_import_is_quick() -> None:
    code = "import time; t = time.perf_counter(); import adapty_server; print(time.perf_counter() - t)"
    seconds = min(float(subprocess.check_output([sys.executable, "-c", code]).decode()) for _ in range(3))
    # Generous bound for a loaded CI machine; the benchmark reports the real figure.
    assert seconds < 0.5, seconds


def test_core_events_reach_the_logging_logger(em: Emulator, user: str, caplog: pytest.LogCaptureFixture) -> None:
    em.seed([{"customer_user_id": user}])
    em.fault({"method": "GET", "status": 503})
    caplog.set_level(logging.DEBUG, logger="adapty_server")
    client = a.Adapty(KEY, base_url=em.base_url)  # reads the logger's level
    client.profiles.get(customer_user_id=user)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and not any("succeeded" in r.getMessage() for r in caplog.records):
        time.sleep(0.01)
    messages = [r.getMessage() for r in caplog.records if r.name == "adapty_server"]
    assert any(m.startswith("retrying") and "status" not in m or "503" in m for m in messages), messages
    assert any(
        "request succeeded" in m and "path=/api/v2/server-side-api/profile/" in m and "attempt=2" in m for m in messages
    ), messages
    assert not any(KEY in m for m in messages)
    caplog.set_level(logging.WARNING, logger="adapty_server")
    a.Adapty(KEY, base_url=em.base_url)  # back to quiet for later tests
