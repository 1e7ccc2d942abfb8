"""What the platform forbids never happens in the generated data, checked over every day of
every service of the default 2,000: no count past a daily limit, no letters in trial mode, no
texts from a GP surgery in trial mode; and volumes are shaped like the real platform's."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import pytest

from notify_sandbox.facts import STATUSES
from notify_sandbox.generate import ServicePlan, daily_limits, generate_reference_data
from notify_sandbox.volumes import daily_rows, volume_profiles

ANCHOR = date(2026, 7, 1)  # summer time, when a London day begins in the UTC day before
SERVICES = 2000
NATIONAL = ("central", "nhs_central")


@dataclass(frozen=True)
class Day:
    plan: ServicePlan
    days_ago: int
    channel: str
    count: int

    @property
    def in_trial(self) -> bool:
        """The service was in trial mode that day: it still is, or went live later."""
        live_days_ago = self.plan.live_days_ago
        if self.plan.restricted:
            return True
        return live_days_ago is not None and self.days_ago > live_days_ago


@pytest.fixture(scope="module")
def generated() -> list[Day]:
    reference = generate_reference_data(1, SERVICES, ANCHOR)
    plans = {plan.sid: plan for plan in reference.plans}
    return [
        Day(plans[row[0]], row[1], row[2], sum(row[3 : 3 + len(STATUSES)]))
        for row in daily_rows(1, ANCHOR, volume_profiles(1, reference.plans))
    ]


def test_no_day_passes_a_daily_limit(generated: list[Day]) -> None:
    over = [day for day in generated if day.count > daily_limits(day.plan)[day.channel]]
    trial_days_at_fifty = [day for day in generated if day.in_trial and day.count == 50]

    assert over == []
    assert trial_days_at_fifty  # trial services do reach their limit, and stop there


def test_no_letters_are_sent_in_trial_mode(generated: list[Day]) -> None:
    trial_letters = [day for day in generated if day.channel == "letter" and day.in_trial]
    live_letters = [day for day in generated if day.channel == "letter" and not day.in_trial]

    assert trial_letters == []
    assert live_letters


def test_gp_surgeries_send_no_texts_in_trial_mode(generated: list[Day]) -> None:
    gp_days = [day for day in generated if day.plan.organisation_type == "nhs_gp"]
    trial_texts = [day for day in gp_days if day.in_trial and day.channel == "sms"]

    assert trial_texts == []
    assert any(day.in_trial and day.channel == "email" for day in gp_days)
    assert any(not day.in_trial and day.channel == "sms" for day in gp_days)


def test_far_more_emails_than_texts_and_letters_a_few_per_cent(generated: list[Day]) -> None:
    totals = Counter()
    for day in generated:
        totals[day.channel] += day.count
    everything = sum(totals.values())

    assert totals["email"] > 2 * totals["sms"]
    assert 0.01 < totals["letter"] / everything < 0.06


def test_a_few_national_services_send_most_messages(generated: list[Day]) -> None:
    by_service = Counter()
    weekly_texts = defaultdict(int)
    for day in generated:
        by_service[day.plan.sid] += day.count
        if day.days_ago < 7 and day.channel == "sms":
            weekly_texts[day.plan] += day.count
    ranked = [sid for sid, _ in by_service.most_common()]
    totals = [by_service[sid] for sid in ranked]
    biggest_texters = sorted(weekly_texts, key=weekly_texts.__getitem__, reverse=True)[:10]
    local_texts = [
        count for plan, count in weekly_texts.items() if plan.organisation_type not in NATIONAL
    ]

    assert sum(totals[: len(totals) // 100]) > 0.5 * sum(totals)
    assert totals[len(totals) // 2] < 0.001 * totals[0]
    assert all(plan.organisation_type in NATIONAL for plan in biggest_texters)
    assert max(local_texts) < 100_000
