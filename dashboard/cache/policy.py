"""Which kinds of data the cache holds and for how long (the README's "Cache policy").

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
        "services": HOUR,
        "services-detailed": 5 * MINUTE,
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
        "volumes-by-service": HOUR,
        "volumes-by-service-closed-year": 7 * DAY,
        "billing-report": HOUR,
        "billing-report-closed-year": 7 * DAY,
        "organisations": HOUR,
        "organisation-usage": HOUR,
        "templates": 7 * DAY,
        "template": 7 * DAY,
        "template-versions": 7 * DAY,
        "user": 7 * DAY,
    }
)


def resolve_ttls(overrides: Mapping[str, int]) -> dict[str, int]:
    """The TTL of every kind, with settings' overrides; an unknown kind is a configuration error."""
    unknown = sorted(set(overrides) - set(DEFAULT_TTLS))
    if unknown:
        raise ValueError(f"No such kind of cached data: {', '.join(unknown)}")
    return {**DEFAULT_TTLS, **overrides}
