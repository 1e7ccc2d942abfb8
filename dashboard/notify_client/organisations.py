"""Organisations: the list, and one organisation's services with their year's usage.

A page by organisation does not need these: volumes-by-service and data-for-billing-report
name each service's organisation. The list gives organisations with no live service, and
services-with-usage is the admin's organisation usage page, one organisation at a time.
"""

from dashboard.cache.decorators import cached
from dashboard.domain.financial_year import current_financial_year
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.organisations import (
    ORGANISATION_USAGE,
    ORGANISATIONS,
    Organisation,
    OrganisationUsage,
)


def _usage_kind(organisation_id: str, year: int) -> str:
    """A financial year that has ended is kept far longer than the current one, as the other
    billing answers are."""
    if year < current_financial_year():
        return "organisation-usage-closed-year"
    return "organisation-usage"


class OrganisationsAPIClient(NotifyAdminClient):
    @cached("organisations", kind="organisations", validate=ORGANISATIONS)
    def get_organisations(self) -> list[Organisation]:
        """Every organisation, active first then by name, with its count of live services."""
        return self.get("/organisations")

    @cached(
        "organisation-{organisation_id}-services-with-usage-{year}",
        kind=_usage_kind,
        kinds=("organisation-usage", "organisation-usage-closed-year"),
        validate=ORGANISATION_USAGE,
    )
    def get_services_with_usage(self, organisation_id: str, year: int) -> OrganisationUsage:
        """An organisation's services out of trial mode with financial year `year`'s usage."""
        return self.get(
            f"/organisations/{organisation_id}/services-with-usage", params={"year": year}
        )
