"""Templates, under the Notify admin app's own cache keys, so that both share what is cached.

The keys and the answers kept under them are the admin's: the list in its short form
(`detailed=False`), and a template's keys under its service's, so that the admin's template
updates, which empty `service-{service_id}-template-{template_id}*`, empty these copies too.
"""

from dashboard.cache.decorators import cached
from dashboard.domain.financial_year import current_financial_year
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.templates import (
    TEMPLATE,
    TEMPLATE_STATISTICS,
    TEMPLATE_USAGE,
    TEMPLATE_VERSIONS,
    TEMPLATES,
    Template,
    TemplateStatistic,
    TemplateSummary,
    TemplateUsage,
    TemplateVersion,
)

#: The most days before today that template-statistics counts (the API refuses more).
MAX_TEMPLATE_DAYS = 7


def _usage_kind(service_id: str, year: int) -> str:
    """A financial year that has ended is kept far longer than the current one."""
    return "templates-usage-closed-year" if year < current_financial_year() else "templates-usage"


class TemplateAPIClient(NotifyAdminClient):
    @cached("service-{service_id}-templates", kind="templates", validate=TEMPLATES)
    def get_templates(self, service_id: str) -> list[TemplateSummary]:
        """A service's templates in the short form: id, name, type, folder."""
        return self.get(f"/service/{service_id}/template", params={"detailed": "False"})

    @cached(
        "service-{service_id}-template-{template_id}-version-{version}",
        kind="template",
        validate=TEMPLATE,
    )
    def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template:
        """One template; its current version when `version` is None (the key says `None`)."""
        path = f"/service/{service_id}/template/{template_id}"
        if version is not None:
            path = f"{path}/version/{version}"
        return self.get(path)

    @cached(
        "service-{service_id}-template-{template_id}-versions",
        kind="template-versions",
        validate=TEMPLATE_VERSIONS,
    )
    def get_template_versions(self, service_id: str, template_id: str) -> list[TemplateVersion]:
        """Every version of a template, newest first."""
        return self.get(f"/service/{service_id}/template/{template_id}/versions")

    @cached(
        "service-{service_id}-template-statistics-{whole_days}",
        kind="template-statistics",
        validate=TEMPLATE_STATISTICS,
    )
    def get_template_statistics(
        self, service_id: str, whole_days: int = MAX_TEMPLATE_DAYS
    ) -> list[TemplateStatistic]:
        """Today and `whole_days` (0 to 7) days before, by template and status."""
        return self.get(
            f"/service/{service_id}/template-statistics", params={"whole_days": whole_days}
        )

    @cached(
        "service-{service_id}-templates-usage-monthly-{year}",
        kind=_usage_kind,
        kinds=("templates-usage", "templates-usage-closed-year"),
        validate=TEMPLATE_USAGE,
    )
    def get_templates_usage_monthly(self, service_id: str, year: int) -> TemplateUsage:
        """Each template's notifications by month of the financial year from `year`."""
        return self.get(
            f"/service/{service_id}/notifications/templates_usage/monthly", params={"year": year}
        )
