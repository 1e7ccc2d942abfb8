"""The runtime cannot be made to leak: a raw WebSocket client, with no cookie, sends
Streamlit's `clear_cache` 20 times, each followed by a page view; the dashboard opens no new
connection to Redis, its file descriptors and its Redis clients end where they started (± 2),
and pages still read from the cache. With sign-in configured, what a client sends before
signing in reaches neither the API nor Redis.

Why 20 clears are enough: a runtime built again after a clear (as when it was kept in
Streamlit's `st.cache_resource`) connects to Redis again, so Redis accepts one more connection
per clear however soon the garbage collector closes the old one: kept that way, 30 clears made
30 new connections, while the descriptors and clients counted at the end were back where they
started. Everything is counted inside one open session: Streamlit keeps a closed session (its
event loop, three descriptors) for two minutes in case the browser reconnects, which a count
across sessions would take for a leak.
"""

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from notify_sandbox.serving import BackgroundSandbox
from tests.browser.conftest import wait_until_healthy
from tests.conftest import TEST_SECRET, clients_without_cache
from tests.redis_server import RedisServer, free_port

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 20
SLACK = 2
AUTH = """[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-cookie-secret-for-the-tests-only"
client_id = "notify-dashboard"
client_secret = "a-client-secret-for-the-tests-only"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def serve(redis_server: RedisServer, api: str, secrets: Path | None = None) -> subprocess.Popen:
    """`streamlit run dashboard/app.py` on a free port, as `make run` serves it."""
    port = free_port()
    arguments = ["--server.port", str(port), "--server.headless", "true"]
    if secrets is not None:
        arguments += ["--secrets.files", str(secrets)]
    environment = {
        **os.environ,
        "API_HOST_NAME": api,
        "ADMIN_CLIENT_SECRET": TEST_SECRET,
        "REDIS_URL": redis_server.url,
        "REDIS_SOCKET_TIMEOUT_SECONDS": "5",  # a loaded machine's Redis can take over 0.25 s
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", *arguments],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    process.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    wait_until_healthy(process.url, process)  # type: ignore[attr-defined]
    return process


@pytest.fixture
def dashboard(
    own_redis: RedisServer, live_sandbox: BackgroundSandbox
) -> Iterator[subprocess.Popen]:
    process = serve(own_redis, live_sandbox.url)
    yield process
    process.terminate()
    process.wait(timeout=20)


@dataclass(frozen=True)
class Resources:
    """What a leaking runtime would hold more of: the dashboard's file descriptors, its
    connections to Redis, and every connection Redis has accepted (this count's own left out)."""

    descriptors: int
    redis_clients: int
    redis_connections_accepted: int

    @classmethod
    def of(cls, process: subprocess.Popen, server: RedisServer) -> "Resources":
        descriptors = len(os.listdir(f"/proc/{process.pid}/fd"))
        with redis.Redis.from_url(server.url) as client:
            clients = len(client.client_list()) - 1
            accepted = int(client.info("stats")["total_connections_received"]) - 1
        return cls(descriptors, clients, accepted)

    def minus(self, before: "Resources") -> "Resources":
        """The change since `before`, the connection `before` made to count left out."""
        return Resources(
            self.descriptors - before.descriptors,
            self.redis_clients - before.redis_clients,
            self.redis_connections_accepted - before.redis_connections_accepted - 1,
        )


def commands_served(server: RedisServer) -> dict[str, int]:
    """Commands Redis has run, by name; this question's own (connecting, INFO) left out."""
    with redis.Redis.from_url(server.url) as client:
        stats = client.info("commandstats")
    own = ("cmdstat_info", "cmdstat_hello", "cmdstat_client", "cmdstat_client|setinfo")
    return {name: int(entry["calls"]) for name, entry in stats.items() if name not in own}


def _view(page: str, query: str) -> bytes:
    message = BackMsg()
    message.rerun_script.CopyFrom(ClientState(query_string=query, page_name=page))
    return message.SerializeToString()


def _clear_cache() -> bytes:
    message = BackMsg()
    message.clear_cache = True
    return message.SerializeToString()


async def _until_finished(socket: websockets.ClientConnection) -> bytes:
    """Every frame of one run, up to the end of its script, joined."""
    frames = []
    while True:
        frame = await asyncio.wait_for(socket.recv(), timeout=60)
        frames.append(frame)
        message = ForwardMsg()
        message.ParseFromString(frame)
        if message.WhichOneof("type") == "script_finished":
            return b"".join(frames)


async def _view_and_wait(socket: websockets.ClientConnection, page: str, query: str) -> bytes:
    await socket.send(_view(page, query))
    return await _until_finished(socket)


async def _clears(socket: websockets.ClientConnection, page: str, clears: int) -> None:
    """`clears` times a `clear_cache` and a view of the page with no query."""
    for _ in range(clears):
        await socket.send(_clear_cache())
        await _view_and_wait(socket, page, "")


def _address(url: str) -> str:
    return url.replace("http://", "ws://") + "/_stcore/stream"


async def _session(url: str, page: str, query: str, clears: int) -> tuple[bytes, bytes]:
    """A view of the page, then `clears` times a `clear_cache` and a view (of the page with no
    query), then the page again; the first and last views' frames. No cookie is sent."""
    async with websockets.connect(
        _address(url), subprotocols=["streamlit"], max_size=None
    ) as socket:
        first = await _view_and_wait(socket, page, query)
        await _clears(socket, page, clears)
        last = await _view_and_wait(socket, page, query)
    return first, last


async def _measured_session(
    url: str, page: str, query: str, warm_up: int, clears: int, measure: Callable[[], T]
) -> tuple[T, T, bytes]:
    """As `_session`, measured after `warm_up` clears and again after `clears` more, in the
    same open session; the two measures and the last view's frames."""
    async with websockets.connect(
        _address(url), subprotocols=["streamlit"], max_size=None
    ) as socket:
        await _view_and_wait(socket, page, query)
        await _clears(socket, page, warm_up)
        before = measure()
        await _clears(socket, page, clears)
        after = measure()
        last = await _view_and_wait(socket, page, query)
    return before, after, last


def in_a_loop_of_its_own(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a client session in a thread with its own event loop: a browser test earlier in the
    same worker leaves Playwright's loop running in this one, where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def a_service_id(live_sandbox: BackgroundSandbox) -> str:
    from tests.conftest import settings_for_tests

    clients = clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))
    return clients.services.get_services()[-1].id


