"""Everything the Service page shows for one service and window, read concurrently."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.domain.allowance_usage import (
    AllowanceUsage,
    allowance_run_out_date,
    allowance_usage,
    sms_fragments_by_month,
)
from dashboard.domain.daily_limits import LimitUsage, daily_limit_usage
from dashboard.domain.financial_year import financial_year_of, london_today
from dashboard.domain.go_live import ChecklistItem, go_live_checklist, is_trial_mode
from dashboard.domain.retention import DaysChoice, choose_days, max_window_days
from dashboard.domain.sectors import (
    default_free_allowance,
    normalise_organisation_type,
    sector_name,
)
from dashboard.domain.statistics import statistics_frame, tidy_statistics
from dashboard.loaders.concurrent import Outcome, gather
from dashboard.loaders.errors import describe_error, parse_service_id
from dashboard.loaders.freshness import Freshness, freshness_of
from dashboard.notify_client import NotifyClients
from dashboard.notify_client.schemas.base import AnswerSchema, Text
from dashboard.notify_client.schemas.services import Service
from dashboard.notify_client.services import SERVICE_NAMES_KEY


@dataclass(frozen=True)
class Allowance:
    """A service's free text allowance this financial year against its sector's default."""

    financial_year: int
    organisation_type: str
    sector: str
    sector_default: int
    usage: AllowanceUsage
    run_out: date | None

    @property
    def is_custom(self) -> bool:
        return self.usage.allowance != self.sector_default


@dataclass(frozen=True)
class ServicePage:
    """One service's page; a section that failed has None and a message in `errors`."""

    service_id: str
    service: Service | None
    days: DaysChoice | None = None
    statistics: pd.DataFrame | None = None
    statistics_by_status: pd.DataFrame | None = None
    limits: list[LimitUsage] | None = None
    allowance: Allowance | None = None
    checklist: list[ChecklistItem] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    freshness: dict[str, Freshness] = field(default_factory=dict)

    @property
    def trial_mode(self) -> bool:
        return self.service is not None and is_trial_mode(self.service)


# Which of the first wave's calls each section of the page is built from.
SECTION_CALLS = {
    "service": ("service", "retention"),
    "limits": ("today",),
    "allowance": ("allowance", "usage"),
    "checklist": ("templates", "reply_to"),
}


def _first_error(outcomes: list[Outcome], api_host: str) -> str | None:
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    return describe_error(errors[0], api_host) if errors else None


def _merge(*outcomes: Outcome) -> Freshness:
    """Calls made at once: the section took as long as the slowest of them."""
    return freshness_of(
        (lookup for outcome in outcomes for lookup in outcome.lookups),
        max(outcome.milliseconds for outcome in outcomes),
    )


def load_service_page(
    clients: NotifyClients,
    api_host: str,
    service_id: str | None,
    requested_days: str | int | None,
    today: date | None = None,
    max_workers: int = 8,
) -> ServicePage:
    """Read a service and all its sections; errors become messages, never exceptions."""
    try:
        service_id = parse_service_id(service_id)
    except ValueError as error:
        return ServicePage(service_id=str(service_id), service=None, errors={"service": str(error)})
    today = today or london_today()
    year = financial_year_of(today)
    services, billing, templates = clients.services, clients.billing, clients.templates
    first = gather(
        {
            "service": lambda: services.get_service(service_id),
            "retention": lambda: services.get_data_retention(service_id),
            "today": lambda: services.get_service_statistics_today(service_id),
            "allowance": lambda: billing.get_free_sms_fragment_limit(service_id, year),
            "usage": lambda: billing.get_monthly_usage(service_id, year),
            "templates": lambda: templates.get_templates(service_id),
            "reply_to": lambda: services.get_reply_to_email_addresses(service_id),
        },
        max_workers,
    )
    errors = {
        section: message
        for section, names in SECTION_CALLS.items()
        if (message := _first_error([first[name] for name in names], api_host))
    }
    if first["service"].error is not None:
        unknown = getattr(first["service"].error, "status_code", None) == 404
        message = f"There is no service with id {service_id}." if unknown else errors["service"]
        return ServicePage(service_id, None, errors={"service": message})
    service = first["service"].value

    retention_rows = first["retention"].value if first["retention"].error is None else []
    days = choose_days(requested_days, max_window_days(retention_rows))
    window = gather(
        {"statistics": lambda: services.get_service_statistics(service_id, days.days)},
        max_workers,
    )["statistics"]
    if window.error is not None:
        errors["statistics"] = describe_error(window.error, api_host)

    limits = None
    if "limits" not in errors:
        limits = daily_limit_usage(service, first["today"].value)

    allowance = None
    if "allowance" not in errors:
        organisation_type = normalise_organisation_type(service.organisation_type)
        usage = allowance_usage(
            first["allowance"].value.free_sms_fragment_limit,
            year,
            sms_fragments_by_month(first["usage"].value),
        )
        allowance = Allowance(
            financial_year=year,
            organisation_type=organisation_type,
            sector=sector_name(organisation_type),
            sector_default=default_free_allowance(organisation_type, year),
            usage=usage,
            run_out=allowance_run_out_date(usage.allowance, usage.used, year, today),
        )

    checklist = None
    if not is_trial_mode(service):
        errors.pop("checklist", None)
    elif "checklist" not in errors:
        checklist = go_live_checklist(service, first["templates"].value, first["reply_to"].value)

    return ServicePage(
        service_id=service_id,
        service=service,
        days=days,
        statistics=statistics_frame(window.value) if window.error is None else None,
        statistics_by_status=tidy_statistics(window.value) if window.error is None else None,
        limits=limits,
        allowance=allowance,
        checklist=checklist,
        errors=errors,
        freshness={
            "service": _merge(first["service"], first["retention"]),
            "statistics": _merge(window),
            "limits": _merge(first["today"]),
            "allowance": _merge(first["allowance"], first["usage"]),
            "checklist": _merge(first["templates"], first["reply_to"]),
        },
    )


def forget_service(clients: NotifyClients, service_id: str) -> None:
    """Empty the cache of one service, so the next load reads everything from the API."""
    clients.cache.forget_service(parse_service_id(service_id))


# What the picker's key must hold; anything else found there is corrupt, deleted and made again.
_NAMES_BY_ID: AnswerSchema[dict[str, str]] = AnswerSchema(dict[Text, Text], wrapped=False)


def _names_by_id(clients: NotifyClients) -> dict[str, str]:
    services = clients.services.get_services()
    ordered = sorted(services, key=lambda service: service.name.lower())
    return {service.id: service.name for service in ordered}


def service_choices(clients: NotifyClients) -> dict[str, str]:
    """Service id → name, sorted by name, for the searchable picker on every page view.

    Kept in Redis beside the services list it is made from: a twentieth of its size, so a
    page does not decode every service's settings just to list their names.
    """
    return clients.cache.fetch(
        SERVICE_NAMES_KEY, "services", lambda: _names_by_id(clients), _NAMES_BY_ID
    )
