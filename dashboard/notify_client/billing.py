"""Billing: the free text-message allowance and what a service has used, by financial year."""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient


class BillingAPIClient(NotifyAdminClient):
    @cached(
        "service-{service_id}-free-sms-fragment-limit-{financial_year}",
        kind="free-allowance",
    )
    def get_free_sms_fragment_limit(self, service_id: str, financial_year: int) -> dict:
        return self.get(
            f"/service/{service_id}/billing/free-sms-fragment-limit",
            params={"financial_year_start": financial_year},
        )

    @cached("service-{service_id}-yearly-usage-{year}", kind="yearly-usage")
    def get_yearly_usage(self, service_id: str, year: int) -> list:
        """Totals per channel for the financial year starting in April of `year`."""
        return self.get(
            f"/service/{service_id}/billing/yearly-usage-summary", params={"year": year}
        )

    @cached("service-{service_id}-monthly-usage-{year}", kind="monthly-usage")
    def get_monthly_usage(self, service_id: str, year: int) -> list:
        return self.get(f"/service/{service_id}/billing/monthly-usage", params={"year": year})
