"""The request cache against a real Redis: keys, TTLs, hits, invalidation, failing open."""

import json
import socket
from uuid import uuid4

import pytest
import redis

from dashboard.cache import atomic, telemetry
from dashboard.cache.connection import client_options
from dashboard.cache.policy import DEFAULT_TTLS
from dashboard.cache.request_cache import RequestCache, recording
from dashboard.notify_client import build_clients
from dashboard.notify_client.schemas.billing import YEARLY_USAGE
from dashboard.notify_client.schemas.services import DATA_RETENTION, SERVICE
from dashboard.settings import Settings
from tests.conftest import TEST_API, settings_for_tests
from tests.redis_server import RedisServer
from tests.samples import (
    load_sample,
    sample_body,
    sample_service_id,
    sample_template_id,
    sample_user_id,
)

# A recorded answer for each method below: answers are checked before they are kept.
SAMPLES = {
    "get_service": "GET_service",
    "get_services": "GET_service_list",
    "get_service_statistics": "GET_service_statistics_limit_days_30",
    "get_service_statistics_today": "GET_service_statistics_today_only",
    "get_data_retention": "GET_service_data_retention",
    "get_free_sms_fragment_limit": "GET_service_billing_free_sms_fragment_limit",
    "get_yearly_usage": "GET_service_billing_yearly_usage_summary",
    "get_templates": "GET_service_template_list",
    "get_template": "GET_service_template",
    "get_user": "GET_user",
}


def mock_service(requests_mock, service_id: str):
    return requests_mock.get(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))


def counts(redis_client: redis.Redis) -> dict[tuple[str, str], int]:
    return {
        (row["kind"], row["outcome"]): row["count"]
        for row in telemetry.read_counts(redis_client, hours=1)
    }


@pytest.mark.parametrize(
    ("resource", "method", "arguments", "url", "key", "ttl"),
    [
        (
            "services",
            "get_service",
            {"service_id": sample_service_id()},
            f"/service/{sample_service_id()}",
            f"service-{sample_service_id()}",
            7 * 86400,
        ),
        ("services", "get_services", {}, "/service", "services", 3600),
        (
            "services",
            "get_service_statistics",
            {"service_id": sample_service_id(), "limit_days": 30},
            f"/service/{sample_service_id()}/statistics",
            f"service-{sample_service_id()}-statistics-30",
            300,
        ),
        (
            "services",
            "get_service_statistics_today",
            {"service_id": sample_service_id()},
            f"/service/{sample_service_id()}/statistics",
            f"service-{sample_service_id()}-statistics-today",
            60,
        ),
        (
            "services",
            "get_data_retention",
            {"service_id": sample_service_id()},
            f"/service/{sample_service_id()}/data-retention",
            f"service-{sample_service_id()}-data-retention",
            7 * 86400,
        ),
        (
            "billing",
            "get_free_sms_fragment_limit",
            {"service_id": sample_service_id(), "financial_year": 2026},
            f"/service/{sample_service_id()}/billing/free-sms-fragment-limit",
            f"service-{sample_service_id()}-free-sms-fragment-limit-2026",
            86400,
        ),
        (
            "billing",
            "get_yearly_usage",
            {"service_id": sample_service_id(), "year": 2026},
            f"/service/{sample_service_id()}/billing/yearly-usage-summary",
            f"service-{sample_service_id()}-yearly-usage-2026",
            3600,
        ),
        (
            "templates",
            "get_templates",
            {"service_id": sample_service_id()},
            f"/service/{sample_service_id()}/template",
            f"service-{sample_service_id()}-templates",
            7 * 86400,
        ),
        (
            "templates",
            "get_template",
            {"service_id": sample_service_id(), "template_id": "t1"},
            f"/service/{sample_service_id()}/template/t1",
            f"service-{sample_service_id()}-template-t1-version-None",
            7 * 86400,
        ),
        ("users", "get_user", {"user_id": "u1"}, "/user/u1", "user-u1", 7 * 86400),
    ],
)
def test_each_kind_is_kept_under_its_key_for_its_ttl(
    requests_mock, clients, redis_client, resource, method, arguments, url, key, ttl
):
    body = sample_body(SAMPLES[method])
    requests_mock.get(f"{TEST_API}{url}", json=body)

    first = getattr(getattr(clients, resource), method)(**arguments)
    second = getattr(getattr(clients, resource), method)(**arguments)

    assert first == second
    assert requests_mock.call_count == 1
    assert json.loads(redis_client.get(key)) == body
    assert ttl - 5 <= redis_client.ttl(key) <= ttl


