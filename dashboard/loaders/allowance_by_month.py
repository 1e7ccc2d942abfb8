"""A service's free text allowance month by month this year: the slow part of the Service page.

Monthly usage for the current financial year takes the real API about 1.4 s (it rebuilds the
service's billing rows for today first), so the page draws everything else before it calls
this. Its totals are the ones the page already shows from the yearly usage summary.
"""

from collections.abc import Callable
from datetime import date

from dashboard.domain.allowance_projection import AllowanceByMonth, allowance_by_month
from dashboard.domain.allowance_usage import allowance_usage, sms_fragments_by_month
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.loaders.concurrent import gather
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Section, section_of
from dashboard.notify_client.schemas.billing import FreeAllowance, MonthlyUsageRow


def _by_month(
    year: int, today: date
) -> Callable[[FreeAllowance, list[MonthlyUsageRow]], AllowanceByMonth]:
    def build(allowance: FreeAllowance, monthly: list[MonthlyUsageRow]) -> AllowanceByMonth:
        usage = allowance_usage(
            allowance.free_sms_fragment_limit, year, sms_fragments_by_month(monthly)
        )
        return allowance_by_month(usage, year, today)

    return build


def load_allowance_by_month(
    context: LoaderContext, service_id: str, today: date | None = None
) -> Section[AllowanceByMonth]:
    """This financial year's allowance, month by month and projected, with its run-out date.

    `service_id` is the canonical id a `ServicePage` carries.
    """
    today = today or london_today()
    year = financial_year_of(today)
    billing = context.clients.billing
    read = gather(
        {
            "allowance": lambda: billing.get_free_sms_fragment_limit(service_id, year),
            "monthly": lambda: billing.get_monthly_usage(service_id, year),
        },
        context.max_workers,
        context.deadline_seconds,
    )
    return section_of(
        [read["allowance"], read["monthly"]], _by_month(year, today), context.api_label
    )
