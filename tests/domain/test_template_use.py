import pytest

from dashboard.domain.template_use import (
    months_of_year,
    statuses_by_channel,
    template_days,
    template_months_table,
    template_table,
    templates_note,
)
from dashboard.notify_client.schemas.templates import (
    TEMPLATE_STATISTICS,
    TEMPLATE_USAGE,
    TemplateStatistic,
)
from tests.samples import sample_body


def recorded_statistics() -> list[TemplateStatistic]:
    return TEMPLATE_STATISTICS(sample_body("GET_service_template_statistics"))


def test_templates_count_at_most_seven_days_and_say_why_when_the_window_is_longer():
    assert [template_days(days) for days in (1, 7, 8, 30)] == [1, 7, 7, 7]
    assert templates_note(7) is None
    assert templates_note(30) == (
        "Templates show today and the 7 days before, not the 30 of the window: "
        "the API counts templates over 7 days at most."
    )


def test_the_template_table_groups_statuses_as_the_statistics_endpoint_does():
    table = template_table(recorded_statistics())
    paye = table[table["Template"] == "PAYE coding notice available"].iloc[0]
    raw = {
        row.status: row.count
        for row in recorded_statistics()
        if row.template_name == "PAYE coding notice available"
    }
    failed = sum(
        raw.get(status, 0)
        for status in (
            "failed",
            "technical-failure",
            "temporary-failure",
            "permanent-failure",
            "validation-failed",
            "virus-scan-failed",
        )
    )
    assert paye["Channel"] == "Emails"
    assert paye["Delivered"] == raw["delivered"] + raw.get("sent", 0)
    assert paye["Failed"] == failed
    assert paye["Requested"] == sum(n for status, n in raw.items() if status != "cancelled")
    assert paye["Failure rate"] == pytest.approx(failed / paye["Requested"])


def test_the_template_table_is_biggest_first():
    requested = template_table(recorded_statistics())["Requested"].tolist()
    assert requested == sorted(requested, reverse=True)
    assert template_table([]).empty


def test_statuses_by_channel_add_every_template():
    counts = statuses_by_channel(recorded_statistics())
    total = sum(row.count for row in recorded_statistics() if row.template_type == "email")
    assert sum(counts["email"].values()) == total


def test_the_year_runs_april_to_march():
    months = months_of_year(2026)
    assert months[0] == (2026, 4) and months[-1] == (2027, 3) and len(months) == 12


def test_the_month_table_has_a_column_per_month_used_and_a_total():
    usage = TEMPLATE_USAGE(sample_body("GET_service_templates_usage_monthly"))
    table = template_months_table(usage.stats, 2026)
    assert list(table.columns[:2]) == ["Template", "Channel"]
    assert "Oct 2026" in table.columns and "Nov 2026" in table.columns
    assert "Apr 2026" not in table.columns  # no use recorded in April
    late = usage.stats[0]
    row = table[table["Template"] == late.name].iloc[0]
    assert row["Oct 2026"] == late.count
    assert row["Total"] == sum(s.count for s in usage.stats if s.template_id == late.template_id)
    totals = table["Total"].tolist()
    assert totals == sorted(totals, reverse=True)


def test_months_outside_the_year_are_left_out():
    usage = TEMPLATE_USAGE(sample_body("GET_service_templates_usage_monthly"))
    assert template_months_table(usage.stats, 2020).empty
