"""What the client tests share: the API answers they stand in with, and what Redis holds."""

import redis

from dashboard.cache import atomic, telemetry
from tests.conftest import TEST_API
from tests.samples import load_sample, sample_service_id


def mock_sample(requests_mock, method: str, path: str, sample: str):
    """The API answers `path` as it did when the sample was recorded."""
    status, body = load_sample(sample)
    return requests_mock.register_uri(method, f"{TEST_API}{path}", status_code=status, json=body)


def cached_keys(redis_client: redis.Redis) -> list[bytes]:
    """Every value or copy the cache holds, leaving out its telemetry and the generations an
    update leaves (they hold no answer)."""
    return sorted(
        key
        for key in redis_client.scan_iter()
        if not key.decode().startswith((telemetry.PREFIX, atomic.GENERATION_PREFIX))
    )


def reply_to_addresses() -> list[dict]:
    """An answer of /email-reply-to, as the contract describes it (none was recorded)."""
    return [
        {
            "id": "6b0a9a3f-6b7c-4d8f-9c5e-2f1c3b4a5d6e",
            "service_id": sample_service_id(),
            "email_address": "parking@example.gov.uk",
            "is_default": True,
            "archived": False,
            "created_at": "2026-08-01T10:00:00.000000Z",
            "updated_at": None,
        }
    ]
