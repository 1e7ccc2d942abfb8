import copy
from dataclasses import replace

import pytest

from dashboard.domain.go_live import ChecklistItem, go_live_checklist, is_trial_mode
from dashboard.notify_client.schemas.services import (
    REPLY_TO_ADDRESSES,
    SERVICE,
    Service,
)
from dashboard.notify_client.schemas.templates import TEMPLATES, TemplateSummary
from tests.samples import sample_body

REPLY_TO = REPLY_TO_ADDRESSES(
    [
        {
            "id": "6b0a9a3f-6b7c-4d8f-9c5e-2f1c3b4a5d6e",
            "service_id": "da73e75a-0996-44f7-aeb4-62d5f5d5489e",
            "email_address": "parking@example.gov.uk",
            "is_default": True,
            "archived": False,
            "created_at": "2026-08-01T10:00:00.000000Z",
            "updated_at": None,
        }
    ]
)[0]


def templates_of(*types: str) -> list[TemplateSummary]:
    return [
        TemplateSummary(id=f"id-{index}", name=f"Template {index}", template_type=template_type)
        for index, template_type in enumerate(types)
    ]


@pytest.fixture
def service() -> Service:
    return replace(SERVICE(sample_body("GET_service")), restricted=True)


@pytest.fixture
def recorded_templates() -> list[TemplateSummary]:
    return TEMPLATES(sample_body("GET_service_template_list"))


def test_is_trial_mode(service):
    assert is_trial_mode(service) is True
    assert is_trial_mode(replace(service, restricted=False)) is False
    assert is_trial_mode(SERVICE(sample_body("GET_service"))) is False


def test_ready_to_go_live(service, recorded_templates):
    checklist = go_live_checklist(service, recorded_templates, [REPLY_TO])
    assert checklist == [
        ChecklistItem("Add templates", True, "4 templates"),
        ChecklistItem("Add a reply-to email address", True, "parking@example.gov.uk"),
    ]


def test_email_templates_without_a_reply_to(service, recorded_templates):
    checklist = go_live_checklist(service, recorded_templates, [])
    assert checklist[1] == ChecklistItem(
        "Add a reply-to email address", False, "Needed: the service has 2 email templates"
    )


def test_archived_reply_to_does_not_count(service):
    archived = replace(REPLY_TO, archived=True)
    checklist = go_live_checklist(service, templates_of("email"), [archived])
    assert checklist[1] == ChecklistItem(
        "Add a reply-to email address", False, "Needed: the service has 1 email template"
    )


def test_reply_to_shows_the_default_and_how_many_more(service):
    other = replace(REPLY_TO, email_address="other@example.gov.uk", is_default=False)
    checklist = go_live_checklist(service, templates_of("email"), [other, REPLY_TO])
    assert checklist[1].done is True
    assert checklist[1].detail == "parking@example.gov.uk and 1 more"


@pytest.mark.parametrize("types", [("sms",), ("sms", "letter"), ()])
def test_reply_to_not_needed_without_email_templates(service, types):
    checklist = go_live_checklist(service, templates_of(*types), [])
    assert checklist[1] == ChecklistItem(
        "Add a reply-to email address", True, "Not needed: no email templates"
    )


def test_no_templates(service):
    checklist = go_live_checklist(service, [], [REPLY_TO])
    assert checklist[0] == ChecklistItem("Add templates", False, "No templates yet")


def test_one_template(service):
    checklist = go_live_checklist(service, templates_of("sms"), [])
    assert checklist[0] == ChecklistItem("Add templates", True, "1 template")


def test_archived_templates_do_not_count(service):
    templates = [replace(template, archived=True) for template in templates_of("email")]
    checklist = go_live_checklist(service, templates, [])
    assert [item.done for item in checklist] == [False, True]


def test_does_not_change_its_arguments(service, recorded_templates):
    arguments = (service, recorded_templates, [REPLY_TO])
    before = copy.deepcopy(arguments)
    go_live_checklist(*arguments)
    assert arguments == before