def test_a_hit_makes_no_api_call_and_says_how_old_it_is(requests_mock, clients):
    mock_service(requests_mock, sample_service_id())
    clients.services.get_service(sample_service_id())

    with recording() as lookups:
        clients.services.get_service(sample_service_id())

    assert requests_mock.call_count == 1
    assert [lookup.outcome for lookup in lookups] == ["hit"]
    assert 0 <= lookups[0].age_seconds < 5


def test_the_cache_stores_what_the_admin_app_stores(requests_mock, clients, redis_client):
    """The admin reads `service-{id}` as the whole response: a shared Redis works both ways."""
    admin_cached = {"data": sample_body("GET_service")["data"] | {"name": "Cached by the admin"}}
    redis_client.set(f"service-{sample_service_id()}", json.dumps(admin_cached), ex=600)

    assert clients.services.get_service(sample_service_id()).name == "Cached by the admin"
    assert requests_mock.call_count == 0


def admin_shared_keys() -> list[tuple[str, str, dict[str, str], str, str]]:
    """The keys the Notify admin app writes too: resource, method, arguments, key, answer kept."""
    service_id, template_id = sample_service_id(), sample_template_id()
    template = {"service_id": service_id, "template_id": template_id}
    return [
        (
            "services",
            "get_service",
            {"service_id": service_id},
            f"service-{service_id}",
            "GET_service",
        ),
        (
            "services",
            "get_data_retention",
            {"service_id": service_id},
            f"service-{service_id}-data-retention",
            "GET_service_data_retention",
        ),
        (
            "templates",
            "get_templates",
            {"service_id": service_id},
            f"service-{service_id}-templates",
            "GET_service_template_list",
        ),
        (
            "templates",
            "get_template",
            template,
            f"service-{service_id}-template-{template_id}-version-None",
            "GET_service_template",
        ),
        (
            "templates",
            "get_template_versions",
            template,
            f"service-{service_id}-template-{template_id}-versions",
            "GET_service_template_versions",
        ),
        (
            "users",
            "get_user",
            {"user_id": sample_user_id()},
            f"user-{sample_user_id()}",
            "GET_user",
        ),
    ]


@pytest.mark.parametrize(("resource", "method", "arguments", "key", "sample"), admin_shared_keys())
def test_what_the_admin_app_cached_is_read_without_an_api_call(
    requests_mock, clients, redis_client, resource, method, arguments, key, sample
):
    redis_client.set(key, json.dumps(sample_body(sample)), ex=600)

    with recording() as lookups:
        getattr(getattr(clients, resource), method)(**arguments)

    assert [lookup.outcome for lookup in lookups] == ["hit"]
    assert requests_mock.call_count == 0


def test_the_admins_template_update_empties_the_dashboards_template_keys(
    requests_mock, clients, redis_client
):
    """The admin empties `service-{service_id}-template-{template_id}*` when a template changes."""
    service_id, template_id = sample_service_id(), sample_template_id()
    for method, sample in (
        ("get_template", "GET_service_template"),
        ("get_template_versions", "GET_service_template_versions"),
    ):
        suffix = "/versions" if method == "get_template_versions" else ""
        requests_mock.get(
            f"{TEST_API}/service/{service_id}/template/{template_id}{suffix}",
            json=sample_body(sample),
        )
        getattr(clients.templates, method)(service_id, template_id)

    emptied = list(redis_client.scan_iter(match=f"service-{service_id}-template-{template_id}*"))

    assert sorted(key.decode() for key in emptied) == [
        f"service-{service_id}-template-{template_id}-version-None",
        f"service-{service_id}-template-{template_id}-versions",
    ]


def test_ttls_can_be_overridden(requests_mock, redis_client):
    cache = RequestCache(redis_client, {**DEFAULT_TTLS, "service": 42})
    clients = build_clients(settings_for_tests(), cache)
    mock_service(requests_mock, sample_service_id())

    clients.services.get_service(sample_service_id())

    assert 40 <= redis_client.ttl(f"service-{sample_service_id()}") <= 42


