"""Platform-wide figures: one call covers every service, however many there are.

These are how the Notify team builds its own finance reports: a page about every service's
allowance needs two of them per financial year, never a call per service.
"""

from collections.abc import Callable
from datetime import date

from dashboard.cache.decorators import cached
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.domain.settling import is_settled
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.platform import (
    BILLING_REPORT,
    DAILY_VOLUMES,
    PLATFORM_STATS,
    VOLUMES_BY_SERVICE,
    BillingReportRow,
    DailyVolumes,
    PlatformStats,
    ServiceVolumes,
)


def _by_period(kind: str) -> Callable[[date, date], str]:
    """The kind of a range's answer: a range in a financial year that has ended, or otherwise
    settled (see `domain/settling.py`), is kept far longer than one that can still change."""

    def choose(start_date: date, end_date: date) -> str:
        today = london_today()
        if financial_year_of(end_date) < financial_year_of(today):
            return f"{kind}-closed-year"
        return f"{kind}-settled" if is_settled(end_date, today) else kind

    return choose


def settled_or_not(kind: str) -> Callable[..., str]:
    """The kind of a range's answer: a range whose days have all settled is kept far longer."""

    def choose(start_date: date, end_date: date, **_others: object) -> str:
        return f"{kind}-settled" if is_settled(end_date, london_today()) else kind

    return choose


def _dates(start_date: date, end_date: date) -> dict[str, str]:
    return {"start_date": start_date.isoformat(), "end_date": end_date.isoformat()}


class PlatformStatsAPIClient(NotifyAdminClient):
    @cached(
        "platform-stats-{start_date}-{end_date}",
        kind=_by_period("platform-stats"),
        kinds=("platform-stats", "platform-stats-closed-year", "platform-stats-settled"),
        validate=PLATFORM_STATS,
    )
    def get_platform_stats(self, start_date: date, end_date: date) -> PlatformStats:
        """Notifications on the whole platform by channel, with failures and test-key sends."""
        return self.get("/platform-stats", params=_dates(start_date, end_date))

    @cached(
        "platform-volumes-by-service-{start_date}-{end_date}",
        kind=_by_period("volumes-by-service"),
        kinds=(
            "volumes-by-service",
            "volumes-by-service-closed-year",
            "volumes-by-service-settled",
        ),
        validate=VOLUMES_BY_SERVICE,
    )
    def get_volumes_by_service(self, start_date: date, end_date: date) -> list[ServiceVolumes]:
        """Every live service's use between two dates, with its free allowance."""
        return self.get("/platform-stats/volumes-by-service", params=_dates(start_date, end_date))

    @cached(
        "platform-billing-report-{start_date}-{end_date}",
        kind=_by_period("billing-report"),
        kinds=("billing-report", "billing-report-closed-year", "billing-report-settled"),
        validate=BILLING_REPORT,
    )
    def get_data_for_billing_report(
        self, start_date: date, end_date: date
    ) -> list[BillingReportRow]:
        """Services with an SMS cost or letters between two dates, which must be in one year."""
        return self.get(
            "/platform-stats/data-for-billing-report", params=_dates(start_date, end_date)
        )

    @cached(
        "platform-daily-volumes-{start_date}-{end_date}",
        kind=settled_or_not("daily-volumes"),
        kinds=("daily-volumes", "daily-volumes-settled"),
        validate=DAILY_VOLUMES,
    )
    def get_daily_volumes(self, start_date: date, end_date: date) -> list[DailyVolumes]:
        """The platform's billable notifications day by day: one small call for a month."""
        return self.get("/platform-stats/daily-volumes-report", params=_dates(start_date, end_date))
