"""Starting a Streamlit server for a measure or a test: a free port, and the wait until it
answers its health check (or has stopped, which is said at once)."""

import socket
import subprocess
import time

import requests


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 240) -> None:
    """Return once `url` answers Streamlit's health check; raise if `process` stops first or
    `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}'s server stopped with exit code {process.returncode}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy in {timeout:.0f} s")
