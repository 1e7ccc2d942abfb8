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

#: Seconds an API call of a platform-wide kind may take before it is abandoned: about three
#: times its cost on a platform of 2,000 services (notify-api's table: the services list 5.1 s,
#: live-services-data 10.5 s, a year of volumes-by-service or the billing report about 3 s).
#: Every other kind takes the settings' `API_TIMEOUT_SECONDS` (10 s).
LOAD_TIMEOUTS: Mapping[str, float] = MappingProxyType(
    {
        "services": 20.0,
        "live-services": 35.0,
        "volumes-by-service": 15.0,
        "volumes-by-service-closed-year": 15.0,
        "volumes-by-service-settled": 15.0,
        "billing-report": 15.0,
        "billing-report-closed-year": 15.0,
        "billing-report-settled": 15.0,
    }
)


def resolve_ttls(overrides: Mapping[str, int]) -> dict[str, int]:
    """The TTL of every kind, with settings' overrides; an unknown kind is a configuration error."""
    unknown = sorted(set(overrides) - set(DEFAULT_TTLS))
    if unknown:
        raise ValueError(f"No such kind of cached data: {', '.join(unknown)}")
    return {**DEFAULT_TTLS, **overrides}
