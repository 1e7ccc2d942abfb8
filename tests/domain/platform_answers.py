"""Typed platform-wide answers for domain tests, made from the recorded samples with changes."""

from dashboard.notify_client.schemas.platform import (
    BILLING_REPORT,
    VOLUMES_BY_SERVICE,
    BillingReportRow,
    ServiceVolumes,
)
from dashboard.notify_client.schemas.services import SERVICE, Service
from tests.samples import sample_body


def service(service_id: str, name: str, organisation_type: str | None, **changes) -> Service:
    """A live service as the services list gives it."""
    recorded = sample_body("GET_service")["data"]
    return SERVICE(
        {
            "data": recorded
            | {"id": service_id, "name": name, "organisation_type": organisation_type}
            | changes
        }
    )


def volumes(service_id: str, name: str, allowance: int = 0, used: int = 0) -> ServiceVolumes:
    """One row of volumes-by-service: its allowance and its SMS fragments."""
    recorded = sample_body("GET_platform_stats_volumes_by_service")[0]
    changes = {
        "service_id": service_id,
        "service_name": name,
        "free_allowance": allowance,
        "sms_chargeable_units": used,
    }
    (row,) = VOLUMES_BY_SERVICE([recorded | changes])
    return row


def charge(service_id: str, name: str, units: int, cost: float) -> BillingReportRow:
    """One row of the billing report: fragments beyond the allowance and their cost."""
    recorded = sample_body("GET_platform_stats_data_for_billing_report")[0]
    changes = {
        "service_id": service_id,
        "service_name": name,
        "sms_chargeable_units": units,
        "sms_cost": cost,
    }
    (row,) = BILLING_REPORT([recorded | changes])
    return row
