"""How long the real Notify API takes at the size of the real platform, for `--latency platform`.

The real API was timed on a data set the size of the platform (2,000 services, 1,500 live,
about 4 million notifications a day, 20 months of facts; PostgreSQL 15, 2 cores; median of 5).
At that size the calls that cover every service are slow: the services list 5.1 s,
live-services-data 10.5 s, a year of volumes-by-service 2.4 to 3.1 s. A platform-wide call's
cost grows with the platform, so here it is scaled by the sandbox's services over 2,000 (the
services list takes about 5 s at 2,000 services, 2.5 s at 1,000). A call about one service
costs the same whatever the platform's size.

Endpoints are named by their route with the converters left out (`/service/<>/statistics`), so
that an endpoint added later finds its row by its path. A call whose cost depends on its range
is interpolated between the measured ranges (straight lines through the points, extended past
the last). Endpoints not in these tables take the small data set's medians (`real_latency`).
"""

import re
from collections.abc import Mapping
from datetime import date, timedelta

from notify_sandbox import real_latency

#: The size at which the table was measured.
MEASURED_SERVICES = 2000

#: Seconds at 2,000 services for platform-wide calls whose cost does not depend on a range.
PLATFORM_SECONDS = {
    "/service/live-services-data": 10.5,
    "/service": 5.1,
    "/organisations": 0.978,
}

#: Platform-wide calls by the days their range covers: (days, seconds at 2,000 services), sorted.
PLATFORM_RANGE_SECONDS: dict[str, tuple[tuple[int, float], ...]] = {
    "/service?detailed=True": ((1, 0.140), (7, 0.318), (30, 0.971)),
    "/platform-stats": ((1, 0.061), (30, 0.080)),
    # One day; this financial year so far (measured 245 days in); a whole past year.
    "/platform-stats/volumes-by-service": ((1, 0.056), (245, 2.359), (365, 3.056)),
    "/platform-stats/data-for-billing-report": ((1, 0.056), (245, 3.080)),
    "/platform-stats/daily-volumes-report": ((1, 0.061), (30, 0.077)),
    # Two months; twelve months.
    "/service/monthly-data-by-service": ((61, 0.685), (365, 3.879)),
}

#: Calls about one service (or one organisation of about 200): seconds, whatever the size.
SERVICE_SECONDS = {
    "/service/<>/template-statistics": 0.034,
    "/service/<>/notifications/monthly": 0.021,
    "/service/<>/billing/yearly-usage-summary": 0.014,
    "/organisations/<>/services-with-usage": 0.898,
}
#: Statistics: today only, or a window.
STATISTICS_SECONDS = {"today": 0.011, "window": 0.033}
#: monthly-usage: a past financial year, or the current one, which the API rebuilds and writes.
MONTHLY_USAGE_SECONDS = {"past year": 0.016, "current year": 1.504}

_CONVERTER = re.compile(r"<[^>]*>")


def route_path(rule: str) -> str:
    """A Flask rule without its converters: `/service/<uuid:service_id>` → `/service/<>`."""
    return _CONVERTER.sub("<>", rule)


def platform_seconds(
    rule: str,
    view: str,
    arguments: Mapping[str, str],
    services: int,
    today: date,
    current_financial_year: int,
) -> float:
    """What one request costs on the real API at the platform's size, for a sandbox holding
    `services` services; endpoints not measured at that size take the small data set's median."""
    path = route_path(rule)
    scale = services / MEASURED_SERVICES
    if path == "/service" and arguments.get("detailed") == "True":
        return scale * _interpolate(
            PLATFORM_RANGE_SECONDS["/service?detailed=True"], _days(arguments, today)
        )
    if path in PLATFORM_SECONDS:
        return scale * PLATFORM_SECONDS[path]
    if path in PLATFORM_RANGE_SECONDS:
        return scale * _interpolate(PLATFORM_RANGE_SECONDS[path], _days(arguments, today))
    if path in SERVICE_SECONDS:
        return SERVICE_SECONDS[path]
    if path == "/service/<>/statistics":
        today_only = arguments.get("today_only") == "True"
        return STATISTICS_SECONDS["today" if today_only else "window"]
    if path == "/service/<>/billing/monthly-usage":
        current = _number(arguments.get("year")) >= current_financial_year
        return MONTHLY_USAGE_SECONDS["current year" if current else "past year"]
    return real_latency.median_seconds(view, arguments, current_financial_year)


def _days(arguments: Mapping[str, str], today: date) -> int:
    """Days from start_date to end_date, both counted (each defaults to today); 1 when the
    dates do not parse (the endpoint then answers 400, which is never delayed)."""
    try:
        start = date.fromisoformat(arguments.get("start_date", today.isoformat()))
        end = date.fromisoformat(arguments.get("end_date", today.isoformat()))
    except ValueError:
        return 1
    return max(1, (end - start + timedelta(days=1)).days)


def _interpolate(points: tuple[tuple[int, float], ...], days: int) -> float:
    """The cost at `days` on straight lines through the points, extended past either end."""
    if len(points) == 1:
        return points[0][1]
    segments = list(zip(points, points[1:], strict=False))
    (x0, y0), (x1, y1) = next(
        (segment for segment in segments if days <= segment[1][0]), segments[-1]
    )
    return max(y0 + (y1 - y0) * (days - x0) / (x1 - x0), min(y for _, y in points))


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0
