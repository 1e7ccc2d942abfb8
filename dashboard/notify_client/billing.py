"""Billing: the free text-message allowance and what a service has used, by financial year."""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.billing import (
    FREE_ALLOWANCE,
    MONTHLY_USAGE,
    YEARLY_USAGE,
    FreeAllowance,
    MonthlyUsageRow,
    UsageRow,
)


class BillingAPIClient(NotifyAdminClient):
    @cached(
        "service-{service_id}-free-sms-fragment-limit-{financial_year}",
        kind="free-allowance",
        validate=FREE_ALLOWANCE,
    )
    def get_free_sms_fragment_limit(self, service_id: str, financial_year: int) -> FreeAllowance:
        return self.get(
            f"/service/{service_id}/billing/free-sms-fragment-limit",
            params={"financial_year_start": financial_year},
        )

    @cached("service-{service_id}-yearly-usage-{year}", kind="yearly-usage", validate=YEARLY_USAGE)
    def get_yearly_usage(self, service_id: str, year: int) -> list[UsageRow]:
        """Totals per channel for the financial year starting in April of `year`."""
        return self.get(
            f"/service/{service_id}/billing/yearly-usage-summary", params={"year": year}
        )

    @cached(
        "service-{service_id}-monthly-usage-{year}", kind="monthly-usage", validate=MONTHLY_USAGE
    )
    def get_monthly_usage(self, service_id: str, year: int) -> list[MonthlyUsageRow]:
        return self.get(f"/service/{service_id}/billing/monthly-usage", params={"year": year})
