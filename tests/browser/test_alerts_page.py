"""The Alerts page in Chromium, served as `make run` serves it, after a real check sent through
the sandbox: its tables, the delivery status read back, and no serious axe violation."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page

from tests.browser.axe_check import check
from tests.browser.conftest import ROOT, SERVICES, serving, wait_for_app
from tests.redis_server import free_port

pytestmark = pytest.mark.browser

RULES = """
[[rules]]
kind = "daily-limit"
percent = 80
email = ["operations@example.gov.uk"]
services = "all"
"""


def wait_for_api(api_url: str, timeout: float = 240) -> None:
    """The dashboard answers before the sandbox has built its database on a first run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{api_url}/_status", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{api_url} did not start")


def test_the_alerts_page_after_a_check_is_accessible(page: Page, tmp_path: Path) -> None:
    rules = tmp_path / "alerts.toml"
    rules.write_text(RULES)
    api_port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    overrides = {"ALERTS_FILE": str(rules)}
    arguments = ["--api-port", str(api_port), "--services", str(SERVICES)]
    with serving(data, overrides, arguments) as url:
        wait_for_api(f"http://127.0.0.1:{api_port}")
        checked = subprocess.run(
            [sys.executable, "-m", "dashboard.alerts", "check"],
            cwd=ROOT,
            env={
                **os.environ,
                "ALERTS_FILE": str(rules),
                "API_HOST_NAME": f"http://127.0.0.1:{api_port}",
                "REDIS_DATA_DIR": str(data),
            }
            | {"REDIS_URL": ""},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stderr
        assert "Sent email to operations@example.gov.uk" in checked.stdout
        page.goto(f"{url}/alerts")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
        wait_for_app(page, timeout=120_000)
        main = page.locator('[data-testid="stMain"]')
        for heading in ("Rules", "Sent today", "Not sent", "Muted today"):
            assert main.get_by_role("heading", name=heading).count() == 1
        assert page.locator('[data-testid="stDataFrame"]').count() >= 3
        report = check(page)
        print(f"\n/alerts: {report.rules_checked} rules checked, violations {report.impacts()}")
        assert report.blocking() == [], report.describe(report.blocking())
        if os.environ.get("UPDATE_SCREENSHOTS"):
            page.screenshot(path=str(ROOT / "docs" / "screenshots" / "alerts.png"), full_page=True)
        page.goto("about:blank")  # before the server stops, or the page reports it gone
