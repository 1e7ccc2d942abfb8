"""Which kinds of data the cache holds, for how long, when a read refreshes them ahead, and how
long their API call may take (the README's "Cache policy").

The notebook `notebooks/cache_hit_rates.ipynb` exists to tune these numbers; a deployment
overrides one with `CACHE_TTL_<KIND>` (for example `CACHE_TTL_STATISTICS=600`).
"""

from collections.abc import Mapping
from types import MappingProxyType

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

DEFAULT_TTLS: Mapping[str, int] = MappingProxyType(
    {
        "service": 7 * DAY,
        "service-organisation": DAY,
        "services": HOUR,
        "services-detailed": 5 * MINUTE,
        # Days more than 10 days old no longer change (domain/settling.py): kept a week.
        "services-detailed-settled": 7 * DAY,
        # One day's whole list is read into the small daily counts below, not kept.
        "services-detailed-day": 5 * MINUTE,
        "window-counts": 5 * MINUTE,
        "window-counts-settled": 7 * DAY,
        "daily-counts": 5 * MINUTE,
        "daily-counts-settled": 30 * DAY,
        "live-services": HOUR,
        "statistics": 5 * MINUTE,
        "statistics-today": MINUTE,
        "data-retention": 7 * DAY,
        "email-reply-to": 7 * DAY,
        "free-allowance": DAY,
        "yearly-usage": HOUR,
        "monthly-usage": HOUR,
        # A financial year that has ended hardly changes: its answers are kept a week.
        "notifications-monthly": HOUR,
        "notifications-monthly-closed-year": 7 * DAY,
        "platform-stats": 5 * MINUTE,
        "platform-stats-closed-year": 7 * DAY,
        # A range that ended more than 10 days ago, in this financial year.
        "platform-stats-settled": 7 * DAY,
        "volumes-by-service": HOUR,
        "volumes-by-service-closed-year": 7 * DAY,
        "volumes-by-service-settled": 7 * DAY,
        "billing-report": HOUR,
        "billing-report-closed-year": 7 * DAY,
        "billing-report-settled": 7 * DAY,
        "daily-volumes": 15 * MINUTE,
        "daily-volumes-settled": 7 * DAY,
        "template-statistics": 5 * MINUTE,
        "templates-usage": HOUR,
        "templates-usage-closed-year": 7 * DAY,
        "organisations": HOUR,
        "organisation-usage": HOUR,
        "organisation-usage-closed-year": 7 * DAY,
        "templates": 7 * DAY,
        "template": 7 * DAY,
        "template-versions": 7 * DAY,
        "user": 7 * DAY,
    }
)


#: A current value read in the last fifth of its life is served, and refreshed in the background.
REFRESH_AHEAD_SHARE = 0.2
#: The share of its life at whose end a read of each kind refreshes it (0: never ahead).
DEFAULT_REFRESH_AHEAD: Mapping[str, float] = MappingProxyType(
    dict.fromkeys(DEFAULT_TTLS, REFRESH_AHEAD_SHARE)
)

#: The platform's size at which `LOAD_TIMEOUTS` are set (and the API's costs were measured).
TIMEOUT_SERVICES = 2000
#: Seconds an API call of a platform-wide kind may take before it is abandoned on a platform
#: of 2,000 services: about three times its cost there (the services list 5.1 s,
#: live-services-data 10.5 s, a past year of volumes-by-service 3.1 s, of the billing report
#: 4.6 s, a window's detailed list of 91 days 2.7 s). Their cost grows with the services they
#: cover, and so do these (`load_timeouts`). Every other kind takes the settings'
#: `API_TIMEOUT_SECONDS` (10 s).
LOAD_TIMEOUTS: Mapping[str, float] = MappingProxyType(
    {
        "services": 20.0,
        "live-services": 35.0,
        "services-detailed": 10.0,
        "services-detailed-settled": 10.0,
        "volumes-by-service": 15.0,
        "volumes-by-service-closed-year": 15.0,
        "volumes-by-service-settled": 15.0,
        "billing-report": 15.0,
        "billing-report-closed-year": 15.0,
        "billing-report-settled": 15.0,
    }
)


def load_timeouts(services: int) -> dict[str, float]:
    """Each platform-wide kind's timeout on a platform of `services` services: its call covers
    every service, so its cost grows with them (the services list 5.1 s at 2,000, 25.5 s at
    10,000) and so does its timeout; never below `LOAD_TIMEOUTS`. A flight's lock lasts
    beyond it (`RequestCache.lock_seconds`)."""
    scale = max(1.0, services / TIMEOUT_SERVICES)
    return {kind: seconds * scale for kind, seconds in LOAD_TIMEOUTS.items()}


def resolve_ttls(overrides: Mapping[str, int]) -> dict[str, int]:
    """The TTL of every kind, with settings' overrides; an unknown kind is a configuration error."""
    unknown = sorted(set(overrides) - set(DEFAULT_TTLS))
    if unknown:
        raise ValueError(f"No such kind of cached data: {', '.join(unknown)}")
    return {**DEFAULT_TTLS, **overrides}
