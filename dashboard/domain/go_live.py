"""What a service in trial mode still has to do before it can go live.

The tasks are those of the Notify admin's "Make your service live" page, in its order and its
words: confirm the service name, estimate volumes, set up the team, add templates, and for a
service that will send email a 'from' name and a reply-to address; for one that will send
texts and is not central government, its own text message sender ID; then the organisation's
data processing and financial agreement. What the dashboard cannot read from the calls it
makes (the team's permissions, the text sender, the agreement) is listed as "check in the
admin" (`done` is None), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.notify_client.schemas.services import ReplyToAddress, Service
    from dashboard.notify_client.schemas.templates import TemplateSummary

#: Shown for a task whose state is kept where the dashboard does not read.
NOT_READ = "Check this on the service's Make your service live page in the Notify admin"


@dataclass(frozen=True)
class ChecklistItem:
    """One task of going live: what to do, whether it is done (None: not known here), and a
    short explanation."""

    label: str
    done: bool | None
    detail: str


def is_trial_mode(service: Service) -> bool:
    """Whether the service is in trial mode (``restricted``)."""
    return service.restricted


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _name_item(service: Service) -> ChecklistItem:
    label = "Confirm your service name"
    if service.confirmed_unique:
        return ChecklistItem(label, True, "Confirmed as the only service of its kind")
    return ChecklistItem(label, False, "Not yet confirmed as unique in its organisation")


def _volumes_item(service: Service) -> ChecklistItem:
    label = "Tell us how many messages you expect to send"
    volumes = {
        "emails": service.volume_email,
        "text messages": service.volume_sms,
        "letters": service.volume_letter,
    }
    given = [f"{volume:,} {word}" for word, volume in volumes.items() if volume]
    if given:
        return ChecklistItem(label, True, ", ".join(given) + " a year")
    return ChecklistItem(label, False, "No estimate yet")


def _templates_item(templates: list[TemplateSummary]) -> ChecklistItem:
    label = "Add templates with examples of your content"
    if templates:
        return ChecklistItem(label, True, _plural(len(templates), "template"))
    return ChecklistItem(label, False, "No templates yet")


def _sender_name_item(service: Service) -> ChecklistItem:
    label = "Choose a ‘from’ name"
    if service.confirmed_email_sender_name:
        return ChecklistItem(label, True, "Chosen")
    return ChecklistItem(label, False, "Not chosen yet")


def _reply_to_item(reply_to_addresses: list[ReplyToAddress]) -> ChecklistItem:
    label = "Add a reply-to email address"
    current = [a for a in reply_to_addresses if not a.archived]
    if not current:
        return ChecklistItem(label, False, "None yet")
    default = next((a for a in current if a.is_default), current[0])
    address = default.email_address or "an address"
    others = len(current) - 1
    detail = address if others == 0 else f"{address} and {others} more"
    return ChecklistItem(label, True, detail)


def intends_to_send_email(service: Service, templates: list[TemplateSummary]) -> bool:
    """The admin's rule: it has email templates, or expects to send some emails."""
    has_templates = any(t.template_type == "email" for t in templates)
    return has_templates or bool(service.volume_email)


def intends_to_send_texts(service: Service, templates: list[TemplateSummary]) -> bool:
    """The admin's rule: its text estimate when it gave one, else whether it has text
    templates."""
    if service.volume_sms is None:
        return any(t.template_type == "sms" for t in templates)
    return service.volume_sms > 0


def go_live_checklist(
    service: Service, templates: list[TemplateSummary], reply_to_addresses: list[ReplyToAddress]
) -> list[ChecklistItem]:
    """The admin's go-live tasks in its order, each done, not done, or not read here.

    ``templates`` are the rows of ``GET /service/<id>/template`` (archived templates are
    already left out by the API, and any marked ``archived`` are ignored here);
    ``reply_to_addresses`` the list from ``/email-reply-to``, where only addresses that are
    not archived count.
    """
    current_templates = [t for t in templates if not t.archived]
    items = [
        _name_item(service),
        _volumes_item(service),
        ChecklistItem("Finish setting up your team", None, NOT_READ),
        _templates_item(current_templates),
    ]
    if intends_to_send_email(service, current_templates):
        items += [_sender_name_item(service), _reply_to_item(reply_to_addresses)]
    if intends_to_send_texts(service, current_templates) and service.organisation_type != "central":
        items.append(ChecklistItem("Change your text message sender ID", None, NOT_READ))
    items.append(
        ChecklistItem("Accept our data processing and financial agreement", None, NOT_READ)
    )
    return items
