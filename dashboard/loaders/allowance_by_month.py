"""A service's free text allowance month by month this year: the slow part of the Service page.

Monthly usage for the current financial year takes the real API about 1.4 s (it rebuilds the
service's billing rows for today first), so the page draws everything else before it calls
this, with the allowance it has already read. Its totals are the ones the page already shows
from the yearly usage summary.
"""

from collections.abc import Callable
from datetime import date

from dashboard.domain.allowance_projection import AllowanceByMonth, allowance_by_month
from dashboard.domain.allowance_usage import allowance_usage, sms_fragments_by_month
from dashboard.domain.financial_year import london_today
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Section, section_of
from dashboard.loaders.service_page import Allowance
from dashboard.notify_client.schemas.billing import MonthlyUsageRow


def _by_month(
    allowance: Allowance, today: date
) -> Callable[[list[MonthlyUsageRow]], AllowanceByMonth]:
    def build(monthly: list[MonthlyUsageRow]) -> AllowanceByMonth:
        year = allowance.financial_year
        fragments = sms_fragments_by_month(monthly)
        usage = allowance_usage(allowance.totals.allowance, year, fragments)
        return allowance_by_month(usage, year, today)

    return build


def load_allowance_by_month(
    context: LoaderContext, service_id: str, allowance: Allowance, today: date | None = None
) -> Section[AllowanceByMonth]:
    """The allowance a `ServicePage` read, month by month and projected, with its run-out date.

    `service_id` is the canonical id the `ServicePage` carries.
    """
    year = allowance.financial_year
    billing = context.clients.billing
    monthly = context.gather({"monthly": lambda: billing.get_monthly_usage(service_id, year)})[
        "monthly"
    ]
    today = today or london_today()
    # Built once per process for the same cached months, the same allowance and day.
    kept_as = ("allowance-by-month", service_id, year, allowance.totals.allowance, today)
    return section_of([monthly], _by_month(allowance, today), context.api_label, kept_as=kept_as)