def test_clear_cache_messages_leak_no_descriptors_and_no_redis_clients(
    dashboard, own_redis, live_sandbox, capsys
):
    query = f"service_id={a_service_id(live_sandbox)}"

    # After five clears the runtime is built and warm. Between the clears, the Service page
    # with no service chosen: it reads the picker's names through the runtime's cache, one
    # Redis read, the quickest view that goes through the runtime.
    before, after, last = in_a_loop_of_its_own(
        _measured_session(
            dashboard.url,
            "service",
            query,
            warm_up=5,
            clears=MESSAGES,
            measure=lambda: Resources.of(dashboard, own_redis),
        )
    )

    change = after.minus(before)
    with capsys.disabled():
        print(f"\n{MESSAGES} clear_cache messages, each followed by a view: {before} -> {after}")
    assert abs(change.descriptors) <= SLACK
    assert abs(change.redis_clients) <= SLACK
    assert change.redis_connections_accepted <= SLACK
    assert b"From the cache" in last


def test_before_sign_in_nothing_reaches_the_api_or_redis(
    tmp_path, own_redis, live_sandbox: BackgroundSandbox
):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(AUTH)
    process = serve(own_redis, live_sandbox.url, secrets)
    try:
        query = f"service_id={a_service_id(live_sandbox)}"
        live_sandbox.reset_request_counts()
        commands = commands_served(own_redis)

        first, last = in_a_loop_of_its_own(_session(process.url, "service", query, 20))

        assert b"Sign in with your work account" in first
        assert b"Sign in with your work account" in last
        assert live_sandbox.request_counts() == {}
        assert commands_served(own_redis) == commands
    finally:
        process.terminate()
        process.wait(timeout=20)
