"""Finance's view: every live service's free text allowance, use and cost in one financial year.

Four calls, whatever the number of services: the services list (sectors), volumes-by-service
twice (the year's allowances through a one-day probe, and the year's use) and the billing
report (charges). `dashboard/domain/allowance_table.py` says why the probe is needed.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from dashboard.domain.allowance_table import (
    AllowanceTables,
    allowance_probe,
    allowance_tables,
    usage_range,
)
from dashboard.domain.financial_year import london_today
from dashboard.loaders.context import LoaderContext
from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness
from dashboard.loaders.output_memo import OUTPUTS
from dashboard.loaders.sections import Failed, Ready, Section, merged_freshness
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import Outcome

#: The calls the tables cannot be made without; the billing report only adds charges.
REQUIRED_CALLS = ("services", "allowances", "volumes")
CHARGES_CALL = "charges"

T = TypeVar("T")


@dataclass(frozen=True)
class Allowances:
    """The year's tables, and a sentence for each part that could not be read."""

    tables: AllowanceTables
    missing: tuple[str, ...] = ()


def allowance_calls(clients: NotifyClients, year: int, today: date) -> dict[str, Callable[[], Any]]:
    """The four calls by name; another loader may run them with its own (the Overview)."""
    probe = allowance_probe(year)
    first, last = usage_range(year, today)
    platform = clients.platform
    return {
        "services": clients.services.get_services,
        "allowances": lambda: platform.get_volumes_by_service(*probe),
        "volumes": lambda: platform.get_volumes_by_service(first, last),
        CHARGES_CALL: lambda: platform.get_data_for_billing_report(first, last),
    }


def finance_built(
    outcomes: Mapping[str, Outcome],
    api_label: str,
    not_shown: str,
    kept_as: Hashable,
    build: Callable[[Any, Any, Any, Any], T],
) -> Failed | tuple[Freshness, T, tuple[str, ...]]:
    """What a finance page builds from the four calls: failed without any of the three
    required ones; otherwise their freshness, `build(services, allowances, volumes, charges)`
    (charges None when the billing report could not be read), built once per process for the
    same cached answers under `kept_as` (`OUTPUTS`), and the sentence saying what is
    `not_shown` and why."""
    freshness = merged_freshness([outcomes[name] for name in (*REQUIRED_CALLS, CHARGES_CALL)])
    for name in REQUIRED_CALLS:
        error = outcomes[name].error
        if error is not None:
            return Failed(describe_error(error, api_label), freshness)
    charges = outcomes[CHARGES_CALL]
    charged = None if charges.error is not None else charges.value
    services, allowances, volumes = (outcomes[name].value for name in REQUIRED_CALLS)
    built = OUTPUTS.build(
        kept_as,
        [services, allowances, volumes, charged],
        lambda: build(services, allowances, volumes, charged),
    )
    if charges.error is not None:
        return freshness, built, (not_shown + describe_error(charges.error, api_label),)
    return freshness, built, ()


def allowances_from(
    outcomes: Mapping[str, Outcome], year: int, api_label: str, today: date | None = None
) -> Section[Allowances]:
    """The section from the calls' outcomes: failed without any of the required three; ready
    without the billing report, saying that chargeable fragments and cost are missing. With
    `today`, each service's year-end forecast as well."""
    read = finance_built(
        outcomes,
        api_label,
        "Chargeable fragments and cost are not shown: ",
        ("allowances", year, today),
        lambda services, allowances, volumes, charged: allowance_tables(
            year, services, allowances, volumes, charged, today
        ),
    )
    if isinstance(read, Failed):
        return read
    freshness, tables, missing = read
    return Ready(Allowances(tables, missing), freshness)


def load_allowances(
    context: LoaderContext, year: int, today: date | None = None
) -> Section[Allowances]:
    """Read the four calls at once, within the page's deadline, and build the year's tables."""
    day = today or london_today()
    outcomes = context.gather(allowance_calls(context.clients, year, day))
    return allowances_from(outcomes, year, context.api_label, day)
