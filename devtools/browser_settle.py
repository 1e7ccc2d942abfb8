"""Browser settle time per warm page, minus an empty Streamlit page, in Chromium.

What a reader waits for, measured where they wait: each page opened in a new browser context
(a new session) on a warm cache, from the start of navigation until the page has settled.
Settled is the first of three polls in a row, 50 ms apart, that find the script stopped, no
spinner and no stale element (`data-stale`, a part a rerun has not redrawn yet). The same is
measured for an empty Streamlit page served by its own process in the same run, rounds
interleaved page by page, so a figure is what the page adds to Streamlit's own floor.
`python -m devtools.browser_settle --services 2000` measures one size alone.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import build_clients
from dashboard.settings import Settings
from devtools import page_loads
from devtools.chromium import HEADLESS_ARGS, Chromium, find_chromium
from devtools.serve import streamlit_command
from devtools.served import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
#: The issue's bound: every warm page within 0.3 s of the empty page.
TARGET_SECONDS = 0.3
POLL_MS = 50
POLLS_IN_A_ROW = 3
#: Runs in the page: resolves with the milliseconds since navigation began at which the page
#: settled (the first of `POLLS_IN_A_ROW` settled polls), or null after `timeout` ms.
SETTLED = """([every, inARow, timeout]) => new Promise(resolve => {
    let first = null, seen = 0;
    const poll = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        const settled = app !== null
            && app.getAttribute('data-test-script-state') === 'notRunning'
            && document.querySelector('[data-testid="stSpinner"]') === null
            && document.querySelector('[data-stale="true"]') === null;
        if (settled) { first = seen === 0 ? performance.now() : first; seen += 1; }
        else { first = null; seen = 0; }
        if (seen >= inARow) return resolve(first);
        if (performance.now() > timeout) return resolve(null);
        setTimeout(poll, every);
    };
    poll();
})"""


class NotSettled(RuntimeError):
    """A page that never settled: a figure from it would measure a failure."""


@dataclass(frozen=True)
class PageSettle:
    """Seconds to settle for each view of a page, and of the empty page in the same rounds."""

    page: str
    views: tuple[float, ...]
    empty: tuple[float, ...]

    @property
    def over_empty(self) -> float:
        """The page's median less the empty page's: what the page adds to Streamlit's floor."""
        return statistics.median(self.views) - statistics.median(self.empty)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(2)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def served(services: int, data_dir: Path) -> Iterator[tuple[str, str, str]]:
    """The dashboard as `make run` serves it on a sandbox of `services` (an embedded Redis of
    its own), and the empty page beside it: their URLs and the sandbox's."""
    port, api_port, empty_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as redis_dir:
        environment = {**os.environ, "REDIS_DATA_DIR": redis_dir}
        for name in ("API_HOST_NAME", "REDIS_URL", "ADMIN_CLIENT_SECRET"):
            environment.pop(name, None)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        dashboard = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devtools.serve",
                "--port",
                str(port),
                "--api-port",
                str(api_port),
                "--services",
                str(services),
                "--data-dir",
                str(data_dir),
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
            **quiet,
        )
        command = streamlit_command(empty_port, "127.0.0.1")
        command[command.index(str(ROOT / "dashboard" / "app.py"))] = str(
            ROOT / "devtools" / "empty_page.py"
        )
        empty = subprocess.Popen(command, cwd=ROOT, env=environment, **quiet)
        try:
            url, empty_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{empty_port}"
            wait_until_healthy(url, dashboard, timeout=600)
            wait_until_healthy(empty_url, empty, timeout=600)
            yield url, empty_url, f"http://127.0.0.1:{api_port}"
        finally:
            _stop(empty)
            _stop(dashboard)


def settle_seconds(browser: Browser, url: str, timeout_ms: float = 300_000) -> float:
    """One view in a new context (a new session) at 1,400 px: seconds to settle."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        settled = page.evaluate(SETTLED, [POLL_MS, POLLS_IN_A_ROW, timeout_ms])
        if settled is None:
            raise NotSettled(f"{url} did not settle in {timeout_ms / 1000:.0f} s")
        return float(settled) / 1000
    finally:
        context.close()


def measure(services: int, data_dir: Path, chromium: Chromium, views: int = 5) -> list[PageSettle]:
    """Every page's warm views at one number of services, each round beside an empty page."""
    with served(services, data_dir) as (url, empty_url, api_url):
        clients = build_clients(Settings(api_host_name=api_url), RequestCache(None, DEFAULT_TTLS))
        service_id = page_loads.live_services(clients)[0].id
        pages = {
            "Overview": f"{url}/",
            "Service": f"{url}/service?service_id={service_id}",
            "All services": f"{url}/services",
            "Allowances": f"{url}/allowances",
            "Cache": f"{url}/cache",
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium.executable, args=HEADLESS_ARGS
            )
            try:
                settle_seconds(browser, empty_url)
                for address in pages.values():  # fill the cache: the views below are warm
                    settle_seconds(browser, address)
                times: dict[str, list[float]] = {name: [] for name in pages}
                empty: dict[str, list[float]] = {name: [] for name in pages}
                for _ in range(views):
                    for name, address in pages.items():
                        empty[name].append(settle_seconds(browser, empty_url))
                        times[name].append(settle_seconds(browser, address))
            finally:
                browser.close()
    return [PageSettle(name, tuple(times[name]), tuple(empty[name])) for name in pages]


def report(by_size: dict[int, list[PageSettle]]) -> str:
    """A Markdown table: each page's median settle time less the empty page's, at each size,
    with the page's own median beside it; the empty page's median last."""
    sizes = list(by_size)
    lines = [
        "| page | " + " | ".join(f"{size:,} services" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for index, first in enumerate(by_size[sizes[0]]):
        cells = [by_size[size][index] for size in sizes]
        shown = " | ".join(
            f"{c.over_empty:+.2f} s ({statistics.median(c.views):.2f} s)" for c in cells
        )
        lines.append(f"| {first.page} | {shown} |")
    empties = [
        statistics.median([t for page in by_size[size] for t in page.empty]) for size in sizes
    ]
    lines.append("| empty Streamlit page | " + " | ".join(f"{e:.2f} s" for e in empties) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", default="500", help="numbers of services, comma-separated")
    parser.add_argument("--views", type=int, default=5, help="warm views of each page")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("No Chromium: `python -m devtools.chromium` finds or installs one.", file=sys.stderr)
        return 1
    sizes = [int(part) for part in args.services.split(",")]
    by_size = {size: measure(size, ROOT / ".data", chromium, args.views) for size in sizes}
    print(
        f"Browser settle time per warm page less an empty Streamlit page, median of "
        f"{args.views} (the page's own in brackets; target +{TARGET_SECONDS:.1f} s):"
    )
    print(report(by_size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
