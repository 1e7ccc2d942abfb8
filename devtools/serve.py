"""`make run`: the sandbox API (unless `API_HOST_NAME` names a real one) and the dashboard.

Ctrl-C stops everything this started. The embedded Redis is started by the dashboard itself
when `REDIS_URL` is not set.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float) -> None:
    """Until something listens on the port; fails early if the process that should died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[2]} stopped (exit code {process.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"Nothing listened on {host}:{port} after {timeout:.0f} s")


def start_sandbox(port: int, services: int, seed: int) -> subprocess.Popen:
    print(f"Starting the sandbox API on http://127.0.0.1:{port} ({services:,} services)…")
    process = subprocess.Popen(
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
        ],
        cwd=ROOT,
    )
    wait_for_port("127.0.0.1", port, process, timeout=180)
    return process


def start_dashboard(port: int, address: str, environment: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=environment,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8501, help="the dashboard's port")
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="where the dashboard listens; beyond loopback it needs sign-in ([auth])",
    )
    parser.add_argument("--api-port", type=int, default=6011, help="the sandbox API's port")
    parser.add_argument("--services", type=int, default=2000, help="services in the sandbox")
    parser.add_argument("--seed", type=int, default=1, help="the sandbox's random seed")
    args = parser.parse_args(argv)

    # Ctrl-C, a plain `kill` or a closed terminal stop the children too (even when a shell
    # started this in the background with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    environment = dict(os.environ)
    processes = []
    try:
        if not environment.get("API_HOST_NAME"):
            processes.append(start_sandbox(args.api_port, args.services, args.seed))
            environment["API_HOST_NAME"] = f"http://127.0.0.1:{args.api_port}"
        print(f"Dashboard on http://localhost:{args.port} (reading {environment['API_HOST_NAME']})")
        dashboard = start_dashboard(args.port, args.address, environment)
        processes.append(dashboard)
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
