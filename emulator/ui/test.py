"""The web UI in a real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``)
drives ``/__emulator/ui/`` of an ``--accept-any-key`` emulator holding two apps, one seeded through
the SDK (a monthly subscription, custom attributes, 300 more profiles) with a webhook receiver.

Each flow prints ``check ui: NAME: ok|FAILED`` and saves a screenshot in ``target/emulator-ui/``.
Run with the Python of a venv that has adapty-server[testing] and selenium:
``python emulator/ui/test.py [--junit FILE]`` (FILE: the results as JUnit XML).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import pathlib
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from adapty_server.testing import Emulator, EmulatorProcess
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
import junit  # noqa: E402 - tests/junit.py

REPORT = junit.Report("emulator.ui")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT / "target" / "emulator-ui"
KEY_A = "sk_ui_alpha_secret_0001"
KEY_B = "sk_ui_beta_secret_0002"


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint that answers 200 and keeps every body it gets."""

    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        length = int(self.headers.get("content-length", 0))
        Receiver.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def wait(driver: WebDriver, what: str, condition: Callable[[WebDriver], Any], timeout: float = 10) -> Any:
    """Waits for ``condition`` to be truthy; a timeout names ``what`` was awaited."""
    waiting = WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException])
    return waiting.until(condition, f"waited for {what}")


def texts(driver: WebDriver, selector: str) -> list[str]:
    """The rendered text of each element matching ``selector``, read at once (the page re-renders
    what it polls, so elements found one call earlier may be gone)."""
    script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.replace(/[ \\t]+/g, ' ').trim())"
    return driver.execute_script(script, selector)  # type: ignore[no-any-return]


def click(driver: WebDriver, selector: str) -> None:
    """Clicks the first element matching ``selector``, found again if a re-render replaced it."""
    for _ in range(20):
        try:
            driver.find_element(By.CSS_SELECTOR, selector).click()
            return
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise AssertionError(f"{selector} kept being replaced")


