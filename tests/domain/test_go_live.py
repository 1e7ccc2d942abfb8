import copy
from dataclasses import replace

import pytest

from dashboard.domain.go_live import NOT_READ, ChecklistItem, go_live_checklist, is_trial_mode
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


def titles(checklist: list[ChecklistItem]) -> list[str]:
    return [item.label for item in checklist]


def test_ready_to_go_live_with_the_admins_tasks_in_its_order(service, recorded_templates):
    ready = replace(service, confirmed_unique=True, confirmed_email_sender_name=True)
    ready = replace(ready, volume_email=10_000, volume_sms=2_000, volume_letter=None)

    checklist = go_live_checklist(ready, recorded_templates, [REPLY_TO])

    assert checklist == [
        ChecklistItem(
            "Confirm your service name", True, "Confirmed as the only service of its kind"
        ),
        ChecklistItem(
            "Tell us how many messages you expect to send",
            True,
            "10,000 emails, 2,000 text messages a year",
        ),
        ChecklistItem("Finish setting up your team", None, NOT_READ),
        ChecklistItem("Add templates with examples of your content", True, "4 templates"),
        ChecklistItem("Choose a ‘from’ name", True, "Chosen"),
        ChecklistItem("Add a reply-to email address", True, "parking@example.gov.uk"),
        ChecklistItem("Accept our data processing and financial agreement", None, NOT_READ),
    ]


def test_a_service_not_in_central_government_that_sends_texts_changes_its_sender(service):
    local = replace(service, organisation_type="local")

    assert "Change your text message sender ID" in titles(
        go_live_checklist(local, templates_of("sms"), [])
    )
    assert "Change your text message sender ID" not in titles(
        go_live_checklist(replace(local, volume_sms=0), templates_of("sms"), [])
    )
    assert "Change your text message sender ID" not in titles(
        go_live_checklist(replace(service, organisation_type="central"), templates_of("sms"), [])
    )


def test_a_new_service_has_every_task_to_do(service):
    fresh = replace(service, confirmed_unique=False, volume_email=None, volume_sms=None)

    checklist = go_live_checklist(fresh, [], [])

    assert [item.done for item in checklist] == [False, False, None, False, None]
    assert checklist[3].detail == "No templates yet"


def test_email_templates_without_a_reply_to(service, recorded_templates):
    checklist = go_live_checklist(service, recorded_templates, [])
    assert checklist[5] == ChecklistItem("Add a reply-to email address", False, "None yet")


def test_archived_reply_to_does_not_count(service):
    archived = replace(REPLY_TO, archived=True)
    checklist = go_live_checklist(service, templates_of("email"), [archived])
    assert checklist[5].done is False


def test_reply_to_shows_the_default_and_how_many_more(service):
    other = replace(REPLY_TO, email_address="other@example.gov.uk", is_default=False)
    checklist = go_live_checklist(service, templates_of("email"), [other, REPLY_TO])
    assert checklist[5].done is True
    assert checklist[5].detail == "parking@example.gov.uk and 1 more"


@pytest.mark.parametrize("types", [("sms",), ("sms", "letter"), ()])
def test_email_tasks_only_for_a_service_that_will_send_email(service, types):
    no_email = replace(service, volume_email=None)
    checklist = titles(go_live_checklist(no_email, templates_of(*types), []))
    assert "Add a reply-to email address" not in checklist
    assert "Choose a ‘from’ name" not in checklist
    with_estimate = titles(go_live_checklist(replace(no_email, volume_email=5), [], []))
    assert "Add a reply-to email address" in with_estimate


def test_one_template(service):
    checklist = go_live_checklist(service, templates_of("sms"), [])
    assert checklist[3] == ChecklistItem(
        "Add templates with examples of your content", True, "1 template"
    )


def test_archived_templates_do_not_count(service):
    templates = [replace(template, archived=True) for template in templates_of("email")]
    checklist = go_live_checklist(replace(service, volume_email=None), templates, [])
    assert checklist[3].done is False
    assert "Add a reply-to email address" not in titles(checklist)


def test_does_not_change_its_arguments(service, recorded_templates):
    arguments = (service, recorded_templates, [REPLY_TO])
    before = copy.deepcopy(arguments)
    go_live_checklist(*arguments)
    assert arguments == before
