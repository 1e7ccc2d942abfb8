"""One client per Notify API resource, all signing as the admin and reading through the cache.

Every answer is checked against its schema (`schemas`) and handed back typed.
"""

from dataclasses import dataclass

from dashboard.cache.request_cache import RequestCache
from dashboard.notify_client.billing import BillingAPIClient
from dashboard.notify_client.organisations import OrganisationsAPIClient
from dashboard.notify_client.platform import PlatformStatsAPIClient
from dashboard.notify_client.services import ServiceAPIClient
from dashboard.notify_client.templates import TemplateAPIClient
from dashboard.notify_client.users import UserAPIClient
from dashboard.settings import Settings


@dataclass(frozen=True)
class NotifyClients:
    """The resource clients a loader needs, sharing one cache."""

    services: ServiceAPIClient
    billing: BillingAPIClient
    platform: PlatformStatsAPIClient
    templates: TemplateAPIClient
    users: UserAPIClient
    organisations: OrganisationsAPIClient
    cache: RequestCache


def build_clients(settings: Settings, cache: RequestCache) -> NotifyClients:
    """Clients for the API named in the settings, signing with its admin secret."""
    options = {
        "base_url": settings.api_host_name,
        "client_id": settings.admin_client_id,
        "secret": settings.admin_client_secret,
        "cache": cache,
        "timeout": settings.api_timeout_seconds,
    }
    return NotifyClients(
        services=ServiceAPIClient(**options),
        billing=BillingAPIClient(**options),
        platform=PlatformStatsAPIClient(**options),
        templates=TemplateAPIClient(**options),
        users=UserAPIClient(**options),
        organisations=OrganisationsAPIClient(**options),
        cache=cache,
    )
