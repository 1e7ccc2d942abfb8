"""Small values derived from big answers, each cached in a key of its own.

Some pages need a sliver of a large answer on every view: the picker needs every service's
name, not its settings; a comparison needs every service's nine numbers for each earlier
window, not the 1.2 MB detailed list (90 ms to decode at 2,000 services, 3 ms this way); a
trend needs every service's counts for each day. Each is read once from its source answer (a
cached client call) into a small key (`service-names`, `window-counts-{start}-{end}`,
`day-counts-{day}`), and a settled period (more than 10 days old, `domain/settling.py`) is
kept far longer. A window's counts add up from its days' keys when Redis holds them all, so
once the warm-up job keeps the days, no window of any length needs its own range call. They
sit with the clients, so loaders read them as they read any client call and never touch the
cache themselves.
"""

import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from operator import add
from typing import cast

from dashboard.cache.decorators import register_key_format
from dashboard.cache.load_timeout import past_deadline
from dashboard.cache.request_cache import CacheRequest, InvalidAnswer, refreshing
from dashboard.domain.daily_trend import DAY_COUNT_FIELDS
from dashboard.domain.settling import is_settled
from dashboard.domain.statistics import CHANNELS
from dashboard.identity import same_answer
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.base import AnswerSchema, Count, Text
from dashboard.notify_client.schemas.services import (
    ChannelCounts,
    DetailedService,
    Service,
    Statistics,
)
from dashboard.notify_client.services import SERVICE_NAMES_KEY


def is_derived(key: str) -> bool:
    """Whether a key holds a value made from other cached answers (its misses call the API
    only through their lookups), not an API answer."""
    return key == SERVICE_NAMES_KEY or key.startswith(("window-counts-", "day-counts-"))


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


def packed_of(statistics: Statistics) -> Packed:
    """One service's nine numbers (see `Packed`)."""
    email, sms, letter = statistics.email, statistics.sms, statistics.letter
    return (
        email.requested,
        email.delivered,
        email.failed,
        sms.requested,
        sms.delivered,
        sms.failed,
        letter.requested,
        letter.delivered,
        letter.failed,
    )


def _packed_rows(rows: list[DetailedService]) -> dict[str, list[int]]:
    """Every service of a detailed list that sent anything, with its nine numbers."""
    return {row.id: list(packed) for row in rows if any(packed := packed_of(row.statistics))}


def _listed(clients: NotifyClients) -> dict[str, str]:
    """The services list's services (the picker's names). Past the page's deadline only what
    Redis holds: waiting for another reader's read of the list would outlast the deadline, and
    `TimeoutError` makes the cache serve the last good copy instead."""
    if not past_deadline():
        return service_choices(clients)
    kept = clients.cache.peek([service_names_request(clients)])
    if kept is None:
        raise TimeoutError("the services list is not in Redis and the page's deadline has passed")
    names: dict[str, str] = kept[0]
    return names


def _left_out(rows: list[DetailedService], listed: dict[str, str]) -> list[str]:
    named = {row.id for row in rows}
    return [service_id for service_id in listed if service_id not in named]


def _whole_rows(clients: NotifyClients, start: date, end: date) -> dict[str, list[int]]:
    """`_packed_rows` of the detailed list from `start` to `end`, which must name every service
    of the services list: the small key leaves out services that sent nothing, so a service
    the list left out would read as "sent nothing" for as long as the key is kept. The API's
    detailed list joins every service to its counts (a service created since the window is
    there with zeros), so a list that leaves one out is short: `InvalidAnswer`, never kept."""
    rows = clients.services.get_services_detailed(start, end)
    listed = _listed(clients)
    left_out = _left_out(rows, listed)
    if left_out and not past_deadline():
        # A settled window's list is kept for days, the services list an hour: a service
        # created since the list was read is not in it. Read it once more before refusing it.
        detailed = clients.services.get_services_detailed
        clients.cache.invalidate([detailed.request(start, end).key], strict=False)
        rows = detailed(start, end)
        left_out = _left_out(rows, listed)
    if left_out:
        raise InvalidAnswer(
            "services-detailed",
            f"services-detailed-{start.isoformat()}-{end.isoformat()}",
            f"it leaves out {len(left_out)} of the services list's {len(listed)} services"
            f" (the first: {left_out[0]})",
        )
    return _packed_rows(rows)


