"""The Overview: the platform today, services near their limits, the biggest senders, and
allowance use by sector this year, from a fixed number of calls whatever the number of services.

It runs the All services and Allowances loaders' calls together (they share the services
list) with the platform's totals for today: 7 calls, all at once, within the page's deadline.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain.financial_year import financial_year_of
from dashboard.domain.platform_today import platform_by_channel
from dashboard.loaders.all_services import AllServices, all_services_calls, all_services_from
from dashboard.loaders.allowances import Allowances, allowance_calls, allowances_from
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Section, section_of
from dashboard.notify_client.calls import Outcome

#: The window of the biggest senders: today and the 7 days before, as All services opens.
SENDERS_DAYS = 7


@dataclass(frozen=True)
class Overview:
    """The Overview's sections; each may have failed on its own."""

    today: date
    financial_year: int
    platform_today: Section[pd.DataFrame]
    services: Section[AllServices]
    allowances: Section[Allowances]


def _platform_today(outcomes: Mapping[str, Outcome], api_label: str) -> Section[pd.DataFrame]:
    return section_of([outcomes["platform"]], platform_by_channel, api_label)


def load_overview(context: LoaderContext, today: date) -> Overview:
    """Every call of the page at once; each section is built from its own."""
    clients = context.clients
    year = financial_year_of(today)
    calls = {
        **all_services_calls(clients, SENDERS_DAYS, today),
        **allowance_calls(clients, year, today),
        "platform": lambda: clients.platform.get_platform_stats(today, today),
    }
    outcomes = context.gather(calls)
    return Overview(
        today=today,
        financial_year=year,
        platform_today=_platform_today(outcomes, context.api_label),
        services=all_services_from(outcomes, SENDERS_DAYS, today, context.api_label),
        allowances=allowances_from(outcomes, year, context.api_label, today),
    )
