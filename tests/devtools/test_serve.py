"""`make run`'s supervisor as real processes: nothing outlives it, however it is stopped."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def serve(data_dir: Path, port: int, api_port: int, parent: str = "") -> subprocess.Popen:
    """`python -m devtools.serve` on free ports, directly or under a shell standing in for make."""
    command = [
        sys.executable,
        "-m",
        "devtools.serve",
        "--port",
        str(port),
        "--api-port",
        str(api_port),
        "--services",
        "20",
        "--data-dir",
        str(data_dir),
    ]
    if parent:
        command = [parent, "-c", " ".join(command) + "; true"]
    environment = {**os.environ, "REDIS_ENABLED": "0"}
    environment.pop("API_HOST_NAME", None)
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)


def wait_until_healthy(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).text == "ok":
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the dashboard on {port} never answered")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def assert_all_end(processes: list[psutil.Process]) -> None:
    _, alive = psutil.wait_procs(processes, timeout=20)
    for process in alive:
        process.kill()
    assert not alive, f"still running: {[process.cmdline() for process in alive]}"


@pytest.mark.parametrize("parent", ["", "sh"], ids=["serve-killed", "make-killed"])
def test_a_kill_9_leaves_nothing_running_and_the_next_start_works(tmp_path, parent):
    port, api_port = free_port(), free_port()
    first = serve(tmp_path, port, api_port, parent)
    wait_until_healthy(port)
    children = descendants(first.pid)
    assert len(children) >= 2

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert_all_end(children)

    second = serve(tmp_path, port, api_port)
    wait_until_healthy(port)
    children = descendants(second.pid)
    second.terminate()
    second.wait(timeout=30)
    assert_all_end(children)


def test_a_port_in_use_is_named_and_nothing_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "devtools.serve", "--port", str(port), "--api-port", "1"],
            cwd=ROOT,
            env={**os.environ, "API_HOST_NAME": "http://127.0.0.1:1"},
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert result.returncode == 1
    assert f"Port {port} (the dashboard) is already in use" in result.stderr
