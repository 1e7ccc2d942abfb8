"""`make run`: the sandbox API (unless `API_HOST_NAME` names a real one), the dashboard, and
the warm-up job every 4 minutes beside it (`dashboard.warm`), so that no reader waits for a
platform-wide call.

Ctrl-C, `kill` or a closed terminal stop everything this started, and so does `kill -9`: each
child is told by the kernel to stop when this process dies (Linux's parent-death signal), and
this process stops when `make` does. The embedded Redis is started by the dashboard itself
(when `REDIS_URL` is not set), which stops it as it exits. That server daemonizes, out of
this process group: so this stops an orphan of its folder that nothing uses as it starts, and
a watcher in a session of its own stops the server once this process is gone, however it
ended (`devtools/redis_orphans.py`).
"""

import argparse
import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from dashboard.settings import load_settings
from devtools.redis_orphans import stop_orphans
from devtools.running import announced

ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1


def stop_with_parent() -> None:
    """Ask the kernel for SIGTERM when the parent dies, even by SIGKILL (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float) -> None:
    """Until something listens on the port; fails early if the process that should died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[2]} stopped (exit code {process.returncode})")
        if port_in_use(port):
            return
        time.sleep(0.2)
    raise SystemExit(f"Nothing listened on {host}:{port} after {timeout:.0f} s")


def start_child(command: list[str], environment: dict[str, str] | None = None) -> subprocess.Popen:
    """A child process that ends when this one does, however this one ends."""
    return subprocess.Popen(command, cwd=ROOT, env=environment, preexec_fn=stop_with_parent)


def sandbox_environment(
    environment: dict[str, str], api_port: int, services: int
) -> dict[str, str]:
    """The dashboard's environment when `make run` serves the sandbox: its address, the note
    that the data is generated, and the platform's size (the platform-wide calls' timeouts
    grow with it) unless one is set."""
    return {
        "PLATFORM_SERVICES": str(services),
        **environment,
        "API_HOST_NAME": f"http://127.0.0.1:{api_port}",
        "GENERATED_DATA": "1",
    }


def start_sandbox(port: int, services: int, seed: int, data_dir: Path) -> subprocess.Popen:
    print(f"Starting the sandbox API on port {port} ({services:,} generated services)…", flush=True)
    process = start_child(
        [
            sys.executable,
            "-m",
            "notify_sandbox",
            "--port",
            str(port),
            "--services",
            str(services),
            "--seed",
            str(seed),
            "--data-dir",
            str(data_dir),
        ]
    )
    wait_for_port("127.0.0.1", port, process, timeout=300)
    return process


def streamlit_command(port: int, address: str, *options: str) -> list[str]:
    """`streamlit run dashboard/app.py` headless on this port and address, with more options."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
        *options,
    ]


def start_dashboard(port: int, address: str, environment: dict[str, str]) -> subprocess.Popen:
    """Streamlit without its own welcome lines: this process prints the one address to open,
    once the dashboard answers."""
    return start_child(
        streamlit_command(port, address, "--logger.hideWelcomeMessage", "true"),
        environment,
    )


def guard_embedded_redis(environment: dict[str, str]) -> None:
    """Stop an embedded Redis a killed `make run` left behind, and start the watcher that
    stops this run's once it is gone (nothing to do with `REDIS_URL`: that Redis is not ours)."""
    settings = load_settings(environment)
    if settings.redis_url or not settings.redis_enabled:
        return
    data_dir = settings.redis_data_dir
    if data_dir.is_dir() and stop_orphans(data_dir):
        print(f"Stopped an embedded Redis left running in {data_dir.name}/ by an earlier run.")
    subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.redis_orphans",
            "--watch",
            str(os.getpid()),
            "--data-dir",
            str(data_dir),
        ],
        cwd=ROOT,
        start_new_session=True,  # out of this process group: a kill -9 of it does not reach it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_healthy(port: int, process: subprocess.Popen, timeout: float) -> bool:
    """Until Streamlit's health check answers ok; False if it did not in time or stopped."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.read() == b"ok":
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def default_port(environment: Mapping[str, str], name: str, fallback: int) -> int:
    """A port from the environment (`make run PORT=8600 API_PORT=6012` sets them), else the
    usual one."""
    value = environment.get(name, "").strip()
    return int(value) if value else fallback


#: How often `make run` warms the platform-wide answers (the shortest TTL they have).
WARM_EVERY_SECONDS = 240


def start_warm_up(environment: dict[str, str]) -> subprocess.Popen:
    """`python -m dashboard.warm --every 240`, on the dashboard's API and Redis."""
    command = [sys.executable, "-m", "dashboard.warm", "--every", str(WARM_EVERY_SECONDS)]
    return start_child(command, environment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--port",
        type=int,
        default=default_port(os.environ, "PORT", 8501),
        help="the dashboard's port (default: $PORT, else 8501)",
    )
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="where the dashboard listens; beyond loopback it needs sign-in ([auth])",
    )
    parser.add_argument(
        "--api-port",
        type=int,
        default=default_port(os.environ, "API_PORT", 6011),
        help="the sandbox API's port (default: $API_PORT, else 6011)",
    )
    parser.add_argument("--services", type=int, default=2000, help="services in the sandbox")
    parser.add_argument("--seed", type=int, default=1, help="the sandbox's random seed")
    parser.add_argument(
        "--data-dir", type=Path, default=ROOT / ".data", help="where the sandbox keeps its data"
    )
    args = parser.parse_args(argv)

    # Ctrl-C, a plain `kill`, a closed terminal or the end of `make` stop the children too
    # (even when a shell started this in the background with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    stop_with_parent()
    environment = dict(os.environ)
    starts_sandbox = not environment.get("API_HOST_NAME")
    busy = [
        f"{port} ({what})"
        for port, what, needed in (
            (args.port, "the dashboard", True),
            (args.api_port, "the sandbox API", starts_sandbox),
        )
        if needed and port_in_use(port)
    ]
    if busy:
        print(
            f"Port {' and '.join(busy)} is already in use: is another `make run` still running? "
            "Stop it, or choose other ports: `make run PORT=8600 API_PORT=6012` "
            '(README, "The two commands").',
            file=sys.stderr,
        )
        return 1
    guard_embedded_redis(environment)
    processes = []
    try:
        if starts_sandbox:
            processes.append(start_sandbox(args.api_port, args.services, args.seed, args.data_dir))
            environment = sandbox_environment(environment, args.api_port, args.services)
        source = (
            "the sandbox's generated data"
            if starts_sandbox
            else f"the API at {urllib.parse.urlsplit(environment['API_HOST_NAME']).hostname}"
        )
        print("Starting the dashboard…", flush=True)
        dashboard = start_dashboard(args.port, args.address, environment)
        processes.append(dashboard)
        processes.append(start_warm_up(environment))
        redis_data_dir = Path(environment.get("REDIS_DATA_DIR", ROOT / ".data"))
        with announced(
            redis_data_dir, environment["API_HOST_NAME"], args.port, "REDIS_URL" in environment
        ):
            if wait_until_healthy(args.port, dashboard, timeout=120):
                print(
                    f"\nOpen http://localhost:{args.port} — the dashboard, reading {source}. "
                    "Ctrl-C stops everything.\n",
                    flush=True,
                )
            return dashboard.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