def open_tab(driver: WebDriver, tab: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#tabs a[data-tab={tab}]").click()
    wait(driver, f"the {tab} tab", lambda d: d.find_element(By.ID, tab).is_displayed())


def buy_monthly(app: Emulator, user: str) -> None:
    now = app.now()
    adapty = app.client()
    adapty.profiles.create(customer_user_id=user)
    adapty.profiles.update(customer_user_id=user, custom_attributes={"plan": "gold", "seats": 3})
    adapty.purchases.set_transaction(
        customer_user_id=user,
        purchase_type="subscription",
        store="app_store",
        store_product_id="premium_monthly",
        store_transaction_id=f"{user}-1",
        store_original_transaction_id=f"{user}-1",
        price={"country": "US", "currency": "USD", "value": 9.99},
        purchased_at=now,
        originally_purchased_at=now,
        expires_at=now + dt.timedelta(days=30),
        renew_status=True,
    )


def see_paywall(app: Emulator, key: str, user: str) -> None:
    """The Web API's part of the web paywall flow: a view, and where the user came from. A public
    key names no app of its own, so the app is named by its tenant id."""
    tenants = app.control("GET", "tenants")["tenants"]
    tenant = next(t["id"] for t in tenants if t["key_hint"] == key[-4:])
    web = app.client(public_api_key="public_ui_test").with_options(headers={"x-emulator-tenant": tenant}).web
    paywall = web.get_paywall(customer_user_id=user, store="app_store", placement_id="premium")
    web.record_paywall_view(customer_user_id=user, store="app_store", variation_id=paywall.variation_id)
    web.add_attribution(customer_user_id=user, status="non_organic", channel="ui-test-channel")


class Flows:
    """The flows, in order; each leaves the page where the next one expects it."""

    def __init__(self, driver: WebDriver, base_url: str, a: Emulator, b: Emulator, downloads: pathlib.Path) -> None:
        self.driver, self.base_url, self.a, self.b, self.downloads = driver, base_url, a, b, downloads

    def tenant_picker(self) -> None:
        d = self.driver
        d.get(f"{self.base_url}/__emulator/ui")  # redirects to /__emulator/ui/
        wait(d, "the apps in the picker", lambda d: len(texts(d, "#tenant option")) == 3)
        options = texts(d, "#tenant option")
        assert options[0] == "default app", options
        assert "…0001" in options[1] and "302 profiles" in options[1], options
        assert "…0002" in options[2], options
        # The first app that is not the default one is chosen first.
        assert Select(d.find_element(By.ID, "tenant")).first_selected_option.get_attribute("value") == "1"
        Select(d.find_element(By.ID, "tenant")).select_by_value("2")
        wait(d, "app 2's profiles", lambda d: [t.split("\n")[0] for t in texts(d, "#profile-list li")] == ["bob"])
        Select(d.find_element(By.ID, "tenant")).select_by_value("1")
        wait(
            d,
            "app 1's profile count",
            lambda d: d.find_element(By.ID, "profile-count").text == "302 profiles, the first 200 shown",
        )

    def profiles(self) -> None:
        d = self.driver
        search = d.find_element(By.ID, "profile-search")
        search.send_keys("alic")
        wait(d, "the search's one result", lambda d: len(texts(d, "#profile-list li")) == 1)
        click(d, "#profile-list li a")
        wait(d, "alice's detail", lambda d: d.find_element(By.CSS_SELECTOR, "#profile-detail h2").text == "alice")
        detail = texts(d, "#profile-detail")[0]
        shown_by_web = ["Paywall views (Web API)", "ui-test-channel", "non_organic"]
        for shown in [
            "premium",
            "premium_monthly",
            "active",
            "app_store",
            "alice-1",
            "9.99",
            "plan",
            '"gold"',
            "seats",
            *shown_by_web,
        ]:
            assert shown in detail, f"{shown!r} not in the detail:\n{detail}"
        search.clear()
        search.send_keys("bulk-29")
        wait(d, "the search for bulk-29", lambda d: d.find_element(By.ID, "profile-count").text == "11 profiles")

    def requests(self) -> None:
        d = self.driver
        open_tab(d, "requests")
        # alice's create, update and purchase, then the Web API's paywall, view and attribution.
        wait(d, "the journal's rows", lambda d: len(texts(d, "#journal tr")) == 6)
        rows = texts(d, "#journal tr")
        assert "POST /api/v2/web-api/attribution/ 201" in rows[0], rows
        assert "POST /api/v2/server-side-api/purchase/set/transaction/ 200" in rows[3], rows
        # Live: a request made while the page is open shows up without a reload.
        self.a.client().profiles.get(customer_user_id="alice")
        wait(d, "the new request", lambda d: len(texts(d, "#journal tr")) == 7, timeout=5)
        assert "GET /api/v2/server-side-api/profile/ 200" in texts(d, "#journal tr")[0]
        click(d, "#journal tr:nth-child(5)")
        wait(
            d,
            "the request's detail",
            lambda d: texts(d, "#request-detail h2") == ["POST /api/v2/server-side-api/purchase/set/transaction/"],
        )
        detail = texts(d, "#request-detail")[0]
        assert '"store_product_id": "premium_monthly"' in detail, detail
        assert "authorization <redacted>" in detail, detail
        assert KEY_A not in d.page_source and KEY_A[-12:] not in d.page_source

    def webhooks(self) -> None:
        d = self.driver
        open_tab(d, "webhooks")
        wait(d, "delivered webhooks", lambda d: len(texts(d, "#deliveries tr.state-delivered")) == 3)
        events = [t.split("\n")[0] for t in texts(d, "#deliveries tr td:nth-child(2)")]
        assert events == ["access_level_updated", "subscription_started", "verification"], events
        received = len(Receiver.bodies)
        assert texts(d, "#deliveries tr:nth-child(2) .attempts li")[0].endswith(" ms)")
        click(d, "#deliveries tr:nth-child(2) button.redeliver")
        wait(
            d,
            "the redelivery's attempt",
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#deliveries tr:nth-child(2) .attempts li")) == 2,
        )
        assert len(Receiver.bodies) == received + 1
        again = Receiver.bodies[-1]
        assert again["event_type"] == "subscription_started"
        event_ids = [body.get("event_properties", {}).get("profile_event_id") for body in Receiver.bodies]
        assert event_ids.count(again["event_properties"]["profile_event_id"]) == 2

    def faults(self) -> None:
        d = self.driver
        open_tab(d, "faults")
        form = d.find_element(By.ID, "fault-form")
        Select(form.find_element(By.NAME, "method")).select_by_visible_text("GET")
        form.find_element(By.NAME, "path_prefix").send_keys("/api/v2/server-side-api/profile")
        form.find_element(By.NAME, "status").send_keys("503")
        times = form.find_element(By.NAME, "times")
        times.clear()
        times.send_keys("2")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(d, "the pending fault", lambda d: texts(d, "#fault-list tr") == ["GET /api/v2/server-side-api/profile 503 2"])
        assert self.a.control("GET", "faults")[0]["status"] == 503
        click(d, "#clear-faults")
        wait(d, "no faults", lambda d: texts(d, "#fault-list tr") == ["No faults pending."])
        assert self.a.control("GET", "faults") == []

    def clock(self) -> None:
        d = self.driver
        open_tab(d, "clock")
        before = self.a.now()
        click(d, "[data-advance='2678400']")
        wait(d, "what the 31 days brought", lambda d: len(texts(d, "#happened tr")) == 2)
        happened = texts(d, "#happened tr")
        assert "subscription_renewed alice" in happened[0] and "access_level_updated alice" in happened[1], happened
        assert self.a.now() - before >= dt.timedelta(days=31)
        assert "31.00 days ahead" in d.find_element(By.ID, "clock-state").text
        assert self.a.client().profiles.get(customer_user_id="alice").total_revenue_usd == 19.98
        click(d, "#freeze")
        wait(d, "a frozen clock", lambda d: d.find_element(By.ID, "freeze").text == "Unfreeze")
        assert texts(d, "#happened tr") == happened
        assert self.a.control("GET", "clock")["frozen"] is True

    def snapshot(self) -> None:
        d = self.driver
        open_tab(d, "snapshot")
        expected = self.a.snapshot()
        click(d, "#download")
        path = self.downloads / "adapty-emulator-1.json"
        wait(d, "the downloaded snapshot", lambda d: path.exists() and path.stat().st_size > 0)
        assert json.loads(path.read_text()) == expected
        self.a.reset()
        assert self.a.profiles() == []
        d.find_element(By.CSS_SELECTOR, "#upload-form input[type=file]").send_keys(str(path))
        d.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
        wait(d, "the restore", lambda d: d.find_element(By.ID, "snapshot-status").text == "Restored adapty-emulator-1.json.")
        assert self.a.snapshot() == expected
        open_tab(d, "profiles")
        d.find_element(By.ID, "profile-search").send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)  # as a user empties it
        wait(d, "the restored profiles", lambda d: d.find_element(By.ID, "profile-count").text.startswith("302 profiles"))
        # The other app is untouched.
        assert [p["customer_user_id"] for p in self.b.profiles()] == ["bob"]


