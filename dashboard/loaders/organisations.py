"""Finance by organisation for a financial year: the Allowances page's four platform-wide
calls (`allowances.allowance_calls`, so a warm Allowances page makes this one warm too), and
no call per organisation or per service."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dashboard.domain.financial_year import london_today
from dashboard.domain.organisation_finance import OrganisationFinance, organisation_finance
from dashboard.loaders.allowances import CHARGES_CALL, REQUIRED_CALLS, allowance_calls
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness
from dashboard.notify_client.calls import Outcome, gather


@dataclass(frozen=True)
class Organisations:
    """The year's tables by organisation, and a sentence for each part that could not be read."""

    finance: OrganisationFinance
    missing: tuple[str, ...] = ()


def organisations_from(
    outcomes: Mapping[str, Outcome], year: int, today: date, api_label: str
) -> Section[Organisations]:
    """Failed without any of the three required calls; ready without the billing report,
    saying that chargeable fragments and costs are missing."""
    freshness = merged_freshness([outcomes[name] for name in (*REQUIRED_CALLS, CHARGES_CALL)])
    for name in REQUIRED_CALLS:
        error = outcomes[name].error
        if error is not None:
            return Failed(describe_error(error, api_label), freshness)
    charges = outcomes[CHARGES_CALL]
    missing: tuple[str, ...] = ()
    if charges.error is not None:
        missing = (
            "Chargeable fragments, text costs, total costs and billing details are not shown: "
            + describe_error(charges.error, api_label),
        )
    finance = organisation_finance(
        year,
        outcomes["services"].value,
        outcomes["allowances"].value,
        outcomes["volumes"].value,
        charges.value if charges.error is None else None,
        today,
    )
    return Ready(Organisations(finance, missing), freshness)


def load_organisations(
    context: LoaderContext, year: int, today: date | None = None
) -> Section[Organisations]:
    """Read the four calls at once, within the page's deadline, and build the year's tables."""
    day = today or london_today()
    outcomes = gather(
        allowance_calls(context.clients, year, day), context.max_workers, context.deadline_seconds
    )
    return organisations_from(outcomes, year, day, context.api_label)
