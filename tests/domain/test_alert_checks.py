"""The daily-limit rule at its thresholds, which services a rule watches, and one message per
recipient, and its reference."""

from dataclasses import replace
from datetime import date

import pytest

from dashboard.domain.alert_checks import (
    AlertInputs,
    crossings,
    failure_windows,
    message_reference,
    messages,
    watches,
)
from dashboard.domain.alert_rules import Rule, ServiceSelection
from dashboard.domain.forecast import forecast_from_total
from dashboard.notify_client.schemas.platform import ServiceVolumes
from dashboard.notify_client.schemas.services import SERVICE, ChannelCounts, Service, Statistics
from tests.samples import sample_body


def recorded_service() -> Service:
    return SERVICE(sample_body("GET_service"))


def today_with(email: int = 0, sms: int = 0, letter: int = 0) -> Statistics:
    def counts(requested: int) -> ChannelCounts:
        return ChannelCounts(requested=requested, delivered=0, failed=0)

    return Statistics(email=counts(email), sms=counts(sms), letter=counts(letter))


def rule(percent: float = 80, services: ServiceSelection | None = None, **changes: object) -> Rule:
    values: dict = {
        "kind": "daily-limit",
        "percent": percent,
        "email": ("ops@example.gov.uk",),
        "phone": (),
        "services": services or ServiceSelection(everything=True),
        "line": 2,
    }
    return Rule(**(values | changes))


def inputs(service: Service, today: Statistics) -> AlertInputs:
    return AlertInputs(
        day=date(2026, 12, 2),
        services=(service,),
        today={service.id: today},
        dashboard_url="https://dashboard.example",
    )


def limited(email: int = 1000, sms: int = 1000) -> Service:
    return replace(recorded_service(), email_message_limit=email, sms_message_limit=sms)


@pytest.mark.parametrize(
    ("sent", "percent", "fires"),
    [(799, 80, False), (800, 80, True), (999, 100, False), (1000, 100, True), (0, 80, False)],
)
def test_daily_limit_fires_at_its_threshold(sent: int, percent: float, fires: bool) -> None:
    found = crossings((rule(percent),), inputs(limited(), today_with(email=sent)))
    assert [crossing.channel for _, crossing in found] == (["email"] if fires else [])


def test_a_crossing_says_what_and_links_to_the_service() -> None:
    ((_, crossing),) = crossings((rule(80),), inputs(limited(), today_with(email=812)))
    assert crossing.period == "2026-12-02"
    assert crossing.warning_id == (f"daily-limit-80/{crossing.service_id}/email/2026-12-02")
    assert crossing.summary == (
        "emails 812 of the daily limit of 1,000 today (81%; warns at 80 %)."
    )
    assert crossing.link == (
        f"https://dashboard.example/service?service_id={crossing.service_id}&days=7"
    )


def test_a_limit_of_zero_with_sends_is_crossed() -> None:
    found = crossings((rule(100),), inputs(limited(sms=0), today_with(sms=1)))
    assert [crossing.channel for _, crossing in found] == ["sms"]


def test_an_inactive_service_is_not_watched() -> None:
    service = replace(limited(), active=False)
    assert crossings((rule(80),), inputs(service, today_with(email=1000))) == []


def test_selection_by_sector_organisation_and_id() -> None:
    service = replace(recorded_service(), organisation_type="local", organisation="ORG-1")
    assert watches(rule(services=ServiceSelection(sector="local")), service)
    assert not watches(rule(services=ServiceSelection(sector="central")), service)
    assert watches(rule(services=ServiceSelection(organisation="org-1")), service)
    assert watches(rule(services=ServiceSelection(ids=(service.id.lower(),))), service)
    assert not watches(rule(services=ServiceSelection(ids=("other",))), service)


def test_one_message_per_recipient_lists_every_crossing() -> None:
    first = limited()
    second = replace(limited(), id="b0000000-0000-4000-8000-000000000000", name="Another")
    both = AlertInputs(
        date(2026, 12, 2),
        (first, second),
        {first.id: today_with(email=900, sms=950), second.id: today_with(email=1000)},
        "https://dashboard.example",
    )
    rules = (
        rule(80),
        rule(80, email=("ops@example.gov.uk", "boss@example.gov.uk"), phone=("07700900123",)),
    )
    found = crossings(rules, both)
    sent = messages(found)
    assert sorted((m.channel, m.address, len(m.crossings)) for m in sent) == [
        ("email", "boss@example.gov.uk", 3),
        ("email", "ops@example.gov.uk", 3),
        ("sms", "07700900123", 3),
    ]
    personalisation = sent[0].personalisation("https://dashboard.example")
    assert personalisation["count"] == 3
    assert personalisation["warnings"][0].startswith("Daily limit: Another: emails 1,000 of")


def test_what_a_recipient_was_told_is_left_out() -> None:
    found = crossings((rule(80),), inputs(limited(), today_with(email=900, sms=900)))
    told = {found[0][1].warning_id}
    (message,) = messages(found, lambda crossing, _address: crossing.warning_id not in told)
    assert [crossing.channel for crossing in message.crossings] == ["sms"]
    assert messages(found, lambda _crossing, _address: False) == []


def volumes(service: Service, used: int, allowance: int) -> ServiceVolumes:
    return ServiceVolumes(
        service_id=service.id,
        service_name=service.name,
        organisation_id=None,
        organisation_name=None,
        free_allowance=allowance,
        sms_notifications=used,
        sms_chargeable_units=used,
        email_totals=0,
        letter_totals=0,
        letter_sheet_totals=0,
        letter_cost=0.0,
    )


