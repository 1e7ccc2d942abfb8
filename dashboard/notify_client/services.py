"""Services: lists, one service, its statistics, data retention and reply-to addresses."""

from datetime import date
from typing import Any

from dashboard.cache.decorators import cached, invalidates, register_key_format
from dashboard.notify_client.base import NotifyAdminClient

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


class ServiceAPIClient(NotifyAdminClient):
    @cached("services", kind="services")
    def get_services(self) -> dict:
        return self.get("/service")

    @cached(
        "services-detailed-{start_date}-{end_date}-{only_active}",
        kind="services-detailed",
    )
    def get_services_detailed(
        self, start_date: date, end_date: date, only_active: bool = False
    ) -> dict:
        """Every service with its counts between two dates: one call for the whole platform."""
        params = {
            "detailed": "True",
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "include_from_test_key": "False",
        }
        if only_active:
            params["only_active"] = "True"
        return self.get("/service", params=params)

    @cached("live-services-data", kind="live-services")
    def get_live_services_data(self) -> dict:
        return self.get("/service/live-services-data")

    @cached("service-{service_id}", kind="service")
    def get_service(self, service_id: str) -> dict:
        return self.get(f"/service/{service_id}")

    @cached("service-{service_id}-statistics-{limit_days}", kind="statistics")
    def get_service_statistics(self, service_id: str, limit_days: int = 7) -> dict:
        """Counts for today and the `limit_days` days before it."""
        return self.get(
            f"/service/{service_id}/statistics",
            params={"limit_days": limit_days, "today_only": "False"},
        )

    @cached("service-{service_id}-statistics-today", kind="statistics-today")
    def get_service_statistics_today(self, service_id: str) -> dict:
        """Counts since London midnight: what the daily limits are checked against."""
        return self.get(f"/service/{service_id}/statistics", params={"today_only": "True"})

    @cached("service-{service_id}-data-retention", kind="data-retention")
    def get_data_retention(self, service_id: str) -> list:
        return self.get(f"/service/{service_id}/data-retention")

    @cached("service-{service_id}-email-reply-to", kind="email-reply-to")
    def get_reply_to_email_addresses(self, service_id: str) -> list:
        return self.get(f"/service/{service_id}/email-reply-to")

    def update_service(self, service_id: str, **attributes: Any) -> dict:
        """Change a service; refuses, before any request, attributes the admin would not send."""
        refused = sorted(set(attributes) - ALLOWED_UPDATE_ATTRIBUTES)
        if refused:
            raise TypeError(f"Not allowed to update service attributes: {', '.join(refused)}")
        return self._post_service_update(service_id, **attributes)

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
