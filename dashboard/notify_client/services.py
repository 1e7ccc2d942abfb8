"""Services: lists, one service, its counts, data retention and reply-to addresses."""

from datetime import date
from typing import Any

from dashboard.cache.decorators import cached, invalidates, register_key_format
from dashboard.cache.request_cache import InvalidAnswer
from dashboard.domain.financial_year import current_financial_year
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.platform import settled_or_not
from dashboard.notify_client.schemas.services import (
    DATA_RETENTION,
    DETAILED_SERVICES,
    LIVE_SERVICES,
    NOTIFICATIONS_MONTHLY,
    REPLY_TO_ADDRESSES,
    SERVICE,
    SERVICE_ORGANISATION,
    SERVICES,
    STATISTICS,
    DetailedService,
    LiveService,
    NotificationsByChannel,
    ReplyToAddress,
    RetentionRow,
    Service,
    ServiceOrganisation,
    Statistics,
)

ALLOWED_UPDATE_ATTRIBUTES = frozenset(
    {
        "name",
        "active",
        "restricted",
        "email_message_limit",
        "sms_message_limit",
        "letter_message_limit",
        "international_sms_message_limit",
        "organisation_type",
        "free_sms_fragment_limit",
        "contact_link",
        "permissions",
        "prefix_sms",
    }
)


# Names by id, made by the loaders from the services list and emptied with it.
SERVICE_NAMES_KEY = "service-names"
register_key_format(SERVICE_NAMES_KEY, "services")


def _notifications_monthly_kind(service_id: str, year: int) -> str:
    """A financial year that has ended is kept far longer than the current one."""
    if year < current_financial_year():
        return "notifications-monthly-closed-year"
    return "notifications-monthly"


_settled_or_recent = settled_or_not("services-detailed")


def _detailed_kind(start_date: date, end_date: date, **others: object) -> str:
    """One day's list is read into the small daily counts (`loaders.service_trend`) and not
    kept whole; a range of settled days is kept far longer than one with recent days."""
    if start_date == end_date:
        return "services-detailed-day"
    return _settled_or_recent(start_date, end_date, **others)


class ServiceAPIClient(NotifyAdminClient):
    @cached("services", kind="services", validate=SERVICES)
    def get_services(self) -> list[Service]:
        return self.get("/service")

    @cached(
        "services-detailed-{start_date}-{end_date}-{only_active}",
        kind=_detailed_kind,
        kinds=("services-detailed", "services-detailed-settled", "services-detailed-day"),
        validate=DETAILED_SERVICES,
    )
    def get_services_detailed(
        self, start_date: date, end_date: date, only_active: bool = False
    ) -> list[DetailedService]:
        """Every service with its counts between two dates: one call for the whole platform.
        A range of settled days (`domain.settling`) is kept far longer than one with recent days."""
        params = {
            "detailed": "True",
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "include_from_test_key": "False",
        }
        if only_active:
            params["only_active"] = "True"
        return self.get("/service", params=params)

    @cached("live-services-data", kind="live-services", validate=LIVE_SERVICES)
    def get_live_services_data(self) -> list[LiveService]:
        return self.get("/service/live-services-data")

    @cached("service-{service_id}", kind="service", validate=SERVICE)
    def get_service(self, service_id: str) -> Service:
        return self.get(f"/service/{service_id}")

    @cached(
        "service-{service_id}-organisation",
        kind="service-organisation",
        validate=SERVICE_ORGANISATION,
    )
    def get_service_organisation(self, service_id: str) -> ServiceOrganisation | None:
        """The service's organisation, for its name (the service has only its id); None when
        it has none."""
        return self.get(f"/service/{service_id}/organisation")

    @cached("service-{service_id}-statistics-{limit_days}", kind="statistics", validate=STATISTICS)
    def get_service_statistics(self, service_id: str, limit_days: int = 7) -> Statistics:
        """Counts for today and the `limit_days` days before it."""
        return self.get(
            f"/service/{service_id}/statistics",
            params={"limit_days": limit_days, "today_only": "False"},
        )

    @cached("service-{service_id}-statistics-today", kind="statistics-today", validate=STATISTICS)
    def get_service_statistics_today(self, service_id: str) -> Statistics:
        """Counts since London midnight: what the daily limits are checked against."""
        return self.get(f"/service/{service_id}/statistics", params={"today_only": "True"})

    @cached("service-{service_id}-data-retention", kind="data-retention", validate=DATA_RETENTION)
    def get_data_retention(self, service_id: str) -> list[RetentionRow]:
        return self.get(f"/service/{service_id}/data-retention")

    @cached(
        "service-{service_id}-email-reply-to", kind="email-reply-to", validate=REPLY_TO_ADDRESSES
    )
    def get_reply_to_email_addresses(self, service_id: str) -> list[ReplyToAddress]:
        return self.get(f"/service/{service_id}/email-reply-to")

    @cached(
        "service-{service_id}-notifications-monthly-{year}",
        kind=_notifications_monthly_kind,
        kinds=("notifications-monthly", "notifications-monthly-closed-year"),
        validate=NOTIFICATIONS_MONTHLY,
    )
    def get_notifications_monthly(
        self, service_id: str, year: int
    ) -> dict[str, NotificationsByChannel]:
        """Counts by month ("2026-04"), channel and status for the financial year from `year`."""
        return self.get(f"/service/{service_id}/notifications/monthly", params={"year": year})

    def update_service(self, service_id: str, **attributes: Any) -> Service:
        """Change a service; refuses, before any request, attributes the admin would not send.

        The API's answer is checked like any other: one that does not fit raises InvalidAnswer
        (the change was made; the keys it affects are already emptied).
        """
        refused = sorted(set(attributes) - ALLOWED_UPDATE_ATTRIBUTES)
        if refused:
            raise TypeError(f"Not allowed to update service attributes: {', '.join(refused)}")
        answer = self._post_service_update(service_id, **attributes)
        try:
            return SERVICE(answer)
        except ValueError as error:
            raise InvalidAnswer("service", f"service-{service_id}", str(error)) from error

    @invalidates(
        "service-{service_id}",
        "services",
        SERVICE_NAMES_KEY,
        "live-services-data",
        when_changed={
            "service-{service_id}-free-sms-fragment-limit-*": {
                "free_sms_fragment_limit",
                "organisation_type",
            },
        },
    )
    def _post_service_update(self, service_id: str, **attributes: Any) -> dict:
        return self.post(f"/service/{service_id}", data=attributes)
