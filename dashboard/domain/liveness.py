"""What "live" means, everywhere in the dashboard: what the Notify API means by it.

The API counts a service as live when it is active, out of trial mode (not `restricted`) and
`count_as_live` (false for its test and internal services): live-services-data and
volumes-by-service list exactly those. Pages name every other state instead of calling it live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import Service

LIVE = "Live"
TRIAL = "Trial"
INACTIVE = "Inactive"
NOT_COUNTED = "Not counted as live"

#: Every status, in the order a filter offers them.
STATUSES: tuple[str, ...] = (LIVE, TRIAL, NOT_COUNTED, INACTIVE)


def is_live(service: Service) -> bool:
    """Active, not in trial mode and counted as live: the API's own rule."""
    return service.active and not service.restricted and service.count_as_live


def service_status(service: Service) -> str:
    """One word for a service's state: inactive first (whatever else it says), then trial."""
    if not service.active:
        return INACTIVE
    if service.restricted:
        return TRIAL
    if not service.count_as_live:
        return NOT_COUNTED
    return LIVE