def test_an_update_empties_the_keys_it_affects_before_and_after(
    requests_mock, clients, redis_client
):
    service_id = sample_service_id()
    for key in [
        f"service-{service_id}",
        "services",
        "service-names",
        f"service-{service_id}-templates",
    ]:
        redis_client.set(key, "{}")
    seen_during_update = {}

    def on_post(request, context):
        seen_during_update["service"] = redis_client.exists(f"service-{service_id}")
        redis_client.set(f"service-{service_id}", "{}")  # a reader racing the write
        return load_sample("GET_service")[1]

    requests_mock.post(f"{TEST_API}/service/{service_id}", json=on_post)

    clients.services.update_service(service_id, name="Apply for a parking permit")

    assert seen_during_update == {"service": 0}
    assert redis_client.exists(f"service-{service_id}") == 0
    assert redis_client.exists("services", "service-names") == 0
    assert redis_client.exists(f"service-{service_id}-templates") == 1


@pytest.mark.parametrize(
    ("attributes", "allowance_emptied"),
    [
        ({"free_sms_fragment_limit": 30000}, True),
        ({"organisation_type": "local"}, True),
        ({"name": "Renamed"}, False),
    ],
)
def test_allowances_are_emptied_only_when_what_sets_them_changes(
    requests_mock, clients, redis_client, attributes, allowance_emptied
):
    service_id = sample_service_id()
    keys = [f"service-{service_id}-free-sms-fragment-limit-{year}" for year in (2025, 2026)]
    for key in keys:
        redis_client.set(key, "{}")
    requests_mock.post(f"{TEST_API}/service/{service_id}", json=sample_body("GET_service"))

    clients.services.update_service(service_id, **attributes)

    assert redis_client.exists(*keys) == (0 if allowance_emptied else 2)


def test_forget_service_empties_only_that_services_keys(requests_mock, clients, redis_client):
    service_id, other = str(uuid4()), str(uuid4())
    mine = [
        f"service-{service_id}",
        f"service-{service_id}-statistics-7",
        atomic.stale_key(f"service-{service_id}"),
        atomic.lock_key(f"service-{service_id}-statistics-7"),
    ]
    kept = [
        f"service-{other}",
        atomic.stale_key(f"service-{other}"),
        atomic.generation_key(f"service-{service_id}"),  # guards an update in progress
        f"service-{service_id}x",
    ]
    for key in mine + kept:
        redis_client.set(key, "{}")

    clients.cache.forget_service(service_id, values={"limit_days": [7]})

    assert redis_client.exists(*mine) == 0
    assert redis_client.exists(*kept) == len(kept)


def test_a_value_that_does_not_decode_is_a_miss_deleted_and_counted(
    requests_mock, clients, redis_client
):
    key = f"service-{sample_service_id()}"
    redis_client.set(key, b"\xff{not json", ex=600)
    mock_service(requests_mock, sample_service_id())

    with recording() as lookups:
        answer = clients.services.get_service(sample_service_id())

    assert answer == SERVICE(sample_body("GET_service"))
    assert [lookup.outcome for lookup in lookups] == ["corrupt"]
    assert json.loads(redis_client.get(key)) == sample_body("GET_service")
    clients.cache.flush_telemetry()
    assert counts(redis_client)[("service", "corrupt")] == 1


def test_a_corrupt_value_is_deleted_even_when_the_api_fails(requests_mock, clients, redis_client):
    key = f"service-{sample_service_id()}"
    redis_client.set(key, b"not json", ex=600)
    requests_mock.get(f"{TEST_API}/service/{sample_service_id()}", status_code=500, json={})

    with pytest.raises(Exception, match="500"):
        clients.services.get_service(sample_service_id())

    assert redis_client.exists(key) == 0


def test_api_errors_are_not_cached(requests_mock, clients, redis_client):
    service_id = str(uuid4())
    status, body = load_sample("GET_service_unknown_id")
    requests_mock.get(f"{TEST_API}/service/{service_id}", status_code=status, json=body)

    for _ in range(2):
        with pytest.raises(Exception, match="No result found"):
            clients.services.get_service(service_id)

    assert requests_mock.call_count == 2
    assert redis_client.exists(f"service-{service_id}") == 0