def _summed(by_day: list[dict[str, Packed]]) -> dict[str, list[int]]:
    """Each service's nine numbers added up over the days."""
    total: dict[str, list[int]] = {}
    for counts in by_day:
        for service_id, values in counts.items():
            kept = total.get(service_id)
            total[service_id] = list(values) if kept is None else list(map(add, kept, values))
    return total


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _from_kept_days(
    clients: NotifyClients, start: date, end: date, today: date
) -> dict[str, list[int]] | None:
    """A window's nine numbers summed from its days' small keys when Redis holds every one
    of them (the warm-up job keeps them); None when a day is missing: no API call here."""
    kept = clients.cache.peek(day_requests(clients, _days(start, end), today))
    return None if kept is None else _summed(kept)


def _packed(clients: NotifyClients, start: date, end: date, today: date) -> dict[str, list[int]]:
    """Every service that sent anything in the window, with its nine numbers: summed from
    the days' keys when all are kept, else read from the window's detailed list (one call)."""
    summed = _from_kept_days(clients, start, end, today)
    if summed is not None:
        return summed
    return _whole_rows(clients, start, end)


def window_counts_request(
    clients: NotifyClients, start: date, end: date, today: date
) -> CacheRequest:
    """The cache request for one window's small key (the warm-up job refreshes it too)."""
    kind = "window-counts-settled" if is_settled(end, today) else "window-counts"
    key = WINDOW_COUNTS_KEY.format(start=start.isoformat(), end=end.isoformat())
    return CacheRequest(key, kind, partial(_packed, clients, start, end, today), _WINDOW_COUNTS)


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


#: Each day's nine numbers for every service that sent anything (`Packed`, as a window's):
#: the trend reads its days from them, and any window's counts add up from them.
DAILY_COUNTS_KEY = "day-counts-{day}"
register_key_format(DAILY_COUNTS_KEY, "daily-counts")


def _day_counts(clients: NotifyClients, day: date) -> dict[str, list[int]]:
    """Every service's counts on one day, from that day's detailed list (services that sent
    nothing are left out; a list that leaves out a service of the services list is refused)."""
    return _whole_rows(clients, day, day)


def day_requests(clients: NotifyClients, days: list[date], today: date) -> list[CacheRequest]:
    """The cache requests for these days' small keys (the warm-up job refreshes them too)."""
    return [
        CacheRequest(
            DAILY_COUNTS_KEY.format(day=day.isoformat()),
            "daily-counts-settled" if is_settled(day, today) else "daily-counts",
            partial(_day_counts, clients, day),
            _WINDOW_COUNTS,
        )
        for day in days
    ]


DayCounts = dict[str, tuple[int, ...]]
#: The trend's six of the nine numbers (`DAY_COUNT_FIELDS`), by their place in `Packed`.
_TREND_PLACES = tuple(
    3 * CHANNELS.index(channel) + ("requested", "delivered", "failed").index(measure)
    for channel, measure in DAY_COUNT_FIELDS
)
# Each day's trend counts, made once per value this process read (the same objects:
# `dashboard/identity.py`).
_trend_counts: dict[str, tuple[object, DayCounts]] = {}
_trend_lock = threading.Lock()
_TREND_KEPT = 512


