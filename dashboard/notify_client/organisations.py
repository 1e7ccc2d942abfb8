"""Organisations: the list, and one organisation's services with their year's usage.

A page by organisation does not need these: volumes-by-service and data-for-billing-report
name each service's organisation. The list gives organisations with no live service, and
services-with-usage is the admin's organisation usage page, one organisation at a time.
"""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.organisations import (
    ORGANISATION_USAGE,
    ORGANISATIONS,
    Organisation,
    OrganisationUsage,
)


class OrganisationsAPIClient(NotifyAdminClient):
    @cached("organisations", kind="organisations", validate=ORGANISATIONS)
    def get_organisations(self) -> list[Organisation]:
        """Every organisation, active first then by name, with its count of live services."""
        return self.get("/organisations")

    @cached(
        "organisation-{organisation_id}-services-with-usage-{year}",
        kind="organisation-usage",
        validate=ORGANISATION_USAGE,
    )
    def get_services_with_usage(self, organisation_id: str, year: int) -> OrganisationUsage:
        """An organisation's services out of trial mode with financial year `year`'s usage."""
        return self.get(
            f"/organisations/{organisation_id}/services-with-usage", params={"year": year}
        )
