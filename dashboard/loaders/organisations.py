"""Finance by organisation for a financial year: the Allowances page's four platform-wide
calls (`allowances.allowance_calls`, so a warm Allowances page makes this one warm too), and
no call per organisation or per service."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dashboard.domain.financial_year import london_today
from dashboard.domain.organisation_finance import OrganisationFinance, organisation_finance
from dashboard.loaders.allowances import allowance_calls, finance_built
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.sections import Failed, Ready, Section
from dashboard.notify_client.calls import Outcome


@dataclass(frozen=True)
class Organisations:
    """The year's tables by organisation, and a sentence for each part that could not be read."""

    finance: OrganisationFinance
    missing: tuple[str, ...] = ()


def organisations_from(
    outcomes: Mapping[str, Outcome], year: int, today: date, api_label: str
) -> Section[Organisations]:
    """Failed without any of the three required calls; ready without the billing report,
    saying that chargeable fragments and costs are missing. The tables and every forecast are
    built once per process for the same cached answers (`OUTPUTS`), as the Allowances page's."""
    read = finance_built(
        outcomes,
        api_label,
        "Chargeable fragments, text costs, total costs and billing details are not shown: ",
        ("organisations", year, today),
        lambda services, allowances, volumes, charged: organisation_finance(
            year, services, allowances, volumes, charged, today
        ),
    )
    if isinstance(read, Failed):
        return read
    freshness, finance, missing = read
    return Ready(Organisations(finance, missing), freshness)


def load_organisations(
    context: LoaderContext, year: int, today: date | None = None
) -> Section[Organisations]:
    """Read the four calls at once, within the page's deadline, and build the year's tables."""
    day = today or london_today()
    outcomes = context.gather(allowance_calls(context.clients, year, day))
    return organisations_from(outcomes, year, day, context.api_label)