def browser(downloads: pathlib.Path) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def run(steps: list[tuple[str, Callable[[], None]]], driver: WebDriver) -> int:
    """Runs the flows in order, each a check with a screenshot; after a failure the later flows
    (which build on it) are reported failed without running. Returns how many failed."""
    failed = 0
    for n, (name, step) in enumerate(steps, 1):
        ok = False
        if not failed:
            try:
                step()
                error = driver.find_element(By.ID, "error")
                ok = not error.is_displayed()
                if not ok:
                    print(f"the page shows an error: {error.text}")
            except Exception:
                traceback.print_exc()
            driver.save_screenshot(str(SHOTS / f"{n:02}-{step.__name__}.png"))
        REPORT.check(f"ui: {name}", ok)
        failed += not ok
    return failed


def main() -> int:
    SHOTS.mkdir(parents=True, exist_ok=True)
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with EmulatorProcess("--accept-any-key") as emulator, tempfile.TemporaryDirectory() as downloads:
        a, b = emulator.app(KEY_A), emulator.app(KEY_B)
        a.configure(webhook_url=f"http://127.0.0.1:{receiver.server_address[1]}/adapty", webhook_authorization="secret")
        buy_monthly(a, "alice")
        see_paywall(a, KEY_A, "alice")
        a.seed([{"customer_user_id": f"bulk-{n}"} for n in range(301)])
        b.seed([{"customer_user_id": "bob"}])
        driver = browser(pathlib.Path(downloads))
        try:
            flows = Flows(driver, emulator.base_url, a, b, pathlib.Path(downloads))
            failed = run(
                [
                    ("the tenant picker", flows.tenant_picker),
                    ("profiles: search and detail", flows.profiles),
                    ("requests: the live journal, key redacted", flows.requests),
                    ("webhooks: attempts and redeliver", flows.webhooks),
                    ("faults: add and clear", flows.faults),
                    ("clock: +31 days renews a monthly subscription", flows.clock),
                    ("snapshot: download and restore", flows.snapshot),
                ],
                driver,
            )
        finally:
            driver.quit()
    receiver.shutdown()
    if len(sys.argv) > 2 and sys.argv[1] == "--junit":
        REPORT.write(sys.argv[2])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
