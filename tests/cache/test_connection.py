"""Where the cache's Redis comes from: REDIS_URL, the embedded server, or none."""

import pytest
import redis

from dashboard.cache.connection import connect_redis, embedded_db_file, redacted_url
from dashboard.cache.policy import resolve_ttls
from dashboard.settings import Settings


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


def test_an_unknown_kind_of_ttl_is_refused():
    with pytest.raises(ValueError, match="statistic"):
        resolve_ttls({"statistic": 5})


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
