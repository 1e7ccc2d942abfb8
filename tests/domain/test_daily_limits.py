import math
from dataclasses import replace

import pytest

from dashboard.domain.daily_limits import (
    LimitUsage,
    daily_limit_usage,
    daily_limits,
    highest_fraction,
    limit_text,
    limit_usage,
    limit_warning,
    trial_notice,
    worst_level,
)
from dashboard.notify_client.schemas.services import (
    SERVICE,
    STATISTICS,
    ChannelCounts,
    Service,
    Statistics,
)
from tests.samples import sample_body


def recorded_service() -> Service:
    return SERVICE(sample_body("GET_service"))


def recorded_today() -> Statistics:
    return STATISTICS(sample_body("GET_service_statistics_today_only"))


def service_2018(**changes) -> Service:
    """A service as the 2018 API returned it: one message_limit, no per-channel limits."""
    service = {
        "id": "5d9ec8e4-1a44-4bd0-8a37-5e2cf3f2e4a6",
        "name": "Renew a licence",
        "active": True,
        "restricted": False,
        "message_limit": 250_000,
        "email_from": "renew.a.licence",
        "research_mode": False,
        "organisation_type": "central",
    }
    return SERVICE({"data": service | changes})


def statistics(email: int = 0, sms: int = 0, letter: int = 0) -> Statistics:
    return Statistics(
        email=ChannelCounts(requested=email, delivered=0, failed=0),
        sms=ChannelCounts(requested=sms, delivered=0, failed=0),
        letter=ChannelCounts(requested=letter, delivered=0, failed=0),
    )


def test_daily_limits_of_todays_service():
    assert daily_limits(recorded_service()) == {
        "email": 250_000,
        "sms": 250_000,
        "letter": 20_000,
    }


def test_daily_limits_of_a_2018_service():
    assert daily_limits(service_2018(message_limit=1_000)) == {"all": 1_000}


def test_per_channel_limits_win_over_a_2018_limit_left_beside_them():
    service = replace(recorded_service(), message_limit=10)
    assert daily_limits(service) == {"email": 250_000, "sms": 250_000, "letter": 20_000}


def test_usage_per_channel_on_the_recorded_service():
    service = recorded_service()
    today = recorded_today()

    usages = daily_limit_usage(service, today)

    assert usages == [
        LimitUsage("email", "Emails", 250_000, 58, 249_942, 58 / 250_000, "ok"),
        LimitUsage("sms", "Text messages", 250_000, 35, 249_965, 35 / 250_000, "ok"),
        LimitUsage("letter", "Letters", 20_000, 1, 19_999, 1 / 20_000, "ok"),
    ]
    assert worst_level(usages) == "ok"
    assert highest_fraction(usages) == pytest.approx(0.000232)


def test_usage_against_one_2018_limit_adds_up_all_channels():
    today = recorded_today()

    usages = daily_limit_usage(service_2018(message_limit=100), today)

    # 58 emails + 35 texts + 1 letter = 94 of 100.
    assert usages == [LimitUsage("all", "All messages", 100, 94, 6, 0.94, "warning")]
    assert worst_level(usages) == "warning"


def test_trial_service_over_its_limit():
    service = replace(
        recorded_service(),
        restricted=True,
        email_message_limit=50,
        sms_message_limit=50,
        letter_message_limit=50,
    )

    usages = daily_limit_usage(service, statistics(email=60, sms=40, letter=0))

    assert [(u.channel, u.used, u.remaining, u.level) for u in usages] == [
        ("email", 60, 0, "error"),
        ("sms", 40, 10, "warning"),
        ("letter", 0, 50, "ok"),
    ]
    assert usages[0].fraction == pytest.approx(1.2)
    assert worst_level(usages) == "error"
    assert highest_fraction(usages) == pytest.approx(1.2)


@pytest.mark.parametrize(
    ("limit", "used", "fraction", "level"),
    [
        (100, 0, 0.0, "ok"),
        (100, 79, 0.79, "ok"),
        (100, 80, 0.8, "warning"),
        (100, 99, 0.99, "warning"),
        (100, 100, 1.0, "error"),
        (100, 150, 1.5, "error"),
        (0, 0, 0.0, "ok"),
        (0, 1, math.inf, "error"),
    ],
)
def test_limit_usage_levels(limit, used, fraction, level):
    usage = limit_usage("sms", "Text messages", limit, used)
    assert usage.fraction == pytest.approx(fraction)
    assert usage.level == level
    assert usage.remaining == max(0, limit - used)


def test_worst_level_and_highest_fraction_of_nothing():
    assert worst_level([]) == "ok"
    assert highest_fraction([]) == 0.0


def test_the_trial_notice_says_what_the_admin_says_trial_mode_allows():
    service = replace(
        recorded_service(),
        restricted=True,
        email_message_limit=50,
        sms_message_limit=40,
        letter_message_limit=1_000,
    )

    assert trial_notice(service) == (
        "This service is in trial mode: it can send messages only to its own team, up to 50 "
        "emails and 40 text messages a day, and no letters."
    )


def test_the_trial_notice_of_a_gp_surgery_allows_no_texts():
    service = replace(recorded_service(), restricted=True, organisation_type="nhs_gp")

    assert trial_notice(service) == (
        "This service is in trial mode: it can send messages only to its own team, up to "
        f"{service.email_message_limit:,} emails a day, and no text messages (GP surgeries "
        "cannot send them in trial mode) or letters."
    )


def test_the_trial_notice_of_a_2018_service_gives_its_one_limit():
    assert trial_notice(service_2018(restricted=True, message_limit=50)) == (
        "This service is in trial mode: it can send messages only to its own team, up to 50 "
        "emails and text messages a day, all together, and no letters."
    )


@pytest.mark.parametrize(
    ("limit", "used", "text", "warning"),
    [
        (250_000, 1_000, "Text messages: 1,000 of 250,000 (0.4%) · 249,000 left today", None),
        (
            50,
            40,
            "Text messages: 40 of 50 (80.0%) · 10 left today",
            "Close to the daily limit for text messages.",
        ),
        (
            50,
            60,
            "Text messages: 60 of 50 (120.0%) · 0 left today",
            "The daily limit for text messages has been reached.",
        ),
        (
            0,
            3,
            "Text messages: 3 of 0 (no sending allowed) · 0 left today",
            "The daily limit for text messages has been reached.",
        ),
    ],
)
def test_the_words_of_a_limits_bar(limit, used, text, warning):
    usage = limit_usage("sms", "Text messages", limit, used)

    assert (limit_text(usage), limit_warning(usage)) == (text, warning)
