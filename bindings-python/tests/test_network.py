"""The network options against the emulator served over HTTPS (a throwaway CA): trusted through
`ca_bundle`, refused without it, through an HTTP CONNECT proxy (`proxy`), and `HTTPS_PROXY` and
`SSL_CERT_FILE` from the environment of a new process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import adapty_server as a
import pytest
from adapty_server.testing import EmulatorProcess
from conftest import EMULATOR, KEY, Calls
from connect_proxy import ConnectProxy


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The emulator over HTTPS, and the file of its CA."""
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    with EmulatorProcess("--api-key", KEY, "--tls", "--tls-ca-out", str(ca), binary=EMULATOR) as process:
        yield process.base_url, str(ca)


def client(mode: str, base_url: str, **options: Any) -> Any:
    cls = a.Adapty if mode == "sync" else a.AsyncAdapty
    return cls(KEY, base_url=base_url, max_retries=0, **options)


async def test_trusted_through_ca_bundle(https: tuple[str, str], mode: str) -> None:
    base_url, ca = https
    assert base_url.startswith("https://")
    with pytest.raises(a.NotFoundError):
        await Calls(client(mode, base_url, ca_bundle=ca).profiles).get(customer_user_id="nobody")


async def test_refused_without_it(https: tuple[str, str], mode: str) -> None:
    with pytest.raises(a.APIConnectionError, match="certificate"):
        await Calls(client(mode, https[0]).profiles).get(customer_user_id="nobody")


async def test_through_a_connect_proxy(https: tuple[str, str], mode: str) -> None:
    base_url, ca = https
    with ConnectProxy() as proxy:
        with pytest.raises(a.NotFoundError):
            await Calls(client(mode, base_url, ca_bundle=ca, proxy=proxy.url).profiles).get(customer_user_id="nobody")
    assert proxy.targets == [base_url.removeprefix("https://")]


def test_a_wrong_proxy_or_bundle_is_refused_at_construction() -> None:
    with pytest.raises(a.ValidationError) as e:
        a.Adapty(KEY, proxy="ftp://proxy:21")
    assert e.value.field == "proxy"
    with pytest.raises(a.ValidationError) as e:
        a.Adapty(KEY, ca_bundle="/nonexistent/ca.pem")
    assert e.value.field == "ca_bundle"


def test_https_proxy_and_ssl_cert_file_from_the_environment(https: tuple[str, str]) -> None:
    """Read when the process's first connection pool is built: a new process, as users run it."""
    base_url, ca = https
    program = textwrap.dedent(f"""
        import adapty_server as a
        try:
            a.Adapty({KEY!r}, base_url={base_url!r}, max_retries=0).profiles.get(customer_user_id="nobody")
        except a.NotFoundError:
            print("404")
    """)
    with ConnectProxy() as proxy:
        env = {**os.environ, "HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": ca, "NO_PROXY": ""}
        out = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "404", out.stderr
    assert proxy.targets == [base_url.removeprefix("https://")]
