"""What a service in trial mode still has to do before it can go live.

The admin will not let a service go live without templates, nor, when it sends emails,
without a reply-to email address for recipients to answer to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import ReplyToAddress, Service
    from dashboard.notify_client.schemas.templates import TemplateSummary


@dataclass(frozen=True)
class ChecklistItem:
    """One step of going live: what to do, whether it is done, and a short explanation."""

    label: str
    done: bool
    detail: str


def is_trial_mode(service: Service) -> bool:
    """Whether the service is in trial mode (``restricted``)."""
    return service.restricted


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _templates_item(templates: list[TemplateSummary]) -> ChecklistItem:
    if templates:
        return ChecklistItem("Add templates", True, _plural(len(templates), "template"))
    return ChecklistItem("Add templates", False, "No templates yet")


def _reply_to_item(
    templates: list[TemplateSummary], reply_to_addresses: list[ReplyToAddress]
) -> ChecklistItem:
    label = "Add a reply-to email address"
    email_templates = [t for t in templates if t.template_type == "email"]
    if not email_templates:
        return ChecklistItem(label, True, "Not needed: no email templates")
    current = [a for a in reply_to_addresses if not a.archived]
    if not current:
        count = _plural(len(email_templates), "email template")
        return ChecklistItem(label, False, f"Needed: the service has {count}")
    default = next((a for a in current if a.is_default), current[0])
    address = default.email_address or "an address"
    others = len(current) - 1
    detail = address if others == 0 else f"{address} and {others} more"
    return ChecklistItem(label, True, detail)


def go_live_checklist(
    service: Service, templates: list[TemplateSummary], reply_to_addresses: list[ReplyToAddress]
) -> list[ChecklistItem]:
    """The go-live steps in order: templates, then a reply-to address if it sends emails.

    ``templates`` are the rows of ``GET /service/<id>/template`` (archived templates are
    already left out by the API, and any marked ``archived`` are ignored here);
    ``reply_to_addresses`` the list from ``/email-reply-to``, where only addresses that are
    not archived count. ``service`` is accepted for steps that depend on it.
    """
    current_templates = [t for t in templates if not t.archived]
    return [
        _templates_item(current_templates),
        _reply_to_item(current_templates, reply_to_addresses),
    ]
