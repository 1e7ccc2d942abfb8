"""Finance by organisation for a financial year: the Allowances page's four platform-wide
calls (`allowances.allowance_calls`, so a warm Allowances page makes this one warm too), and
no call per organisation or per service."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dashboard.domain.financial_year import london_today
from dashboard.domain.organisation_finance import OrganisationFinance, organisation_finance
from dashboard.loaders.allowances import REQUIRED_CALLS, allowance_calls, finance_answers
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.output_memo import OUTPUTS
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
    read = finance_answers(
        outcomes,
        api_label,
        "Chargeable fragments, text costs, total costs and billing details are not shown: ",
    )
    if isinstance(read, Failed):
        return read
    freshness, charged, missing = read
    answers = [outcomes[name].value for name in REQUIRED_CALLS]
    finance = OUTPUTS.build(
        ("organisations", year, today),
        [*answers, charged],
        lambda: organisation_finance(
            year,
            outcomes["services"].value,
            outcomes["allowances"].value,
            outcomes["volumes"].value,
            charged,
            today,
        ),
    )
    return Ready(Organisations(finance, missing), freshness)


def load_organisations(
    context: LoaderContext, year: int, today: date | None = None
) -> Section[Organisations]:
    """Read the four calls at once, within the page's deadline, and build the year's tables."""
    day = today or london_today()
    outcomes = context.gather(allowance_calls(context.clients, year, day))
    return organisations_from(outcomes, year, day, context.api_label)
