"""The Organisations loader against the sandbox: each organisation's figures are the sum of
its services' rows, letters cost what the API says, and the platform's totals add up with and
without its own service, this year and last, in the Allowances page's four calls."""

from datetime import date

import pytest

from dashboard.domain.allowance_table import totals
from dashboard.domain.financial_year import current_financial_year, financial_year_bounds
from dashboard.domain.organisation_finance import (
    NO_ORGANISATION,
    SUMMED,
    platform_totals,
    services_of,
)
from dashboard.domain.platform_service import NOTIFY_SERVICE_ID
from dashboard.loaders.allowances import load_allowances
from dashboard.loaders.organisations import load_organisations
from dashboard.loaders.sections import Ready
from tests.conftest import clients_without_cache, settings_for_tests
from tests.loaders.test_allowances import PLATFORM_ROUTES, sandbox_context

YEARS = pytest.mark.parametrize(
    "years_ago", [0, 1], ids=["this financial year", "last financial year"]
)


def uncached_api(live_sandbox):
    return clients_without_cache(settings_for_tests(api_host_name=live_sandbox.url))


def year_so_far(year: int) -> tuple[date, date]:
    first, last = financial_year_bounds(year)
    return first, min(last, date.today())


@YEARS
def test_each_organisation_is_the_sum_of_its_services_in_four_calls(live_sandbox, cache, years_ago):
    year = current_financial_year() - years_ago
    live_sandbox.reset_request_counts()

    section = load_organisations(sandbox_context(live_sandbox, cache), year)

    calls = live_sandbox.request_counts()
    assert isinstance(section, Ready)
    assert set(calls) <= PLATFORM_ROUTES and sum(calls.values()) <= 4, calls
    finance = section.value.finance
    assert len(finance.organisations) > 1
    assert finance.organisations["organisation_id"].is_unique
    for organisation in finance.organisations.to_dict("records"):
        services = services_of(finance, organisation["organisation_id"])
        assert organisation["services"] == len(services) > 0
        for column in SUMMED:
            assert organisation[column] == pytest.approx(services[column].sum()), column
        assert organisation["services_over"] == int(services["over_allowance"].sum())
    assert finance.organisations["total_cost"].sum() == pytest.approx(
        finance.services["total_cost"].sum()
    )
    nameless = finance.organisations[finance.organisations["organisation_id"] == ""]
    assert list(nameless["organisation"]) in ([], [NO_ORGANISATION])


@YEARS
def test_letters_cost_what_the_api_says(live_sandbox, cache, years_ago):
    year = current_financial_year() - years_ago
    api = uncached_api(live_sandbox)
    first, last = year_so_far(year)
    volumes = {row.service_id: row for row in api.platform.get_volumes_by_service(first, last)}
    billed = {row.service_id: row for row in api.platform.get_data_for_billing_report(first, last)}

    section = load_organisations(sandbox_context(live_sandbox, cache), year)

    assert isinstance(section, Ready)
    finance = section.value.finance
    rows = [*finance.services.to_dict("records"), *finance.platform.to_dict("records")]
    assert {row["service_id"] for row in rows} == set(volumes)
    for row in rows:
        volume = volumes[row["service_id"]]
        assert row["letter_cost"] == pytest.approx(volume.letter_cost)
        assert (row["letters"], row["letter_sheets"]) == (
            volume.letter_totals,
            volume.letter_sheet_totals,
        )
        if row["service_id"] in billed:
            assert row["letter_cost"] == pytest.approx(billed[row["service_id"]].letter_cost)
            assert row["text_cost"] == pytest.approx(billed[row["service_id"]].sms_cost)
        assert row["total_cost"] == pytest.approx(row["text_cost"] + row["letter_cost"])
    assert finance.services["letter_cost"].sum() > 0, "someone must send letters"
    not_live = set(finance.not_live["service_id"])
    assert not_live == set(billed) - set(volumes)
    for row in finance.not_live.to_dict("records"):
        assert row["letter_cost"] == pytest.approx(billed[row["service_id"]].letter_cost)


@YEARS
def test_the_platforms_total_with_and_without_its_own_service(live_sandbox, cache, years_ago):
    year = current_financial_year() - years_ago
    api = uncached_api(live_sandbox)
    first, last = year_so_far(year)
    billed = api.platform.get_data_for_billing_report(first, last)
    live = {row.service_id: row for row in api.platform.get_volumes_by_service(first, last)}

    section = load_organisations(sandbox_context(live_sandbox, cache), year)

    assert isinstance(section, Ready)
    finance = section.value.finance
    with_own = platform_totals(finance, with_platform=True)
    without_own = platform_totals(finance, with_platform=False)
    every_cost = sum(row.sms_cost + row.letter_cost for row in billed)
    live_letters_unbilled = sum(
        row.letter_cost
        for row in live.values()
        if row.service_id not in {b.service_id for b in billed}
    )
    assert with_own["total_cost"] == pytest.approx(every_cost + live_letters_unbilled)
    own = finance.platform["total_cost"].sum() if not finance.platform.empty else 0.0
    assert with_own["total_cost"] - without_own["total_cost"] == pytest.approx(own)
    assert NOTIFY_SERVICE_ID not in set(finance.services["service_id"])
    assert without_own["not_live_cost"] == pytest.approx(finance.not_live["total_cost"].sum())


@YEARS
def test_sectors_organisations_and_the_platform_agree_on_letters_and_the_year_end(
    live_sandbox, cache, years_ago
):
    """One forecast and one count of letters, whichever page sums them: Allowances' sectors,
    Organisations' organisations and each page's platform figure are the same services'."""
    year = current_financial_year() - years_ago
    context = sandbox_context(live_sandbox, cache)

    allowances = load_allowances(context, year)
    organisations = load_organisations(context, year)

    assert isinstance(allowances, Ready) and isinstance(organisations, Ready)
    tables, finance = allowances.value.tables, organisations.value.finance
    assert set(tables.services["service_id"]) == set(finance.services["service_id"])
    sectors, groups = tables.sectors, finance.organisations
    for column in ("letters", "letter_sheets", "letter_cost"):
        assert sectors[column].sum() == pytest.approx(groups[column].sum()), column
        assert sectors[column].sum() == pytest.approx(tables.services[column].sum()), column
    assert totals(tables)["letter_sheets"] == int(groups["letter_sheets"].sum()) > 0
    assert tables.year_end == finance.year_end
    platform = finance.year_end
    # Each figure's column on the sectors table and on the organisations table.
    columns = {
        "fragments": ("year_end_fragments", "year_end_fragments"),
        "chargeable": ("year_end_chargeable", "year_end_chargeable"),
        "cost": ("year_end_cost", "year_end_text_cost"),
    }
    for name, (by_sector, by_organisation) in columns.items():
        expected = float(getattr(platform, name).expected)
        assert sectors[by_sector].sum() == pytest.approx(expected), name
        assert groups[by_organisation].sum() == pytest.approx(expected), name
        for table, column in ((sectors, by_sector), (groups, by_organisation)):
            assert (table[f"{column}_low"] <= table[column]).all(), name
            assert (table[column] <= table[f"{column}_high"]).all(), name
    assert platform.chargeable.expected > 0