def test_redis_stopped_midway_fails_open_and_caching_resumes_when_it_returns(
    requests_mock, tmp_path
):
    server = RedisServer(tmp_path).start()
    try:
        client = redis.Redis.from_url(server.url, socket_timeout=0.25, socket_connect_timeout=0.25)
        cache = RequestCache(client, DEFAULT_TTLS, retry_after_seconds=0)
        clients = build_clients(settings_for_tests(), cache)
        mock_service(requests_mock, sample_service_id())
        clients.services.get_service(sample_service_id())

        server.stop()
        with recording() as while_down:
            answer = clients.services.get_service(sample_service_id())

        server.start()
        clients.services.get_service(sample_service_id())
        with recording() as after_restart:
            clients.services.get_service(sample_service_id())
    finally:
        server.stop()

    assert answer == SERVICE(sample_body("GET_service"))
    assert [lookup.outcome for lookup in while_down] == ["error"]
    assert [lookup.outcome for lookup in after_restart] == ["hit"]
    assert requests_mock.call_count == 3
    assert cache.process_counts[("service", "error")] == 1


def connections_made(listener: socket.socket) -> int:
    """Connections waiting in a listener's backlog: the kernel completes them unaccepted."""
    listener.setblocking(False)
    made = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return made
        connection.close()
        made += 1


