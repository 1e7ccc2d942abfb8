"""Templates, under the Notify admin app's own cache keys, so that both share what is cached.

The keys and the answers kept under them are the admin's: the list in its short form
(`detailed=False`), and a template's keys under its service's, so that the admin's template
updates, which empty `service-{service_id}-template-{template_id}*`, empty these copies too.
"""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.templates import (
    TEMPLATE,
    TEMPLATE_VERSIONS,
    TEMPLATES,
    Template,
    TemplateSummary,
    TemplateVersion,
)


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
