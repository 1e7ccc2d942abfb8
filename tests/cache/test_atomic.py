"""The cache's own keys beside each value, and which generations guard a key."""

from uuid import uuid4

from dashboard.cache import atomic


def test_a_key_is_guarded_by_its_own_generation_and_those_of_the_patterns_it_matches():
    atomic.register_pattern("widget-{widget_id}-part-*")
    widget_id = str(uuid4())

    assert atomic.generation_keys(f"widget-{widget_id}-part-2026") == [
        f"dashboard-generation:widget-{widget_id}-part-2026",
        f"dashboard-generation:widget-{widget_id}-part-*",
    ]
    assert atomic.generation_keys(f"widget-{widget_id}") == [
        f"dashboard-generation:widget-{widget_id}"
    ]


def test_the_notify_clients_allowance_keys_are_guarded_by_the_update_pattern(clients):
    """services.py's update names `service-{service_id}-free-sms-fragment-limit-*`."""
    service_id = str(uuid4())

    assert (
        f"dashboard-generation:service-{service_id}-free-sms-fragment-limit-*"
        in atomic.generation_keys(f"service-{service_id}-free-sms-fragment-limit-2026")
    )


def test_own_keys_are_named_apart_from_the_admins():
    key = "service-1"
    assert {atomic.lock_key(key), atomic.stale_key(key), atomic.generation_key(key)} == {
        "dashboard-lock:service-1",
        "dashboard-stale:service-1",
        "dashboard-generation:service-1",
    }