def test_a_redis_that_does_not_answer_is_one_try_and_a_miss(requests_mock):
    """A listener that never replies stands for a Redis that hangs. The client is built as the
    dashboard builds it: a retry would open a second connection, and cost a page another
    socket timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    client = redis.Redis(host="127.0.0.1", port=port, **client_options(Settings()))
    clients = build_clients(settings_for_tests(), RequestCache(client, DEFAULT_TTLS))
    mock_service(requests_mock, sample_service_id())

    try:
        with recording() as lookups:
            answer = clients.services.get_service(sample_service_id())
        made = connections_made(listener)
    finally:
        client.connection_pool.disconnect()
        listener.close()

    assert answer == SERVICE(sample_body("GET_service"))
    assert [lookup.outcome for lookup in lookups] == ["error"]
    assert made == 1


def test_after_an_error_redis_is_left_alone_for_a_moment(requests_mock, redis_client):
    cache = RequestCache(redis_client, DEFAULT_TTLS, retry_after_seconds=60)
    clients = build_clients(settings_for_tests(), cache)
    mock_service(requests_mock, sample_service_id())
    cache._failed("read", redis.ConnectionError("simulated"))

    with recording() as lookups:
        clients.services.get_service(sample_service_id())

    assert [lookup.outcome for lookup in lookups] == ["error"]
    assert redis_client.exists(f"service-{sample_service_id()}") == 0


def test_with_the_cache_off_every_call_goes_to_the_api(requests_mock):
    clients = build_clients(settings_for_tests(), RequestCache(None, DEFAULT_TTLS))
    mock_service(requests_mock, sample_service_id())

    with recording() as lookups:
        for _ in range(3):
            clients.services.get_service(sample_service_id())

    assert requests_mock.call_count == 3
    assert {lookup.outcome for lookup in lookups} == {"off"}


def usage_rows(units: int) -> list[dict]:
    return [{"notification_type": "sms", "chargeable_units": units, "rate": 0.024}]


def test_a_batch_reads_every_key_at_once_and_loads_only_the_misses(
    requests_mock, clients, redis_client
):
    service_ids = [str(uuid4()) for _ in range(5)]
    for units, service_id in enumerate(service_ids):
        requests_mock.get(
            f"{TEST_API}/service/{service_id}/billing/yearly-usage-summary",
            json=usage_rows(units),
        )
    for service_id in service_ids[:2]:
        redis_client.set(f"service-{service_id}-yearly-usage-2026", json.dumps(usage_rows(99)))

    with recording() as lookups:
        answers = clients.billing.get_yearly_usage.many(
            [{"service_id": service_id, "year": 2026} for service_id in service_ids]
        )

    keys = [f"service-{service_id}-yearly-usage-2026" for service_id in service_ids]
    assert [answer.value for answer in answers] == [YEARLY_USAGE(usage_rows(99))] * 2 + [
        YEARLY_USAGE(usage_rows(units)) for units in (2, 3, 4)
    ]
    assert [lookup.outcome for lookup in lookups] == ["hit"] * 2 + ["miss"] * 3
    assert requests_mock.call_count == 3
    assert all(redis_client.ttl(key) > 3000 for key in keys[2:])


def test_a_batch_hands_back_each_failure_in_its_place(requests_mock, clients):
    good, bad = str(uuid4()), str(uuid4())
    body = {"data": sample_body("GET_service")["data"] | {"id": good}}
    requests_mock.get(f"{TEST_API}/service/{good}", json=body)
    requests_mock.get(
        f"{TEST_API}/service/{bad}", status_code=404, json={"message": "No result found"}
    )

    answers = clients.services.get_service.many(
        [{"service_id": bad}, {"service_id": good}, {"service_id": bad}]
    )

    assert [answer.ok for answer in answers] == [False, True, False]
    assert answers[1].value == SERVICE(body)
    assert answers[0].error.status_code == answers[2].error.status_code == 404
    assert requests_mock.call_count == 2


def test_an_empty_batch_asks_nothing(clients):
    assert clients.services.get_service.many([]) == []


class CountingSchema:
    """A schema (the service's) that counts the answers it checks, parsed or as JSON text."""

    def __init__(self) -> None:
        self.checked = 0

    def __call__(self, answer):
        self.checked += 1
        return SERVICE(answer)

    def from_json(self, text):
        self.checked += 1
        return SERVICE.from_json(text)


def test_a_warm_read_of_the_bytes_just_stored_checks_nothing_again(cache, redis_client):
    key, schema = f"service-{uuid4()}", CountingSchema()
    body = sample_body("GET_service")

    loaded = cache.fetch(key, "service", lambda: body, schema)
    with recording() as lookups:
        warm = [cache.fetch(key, "service", lambda: body, schema) for _ in range(3)]

    assert warm == [loaded] * 3 == [SERVICE(body)] * 3
    assert [lookup.outcome for lookup in lookups] == ["hit"] * 3
    assert schema.checked == 1


def test_a_value_another_process_stored_is_checked_once_from_its_json(cache, redis_client):
    key, schema = f"service-{uuid4()}", CountingSchema()
    redis_client.set(key, json.dumps(sample_body("GET_service")), ex=600)

    answers = [cache.fetch(key, "service", lambda: {}, schema) for _ in range(3)]

    assert answers == [SERVICE(sample_body("GET_service"))] * 3
    assert schema.checked == 1


def test_a_value_changed_in_redis_is_read_as_it_now_is(cache, redis_client):
    key = f"service-{uuid4()}"
    body = sample_body("GET_service")
    cache.fetch(key, "service", lambda: body, SERVICE)
    renamed = {"data": body["data"] | {"name": "Renamed by the admin app"}}
    redis_client.set(key, json.dumps(renamed), ex=600)

    answer = cache.fetch(key, "service", lambda: body, SERVICE)

    assert answer.name == "Renamed by the admin app"


def test_a_value_gone_from_redis_is_read_from_the_api_again(cache, redis_client):
    key, calls = f"service-{uuid4()}", []
    body = sample_body("GET_service")

    def load():
        calls.append(1)
        return body

    cache.fetch(key, "service", load, SERVICE)
    redis_client.delete(key)
    with recording() as lookups:
        cache.fetch(key, "service", load, SERVICE)

    assert len(calls) == 2
    assert [lookup.outcome for lookup in lookups] == ["miss"]


def test_a_value_that_stops_fitting_after_good_reads_is_corrupt(cache, redis_client):
    key = f"service-{uuid4()}"
    body = sample_body("GET_service")
    for _ in range(2):
        cache.fetch(key, "service", lambda: body, SERVICE)
    broken = {"data": body["data"] | {"sms_message_limit": "250000"}}
    redis_client.set(key, json.dumps(broken), ex=600)

    with recording() as lookups:
        answer = cache.fetch(key, "service", lambda: body, SERVICE)

    assert answer == SERVICE(body)
    assert [lookup.outcome for lookup in lookups] == ["corrupt"]
    assert json.loads(redis_client.get(key)) == body


def test_a_list_read_warm_is_the_readers_own(cache):
    key = f"service-{uuid4()}-data-retention"
    body = sample_body("GET_service_data_retention")
    for _ in range(2):  # cold, then warm
        cache.fetch(key, "data-retention", lambda: body, DATA_RETENTION).clear()

    assert cache.fetch(key, "data-retention", lambda: body, DATA_RETENTION) == DATA_RETENTION(body)
