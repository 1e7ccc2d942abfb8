"""Small values derived from big answers, each cached in a key of its own.

Some pages need a sliver of a large answer on every view: the picker needs every service's
name, not its settings; a comparison needs every service's nine numbers for each earlier
window, not the 1.2 MB detailed list (90 ms to decode at 2,000 services, 3 ms this way); a
trend needs every service's counts for each day. Each is read once from its source answer (a
cached client call) into a small key (`service-names`, `window-counts-{start}-{end}`,
`daily-counts-{day}`), and a settled period (more than 10 days old, `domain/settling.py`) is
kept far longer. They sit with the clients, so loaders read them as they read any client call
and never touch the cache themselves.
"""

from datetime import date
from functools import partial

from dashboard.cache.decorators import register_key_format
from dashboard.cache.request_cache import CacheRequest
from dashboard.domain.daily_trend import DAY_COUNT_FIELDS
from dashboard.domain.settling import is_settled
from dashboard.domain.statistics import CHANNELS
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.base import AnswerSchema, Count, Text
from dashboard.notify_client.schemas.services import ChannelCounts, Service, Statistics
from dashboard.notify_client.services import SERVICE_NAMES_KEY

# What the picker's key must hold; anything else found there is corrupt, deleted and made again.
_NAMES_BY_ID: AnswerSchema[dict[str, str]] = AnswerSchema(dict[Text, Text], wrapped=False)


def _names_by_id(clients: NotifyClients) -> dict[str, str]:
    services: list[Service] = clients.services.get_services()
    ordered = sorted(services, key=lambda service: service.name.lower())
    return {service.id: service.name for service in ordered}


def service_names_request(clients: NotifyClients) -> CacheRequest:
    """The picker's names, made from the services list (see `service_choices`)."""
    return CacheRequest(SERVICE_NAMES_KEY, "services", lambda: _names_by_id(clients), _NAMES_BY_ID)


def service_choices(clients: NotifyClients) -> dict[str, str]:
    """Service id → name, sorted by name, for the searchable picker on every page view.

    Kept in Redis beside the services list it is made from: a twentieth of its size, so a
    page does not decode every service's settings just to list their names.
    """
    request = service_names_request(clients)
    choices: dict[str, str] = clients.cache.fetch(
        request.key, request.kind, request.load, request.validate
    )
    return choices


WINDOW_COUNTS_KEY = "window-counts-{start}-{end}"
register_key_format(WINDOW_COUNTS_KEY, "window-counts")

#: Each service's requested, delivered and failed for email, then texts, then letters.
Packed = tuple[int, int, int, int, int, int, int, int, int]
_WINDOW_COUNTS: AnswerSchema[dict[str, Packed]] = AnswerSchema(
    dict[Text, tuple[Count, Count, Count, Count, Count, Count, Count, Count, Count]],
    wrapped=False,
)
NOTHING: Packed = (0, 0, 0, 0, 0, 0, 0, 0, 0)


def _packed(clients: NotifyClients, start: date, end: date) -> dict[str, list[int]]:
    """Every service that sent anything in the window, with its nine numbers."""
    packed = {}
    for row in clients.services.get_services_detailed(start, end):
        values = [
            getattr(getattr(row.statistics, channel), measure)
            for channel in CHANNELS
            for measure in ("requested", "delivered", "failed")
        ]
        if any(values):
            packed[row.id] = values
    return packed


def window_counts_request(
    clients: NotifyClients, start: date, end: date, today: date
) -> CacheRequest:
    """The cache request for one window's small key (the warm-up job refreshes it too)."""
    kind = "window-counts-settled" if is_settled(end, today) else "window-counts"
    key = WINDOW_COUNTS_KEY.format(start=start.isoformat(), end=end.isoformat())
    return CacheRequest(key, kind, partial(_packed, clients, start, end), _WINDOW_COUNTS)


def window_counts(clients: NotifyClients, start: date, end: date, today: date) -> dict[str, Packed]:
    """Service id → its nine numbers from `start` to `end`, from the cache when it has them."""
    request = window_counts_request(clients, start, end, today)
    counts: dict[str, Packed] = clients.cache.fetch_many([request])[0].unwrap()
    return counts


def statistics_of(packed: Packed) -> Statistics:
    """One service's nine numbers as the statistics endpoint's shape."""
    return Statistics(
        **{
            channel: ChannelCounts(
                requested=packed[3 * index],
                delivered=packed[3 * index + 1],
                failed=packed[3 * index + 2],
            )
            for index, channel in enumerate(CHANNELS)
        }
    )


DAILY_COUNTS_KEY = "daily-counts-{day}"
register_key_format(DAILY_COUNTS_KEY, "daily-counts")

#: Service id → its requested and failed by channel on one day (`DAY_COUNT_FIELDS`' order).
_DAY_COUNTS: AnswerSchema[dict[str, tuple[int, int, int, int, int, int]]] = AnswerSchema(
    dict[Text, tuple[Count, Count, Count, Count, Count, Count]], wrapped=False
)


def _day_counts(clients: NotifyClients, day: date) -> dict[str, list[int]]:
    """Every service's counts on one day, from that day's detailed list (services that sent
    nothing are left out)."""
    counts = {}
    for row in clients.services.get_services_detailed(day, day):
        values = [getattr(getattr(row.statistics, c), m) for c, m in DAY_COUNT_FIELDS]
        if any(values):
            counts[row.id] = values
    return counts


DayCounts = dict[str, tuple[int, ...]]


def day_counts(clients: NotifyClients, days: list[date], today: date) -> dict[date, DayCounts]:
    """Each day's counts for every service, from the cache in one round trip, the days not
    there read from the API at once."""
    requests = [
        CacheRequest(
            DAILY_COUNTS_KEY.format(day=day.isoformat()),
            "daily-counts-settled" if is_settled(day, today) else "daily-counts",
            partial(_day_counts, clients, day),
            _DAY_COUNTS,
        )
        for day in days
    ]
    results = clients.cache.fetch_many(requests)
    return {day: result.unwrap() for day, result in zip(days, results, strict=True)}
