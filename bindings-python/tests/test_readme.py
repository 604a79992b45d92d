"""The README's Python examples run as written (against the emulator)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import KEY, ROOT, Emulator


def readme_block(section: str) -> str:
    """The one Python block of the README section `section`."""
    readme = open(os.path.join(ROOT, "README.md")).read()
    text = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", text, re.S)
    return code


def run_readme_example(section: str, em: Emulator, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Runs the one Python block of the README section `section`; returns what it printed."""
    code = readme_block(section)
    monkeypatch.setenv("ADAPTY_API_KEY", KEY)
    monkeypatch.setenv("ADAPTY_BASE_URL", em.base_url)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    return out.getvalue().splitlines()


def test_readme_python_example_runs(em: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run_readme_example("Python", em, monkeypatch)
    assert lines[1].startswith("404 profile_does_not_exist ")
    assert lines[2] == "[True, False]"


def test_readme_every_operation_example_runs(em: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The purchase -> access level -> revoke -> paywalls walk of "Every operation"."""
    em.reset()  # the default catalog: three paywalls, no buyer-7 yet
    lines = run_readme_example("Every operation", em, monkeypatch)
    assert lines[0] == "['premium'] 9.99"
    assert lines[1:3] == ["True", "False"]  # has_active_access before and after the revocation
    assert lines[3:6] == ["Premium Subscription", "Onboarding Offer", "Winback"]
    assert lines[6] == "access_level_id required"


def test_readme_other_apis_example_runs(em: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    """The Web API flow, an export (its CSV in the working directory), Adapty Mail and a legacy read."""
    em.reset()
    monkeypatch.setenv("ADAPTY_PUBLIC_API_KEY", "public_live_readme")
    monkeypatch.setenv("ADAPTY_MAIL_API_KEY", "secret_live_mail_readme")
    monkeypatch.chdir(tmp_path)
    lines = run_readme_example("Adapty's other APIs: Web, Export Analytics, Mail, legacy", em, monkeypatch)
    assert lines[0] == "Premium Subscription ['premium_monthly', 'premium_annual', 'premium_lifetime']"
    assert float(lines[1]) == 0.0  # nothing was bought in January 2024
    assert lines[2] == "cohorts.csv True"
    assert (tmp_path / "cohorts.csv").read_text().startswith("segment_start_date,")
    assert lines[3] == "True"
    views = [p["paywall_views"] for p in em.snapshot()["profiles"]]
    assert len(views[0]) == 1


def test_readme_options_example_runs(em: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run_readme_example("Options, responses, events, logs and networks", em, monkeypatch)
    assert lines[0] == "200 0 user-7"
    assert lines[1].startswith("[('request', 'profiles.create', None), ('response', 'profiles.create', 20")
    assert lines[2] == "extra_body.first_name"


def test_readme_tracing_example_prints_the_span(em: Emulator) -> None:
    """In a process of its own: it sets the process's tracer provider."""
    env = {**os.environ, "ADAPTY_API_KEY": KEY, "ADAPTY_BASE_URL": em.base_url}
    out = subprocess.run(
        [sys.executable, "-c", readme_block("Tracing with OpenTelemetry")], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    spans = [json.loads(span) for span in re.findall(r"^\{.*?^\}", out.stdout, re.M | re.S)]
    ours, handler = spans[0], spans[1]
    assert (ours["name"], ours["kind"], handler["name"]) == ("POST", "SpanKind.CLIENT", "grant-access")
    assert ours["attributes"]["adapty.operation"] == "profiles.create"
    assert ours["parent_id"] == handler["context"]["span_id"]
    (created,) = em.journal()
    assert ours["context"]["span_id"][2:] in created["headers"]["traceparent"]
