"""The README's webhook receivers (FastAPI and Flask) run as written, as servers of their own,
and receive the emulator's webhooks: the verification request, a purchase's
`subscription_started` and `access_level_updated` read as typed events, a wrong header refused
with 401, a body that is no event with 400, and a redelivery answered but not handled twice."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import adapty_server
import pytest
from conftest import KEY, ROOT, Emulator

SECRET = "whsec-readme-4Tz9"


def readme_blocks() -> list[str]:
    readme = open(os.path.join(ROOT, "README.md")).read()
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class App:
    """A receiver running as its own process; what it printed, line by line."""

    def __init__(self, command: list[str], cwd: Path, port: int) -> None:
        env = {**os.environ, "ADAPTY_WEBHOOK_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
        self.url = f"http://127.0.0.1:{port}/adapty/webhook"
        self.lines: list[str] = []
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: self._listening(port), f"{command} to listen", self.lines)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @staticmethod
    def _listening(port: int) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    def post(self, body: bytes, authorization: str) -> int:
        request = urllib.request.Request(
            self.url, data=body, headers={"Authorization": authorization, "Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request) as response:
                return int(response.status)
        except urllib.error.HTTPError as e:
            return int(e.code)


def wait_for(done: Callable[[], bool], what: str, context: Any = None) -> None:
    for _ in range(300):
        if done():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}: {context}")


def deliveries(em: Emulator, event_type: str) -> list[dict[str, Any]]:
    return [d for d in em.control("GET", "webhooks") if d["event_type"] == event_type]


@pytest.fixture(params=["FastAPI", "Flask"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    fastapi, flask = readme_blocks()
    code, command = {
        "FastAPI": (fastapi, ["-m", "uvicorn", "receiver:app", "--log-level", "warning", "--port"]),
        # One thread: concurrent deliveries would interleave the printed lines.
        "Flask": (flask, ["-m", "flask", "--app", "receiver", "run", "--without-threads", "--port"]),
    }[request.param]
    (tmp_path / "receiver.py").write_text(code)
    port = free_port()
    receiver = App([sys.executable, *command, str(port)], tmp_path, port)
    yield receiver
    receiver.process.terminate()
    receiver.process.wait(timeout=10)


def test_readme_receivers_handle_the_emulators_webhooks(app: App, em: Emulator, user: str) -> None:
    em.control("DELETE", "webhooks")
    em.control(
        "POST", "config", {"webhook_url": app.url, "webhook_authorization": SECRET, "webhook_retry_schedule_seconds": [0.1]}
    )
    try:
        wait_for(
            lambda: [d["state"] for d in deliveries(em, "verification")] == ["delivered"],
            "the verification",
            em.control("GET", "webhooks"),
        )

        client = adapty_server.Adapty(KEY, base_url=em.base_url)
        client.profiles.create(customer_user_id=user)
        client.purchases.set_transaction(
            customer_user_id=user,
            purchase_type="subscription",
            store="app_store",
            store_product_id="premium_monthly",
            store_transaction_id=f"{user}-t1",
            store_original_transaction_id=f"{user}-t1",
            price={"country": "US", "currency": "USD", "value": 9.99},
            purchased_at="2026-01-01T00:00:00Z",
            originally_purchased_at="2026-01-01T00:00:00Z",
            renew_status=True,
            expires_at="2099-01-01T00:00:00Z",
        )
        expected = [f"{user}: started premium_monthly", f"{user}: premium active=True"]
        wait_for(lambda: all(line in app.lines for line in expected), "the events handled", app.lines)
        started = deliveries(em, "subscription_started")
        assert [d["state"] for d in started] == ["delivered"], started

        assert app.post(b"{}", "Bearer " + SECRET) == 401
        assert app.post(b"[1, 2]", SECRET) == 400
        # A redelivery (the same profile_event_id) is answered but not handled again.
        em.control("POST", f"webhooks/{started[0]['id']}/redeliver")
        wait_for(lambda: len(deliveries(em, "subscription_started")[0]["attempts"]) == 2, "the redelivery")
        assert deliveries(em, "subscription_started")[0]["attempts"][1]["status"] == 200
        time.sleep(0.2)
        assert sum(line == expected[0] for line in app.lines) == 1, app.lines
    finally:
        em.control("POST", "config", {"webhook_url": None, "webhook_authorization": None})