def allowance_inputs(service: Service, used: int, allowance: int, day: date) -> AlertInputs:
    return AlertInputs(
        day=day,
        services=(service,),
        today={},
        dashboard_url="https://dashboard.example",
        volumes=(volumes(service, used, allowance),),
    )


@pytest.mark.parametrize(
    ("used", "channel"),
    [
        (10_000, "used"),  # the whole allowance used
        (9_999, "forecast"),  # not used yet, but the pace uses it by 31 March
        (1_000, None),  # 8 months in, a tenth used: the forecast stays under
    ],
)
def test_allowance_used_or_forecast_at_its_threshold(used: int, channel: str | None) -> None:
    rules = (rule(100, kind="allowance"),)
    found = crossings(rules, allowance_inputs(limited(), used, 10_000, date(2026, 12, 2)))
    assert [crossing.channel for _, crossing in found] == ([channel] if channel else [])
    if channel:
        assert found[0][1].period == "FY2026"


def test_the_allowance_forecast_is_the_finance_forecast() -> None:
    day = date(2026, 12, 2)
    expected = forecast_from_total(4_000, 10_000, 2026, day).fragments.expected
    fires = crossings(
        (rule(expected / 100, kind="allowance"),), allowance_inputs(limited(), 4_000, 10_000, day)
    )
    quiet = crossings(
        (rule((expected + 1) / 100, kind="allowance"),),
        allowance_inputs(limited(), 4_000, 10_000, day),
    )
    assert [crossing.channel for _, crossing in fires] == ["forecast"]
    assert f"forecast to send {expected:,} text fragments by 31 March" in fires[0][1].summary
    assert quiet == []


def test_a_service_without_an_allowance_is_not_warned_about_it() -> None:
    rules = (rule(100, kind="allowance"),)
    assert crossings(rules, allowance_inputs(limited(), 500, 0, date(2026, 12, 2))) == []


def windows_inputs(service: Service, failed_now: int, earlier_rates: list[int]) -> AlertInputs:
    def window(failed_sms: int) -> Statistics:
        nothing = ChannelCounts(requested=0, delivered=0, failed=0)
        sms = ChannelCounts(requested=100, delivered=100 - failed_sms, failed=failed_sms)
        return Statistics(email=nothing, sms=sms, letter=nothing)

    return AlertInputs(
        day=date(2026, 12, 2),
        services=(service,),
        today={},
        dashboard_url="https://dashboard.example",
        windows=tuple({service.id: window(failed)} for failed in [failed_now, *earlier_rates]),
    )


@pytest.mark.parametrize(
    ("failed_now", "earlier", "percent", "fires"),
    [
        (11, [1, 1, 1, 1], 0, True),  # 11 % against 1 %: unusual
        (11, [1, 1, 1, 1], 12, False),  # unusual, but under the rule's own floor
        (11, [1, 12, 1, 1], 0, False),  # not above the highest earlier window
        (4, [1, 1, 1, 1], 0, False),  # too few failures to judge
        (3, [1, 1, 1, 1], 0, False),
    ],
)
def test_failure_rate_uses_the_unusual_rule(
    failed_now: int, earlier: list[int], percent: float, fires: bool
) -> None:
    rules = (rule(percent, kind="failure-rate"),)
    found = crossings(rules, windows_inputs(limited(), failed_now, earlier))
    assert [crossing.channel for _, crossing in found] == (["sms"] if fires else [])
    if fires:
        assert "text messages failure rate 11.0% (11 of 100)" in found[0][1].summary


def test_failure_windows_are_the_window_and_four_before_it() -> None:
    windows = failure_windows(date(2026, 12, 2))
    assert windows[0] == (date(2026, 11, 25), date(2026, 12, 2))
    assert windows[1] == (date(2026, 11, 17), date(2026, 11, 24))
    assert len(windows) == 5


def test_a_text_message_lists_what_fits_then_how_many_more() -> None:
    many = tuple(
        replace(limited(), id=f"{number:08d}-0000-4000-8000-000000000000", name=f"Service {number}")
        for number in range(100)
    )
    inputs = AlertInputs(
        date(2026, 12, 2),
        many,
        {service.id: today_with(email=1000) for service in many},
        "https://dashboard.example",
    )
    (message,) = messages(crossings((rule(100, email=(), phone=("07700900123",)),), inputs))
    fields = message.personalisation("https://dashboard.example")
    listed = fields["warnings"]
    assert fields["count"] == 100
    assert listed[0] == "Service 0 (email, daily limit)"
    assert listed[-1].startswith("and ") and listed[-1].endswith(" more")
    assert sum(len(item) + 2 for item in listed) <= 700


def test_a_messages_reference_is_fixed_by_what_it_covers_and_holds_no_personal_data() -> None:
    first = limited()
    found = crossings((rule(80),), inputs(first, today_with(email=900, sms=900)))
    (message,) = messages(found)
    ids = [crossing.warning_id for crossing in message.crossings]
    assert message.reference == message_reference("OPS@example.gov.uk ", reversed(ids))
    assert message.reference != message_reference("ops@example.gov.uk", ids[:1])
    assert message.reference != message_reference("boss@example.gov.uk", ids)
    assert message.reference.startswith("dashboard-alert-") and len(message.reference) == 48
    assert "ops" not in message.reference and first.id not in message.reference
