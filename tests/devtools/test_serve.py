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

from devtools.running import running_dashboard
from devtools.serve import sandbox_environment
from devtools.served import wait_until_healthy
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
    environment = {**os.environ, "REDIS_ENABLED": "0", "REDIS_DATA_DIR": str(data_dir)}
    environment.pop("API_HOST_NAME", None)
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)


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
    wait_until_healthy(f"http://127.0.0.1:{port}", first, timeout=120)
    children = descendants(first.pid)
    assert len(children) >= 2

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert_all_end(children)

    second = serve(tmp_path, port, api_port)
    wait_until_healthy(f"http://127.0.0.1:{port}", second, timeout=120)
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
    assert "make run PORT=8600 API_PORT=6012" in result.stderr


def test_ports_come_from_port_and_api_port_and_one_address_is_printed(tmp_path):
    port, api_port = free_port(), free_port()
    output, errors = tmp_path / "stdout", tmp_path / "stderr"
    environment = {**os.environ, "REDIS_ENABLED": "0", "PORT": str(port)}
    environment["REDIS_DATA_DIR"] = str(tmp_path)
    environment["API_PORT"] = str(api_port)
    environment.pop("API_HOST_NAME", None)
    command = [sys.executable, "-m", "devtools.serve", "--services", "20"]
    command += ["--data-dir", str(tmp_path)]
    with output.open("w") as out, errors.open("w") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=err)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", process, timeout=120)
            deadline = time.monotonic() + 30
            while "Open http" not in output.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            api = requests.get(f"http://127.0.0.1:{api_port}/_status", timeout=5)
            note = running_dashboard(tmp_path)
        finally:
            children = descendants(process.pid)
            process.terminate()
            process.wait(timeout=30)
            assert_all_end(children)
    printed = output.read_text() + errors.read_text()

    assert api.status_code == 200
    assert note is not None and note["api_host_name"] == f"http://127.0.0.1:{api_port}"
    assert running_dashboard(tmp_path) is None  # the note goes with the dashboard
    assert printed.count("http://") == 1
    assert f"Open http://localhost:{port} " in printed
    assert "Generating 20 services" in printed and "Daily counts: 20 of 20 services" in printed
    assert "development server" not in printed


def test_the_sandboxs_size_reaches_the_dashboard_unless_the_platforms_is_set():
    served = sandbox_environment({"PATH": "/usr/bin"}, 6012, 10_000)
    chosen = sandbox_environment({"PLATFORM_SERVICES": "500", "API_HOST_NAME": "x"}, 6012, 120)

    assert served == {
        "PATH": "/usr/bin",
        "PLATFORM_SERVICES": "10000",
        "API_HOST_NAME": "http://127.0.0.1:6012",
        "GENERATED_DATA": "1",
    }
    assert chosen["PLATFORM_SERVICES"] == "500"
    assert chosen["API_HOST_NAME"] == "http://127.0.0.1:6012"