def _trend_of(key: str, packed: dict[str, Packed]) -> DayCounts:
    """A day's counts in the trend's order, made once for the value Redis gave."""
    with _trend_lock:
        kept = _trend_counts.get(key)
    if kept is not None and same_answer(kept[0], packed):
        return kept[1]
    counts = {
        service_id: tuple(values[place] for place in _TREND_PLACES)
        for service_id, values in packed.items()
    }
    with _trend_lock:
        if len(_trend_counts) >= _TREND_KEPT:
            _trend_counts.pop(next(iter(_trend_counts)))
        _trend_counts[key] = (packed, counts)
    return counts


def day_counts(clients: NotifyClients, days: list[date], today: date) -> dict[date, DayCounts]:
    """Each day's requested and failed by channel (`DAY_COUNT_FIELDS`) for every service, from
    the cache in one round trip, the days not there read from the API at once."""
    requests = day_requests(clients, days, today)
    results = clients.cache.fetch_many(requests)
    return {
        day: _trend_of(request.key, result.unwrap())
        for day, request, result in zip(days, requests, results, strict=True)
    }


def day_counts_from(
    days: list[date], answers: Mapping[str, dict[str, Packed]]
) -> dict[date, DayCounts]:
    """`day_counts` made from the days' answers by key (their last good copies, for a read
    past the page's deadline); `KeyError` when a day has none."""
    keys = {day: DAILY_COUNTS_KEY.format(day=day.isoformat()) for day in days}
    return {day: _trend_of(key, answers[key]) for day, key in keys.items()}


# The current window's rows, made once per pair of values this process read (the same
# objects).
_windows: dict[tuple[date, date], tuple[object, object, list[DetailedService]]] = {}
_windows_lock = threading.Lock()
_WINDOWS_KEPT = 16


def _with_before(todays: list[DetailedService], before: dict[str, Packed]) -> list[DetailedService]:
    """Today's rows with the days before added to each service's counts."""
    return [
        replace(
            row,
            statistics=statistics_of(
                cast(Packed, tuple(map(add, packed_of(row.statistics), before[row.id])))
            ),
        )
        if row.id in before
        else row
        for row in todays
    ]


def current_window(clients: NotifyClients, start: date, today: date) -> list[DetailedService]:
    """Every service with its counts from `start` to today, as `get_services_detailed` gives
    them, without its range call when the days before today are kept: today's list (which
    the page reads anyway) plus the days before, summed into `window-counts-{start}-{day
    before today}` from their daily keys. So any window, of any length, costs no API call
    once the warm-up job keeps the days; a day not kept makes it the one range call."""
    yesterday = today - timedelta(days=1)
    if start > yesterday:
        return clients.services.get_services_detailed(start, today)
    request = window_counts_request(clients, start, yesterday, today)
    derivable = replace(request, load=partial(_derived_only, clients, start, yesterday, today))
    before = clients.cache.fetch_many([derivable])[0]
    if isinstance(before.error, NotKept):
        return clients.services.get_services_detailed(start, today)
    before_counts: dict[str, Packed] = before.unwrap()
    todays = clients.services.get_services_detailed(today, today)
    with _windows_lock:
        kept = _windows.get((start, today))
    if kept is not None and same_answer(kept[0], todays) and same_answer(kept[1], before_counts):
        return kept[2]
    rows = _with_before(todays, before_counts)
    with _windows_lock:
        if len(_windows) >= _WINDOWS_KEPT and (start, today) not in _windows:
            _windows.pop(next(iter(_windows)))
        _windows[(start, today)] = (todays, before_counts, rows)
    return rows


class NotKept(LookupError):
    """A day of a window is not in Redis, so the window cannot be summed without a call."""


def _derived_only(
    clients: NotifyClients, start: date, end: date, today: date
) -> dict[str, list[int]]:
    """The days summed; a reader with a day missing gets `NotKept` (and reads the window's own
    list), a refresh, which nobody waits for, reads these days' list instead."""
    summed = _from_kept_days(clients, start, end, today)
    if summed is not None:
        return summed
    if refreshing():
        return _whole_rows(clients, start, end)
    raise NotKept(f"a day from {start} to {end} is not kept in Redis: not summed")
