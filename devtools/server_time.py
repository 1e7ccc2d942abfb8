"""Server time per warm view: each page's script CPU time in one process, one reader at a time.

Every session of a Streamlit process runs its script in a thread of that one process, so the
script thread's own CPU time (`time.thread_time()`) is what fifty readers queue for. Each page
is opened once to fill the cache, then opened again by new sessions (a reader arriving on a
warm cache) and rerun with nothing changed (a reader's widget that changed nothing); the
figure is the median. `python -m devtools.server_time --services 500` measures one size alone.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import build_clients
from dashboard.settings import Settings
from devtools import page_loads
from devtools.bench_figures import ms
from notify_sandbox import open_database
from notify_sandbox.serving import BackgroundSandbox

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "dashboard" / "app_pages"
APP = ROOT / "dashboard" / "app.py"
#: The 50 ms target of issue 20 for every page at 2,000 services.
TARGET_MS = 50.0
SECRET = "server-time-secret-that-is-at-least-32-bytes"

_seconds: list[float] = []
_untimed = script_runner.exec_func_with_error_handling


def _timed(*args: Any, **kwargs: Any) -> Any:
    """Streamlit's call that runs the script, in the script thread, with its CPU time kept."""
    started = time.thread_time()
    try:
        return _untimed(*args, **kwargs)
    finally:
        _seconds.append(time.thread_time() - started)


class ViewFailed(RuntimeError):
    """A page that showed an exception: its time would measure the failure."""


@dataclass(frozen=True)
class PageTimes:
    """Milliseconds of script-thread CPU for a page's views: new sessions and reruns."""

    page: str
    views: tuple[float, ...]
    reruns: tuple[float, ...]

    @property
    def view_ms(self) -> float:
        return statistics.median(self.views)

    @property
    def rerun_ms(self) -> float:
        return statistics.median(self.reruns)


def _timed_run(at: AppTest) -> float:
    del _seconds[:]
    at.run()
    if at.exception:
        raise ViewFailed("; ".join(str(element.value) for element in at.exception))
    return sum(_seconds) * 1000


def open_view(page: str, query: dict[str, str]) -> tuple[AppTest, float]:
    """A new session on `page` (a file in app_pages) with these query parameters; the
    milliseconds of its last run (the first lands on the Overview when the page's address is
    not its file name, as a reader's first view of a shared link would not)."""
    at = AppTest.from_file(str(APP), default_timeout=600)
    for name, value in query.items():
        at.query_params[name] = value
    target = str(PAGES_DIR / page)
    guessed = at.switch_page(target)._page_hash
    milliseconds = _timed_run(at)
    if at.switch_page(target)._page_hash != guessed:
        for name, value in query.items():
            at.query_params[name] = value
        milliseconds = _timed_run(at)
    return at, milliseconds


def measure_page(name: str, page: str, query: dict[str, str], views: int) -> PageTimes:
    """One view to fill the cache, then `views` new sessions and as many reruns."""
    open_view(page, query)
    opened, reran = [], []
    for _ in range(views):
        at, milliseconds = open_view(page, query)
        opened.append(milliseconds)
        reran.append(_timed_run(at))
    return PageTimes(name, tuple(opened), tuple(reran))


@contextmanager
def dashboard_on(services: int, data_dir: Path) -> Iterator[BackgroundSandbox]:
    """The app's settings pointed at a sandbox of `services` services (no latency) and an
    embedded Redis of its own, with Streamlit's process-wide caches emptied."""
    database = open_database(data_dir, 1, services)
    sandbox = BackgroundSandbox(database, "notify-admin", SECRET).start()
    # Generous timeouts, as the rest of the benchmark has: on a busy machine a slow write of
    # 10,000 services' lists must not turn the warm views into reads from the API.
    patient = {"REDIS_SOCKET_TIMEOUT_SECONDS": "5", "API_TIMEOUT_SECONDS": "120"}
    names = ("API_HOST_NAME", "ADMIN_CLIENT_SECRET", "REDIS_DATA_DIR", *patient)
    saved = {name: os.environ.get(name) for name in names}
    saved["REDIS_URL"] = os.environ.pop("REDIS_URL", None)
    with tempfile.TemporaryDirectory() as redis_dir:
        os.environ.update(
            {
                **patient,
                "API_HOST_NAME": sandbox.url,
                "ADMIN_CLIENT_SECRET": SECRET,
                "REDIS_DATA_DIR": redis_dir,
            }
        )
        st.cache_resource.clear()
        st.cache_data.clear()
        try:
            yield sandbox
        finally:
            st.cache_resource.clear()
            sandbox.stop()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@contextmanager
def one_script_cache() -> Iterator[None]:
    """One compiled copy of each script for every run, as a server keeps (AppTest compiles
    the app and its page again on every run, which no server does)."""
    shared = ScriptCache()
    modules = (app_test, local_script_runner)
    saved = [module.ScriptCache for module in modules]  # type: ignore[attr-defined]
    for module in modules:
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.ScriptCache = original  # type: ignore[attr-defined]


def measure(services: int, data_dir: Path, views: int = 5) -> list[PageTimes]:
    """Every page's warm views at one number of services."""
    with one_script_cache():
        return _measure(services, data_dir, views)


def _measure(services: int, data_dir: Path, views: int) -> list[PageTimes]:
    script_runner.exec_func_with_error_handling = _timed
    with dashboard_on(services, data_dir) as sandbox:
        clients = build_clients(
            Settings(api_host_name=sandbox.url, admin_client_secret=SECRET),
            RequestCache(None, DEFAULT_TTLS),
        )
        service_id = page_loads.live_services(clients)[0].id
        pages = [
            ("Overview", "overview.py", {}),
            ("Service", "service.py", {"service_id": service_id}),
            ("All services", "all_services.py", {}),
            ("Allowances", "allowances.py", {}),
            ("Cache", "cache.py", {}),
        ]
        try:
            return [measure_page(name, page, query, views) for name, page, query in pages]
        finally:
            script_runner.exec_func_with_error_handling = _untimed


def report(by_size: dict[int, list[PageTimes]]) -> str:
    """A Markdown table: each page's median new-session view and rerun, at each size."""
    sizes = list(by_size)
    lines = [
        "| page | " + " | ".join(f"{size:,} services" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for index, first in enumerate(by_size[sizes[0]]):
        cells = [by_size[size][index] for size in sizes]
        shown = " | ".join(f"{ms(c.view_ms)} (rerun {ms(c.rerun_ms)})" for c in cells)
        lines.append(f"| {first.page} | {shown} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", default="500", help="numbers of services, comma-separated")
    parser.add_argument("--views", type=int, default=5, help="warm views of each page")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.services.split(",")]
    by_size = {size: measure(size, ROOT / ".data", args.views) for size in sizes}
    print(f"Server time per warm view, script thread CPU, median of {args.views}:")
    print(report(by_size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
