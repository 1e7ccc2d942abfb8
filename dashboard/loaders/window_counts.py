"""Every service's counts for a window of days, kept small: what a comparison reads.

The detailed services list for a window is 1.2 MB at 2,000 services and takes about 90 ms to
decode on each read. A comparison needs the four windows before the one shown, on every view of
the Service page, All services and the Overview: so each window's list is read once into a key
of its own, `window-counts-{start}-{end}` (each service's nine numbers, a fifteenth of the size,
3 ms to decode), kept a week once its days have settled (`domain/settling.py`).
"""

from datetime import date
from functools import partial

from dashboard.cache.decorators import register_key_format
from dashboard.cache.request_cache import CacheRequest
from dashboard.domain.settling import is_settled
from dashboard.domain.statistics import CHANNELS
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.base import AnswerSchema, Count, Text
from dashboard.notify_client.schemas.services import ChannelCounts, Statistics

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
