"""Organisations: the list, an organisation's services with usage, and the organisation fields
of the platform-wide reports, against the recorded samples and the real API's rules."""

import sqlite3

import pytest
from flask.testing import FlaskClient

from tests.samples import load_sample
from tests.sandbox.helpers import get, item_shape, shape, unknown_id
from tests.sandbox.test_contract import current_financial_year, whole_financial_year


def organisations(client: FlaskClient) -> list[dict]:
    return get(client, "/organisations").get_json()


def biggest_organisation(db: sqlite3.Connection) -> str:
    """The organisation with the most services out of trial mode, so its answer has several."""
    return db.execute(
        """SELECT organisation_id FROM services
           WHERE organisation_id IS NOT NULL AND restricted = 0
           GROUP BY organisation_id ORDER BY COUNT(*) DESC, organisation_id LIMIT 1"""
    ).fetchone()[0]


def test_organisations_have_the_recorded_fields_active_first_then_by_name(client, db):
    status, body = load_sample("GET_organisations")

    response = get(client, "/organisations")

    entries = response.get_json()
    assert response.status_code == status
    assert item_shape(entries) == item_shape(body)
    assert len(entries) == db.execute("SELECT COUNT(*) FROM organisations").fetchone()[0]
    assert [(not e["active"], e["name"]) for e in entries] == sorted(
        (not e["active"], e["name"]) for e in entries
    )


def test_an_organisations_live_services_are_its_active_ones_out_of_trial(client, db):
    counted = dict(
        db.execute(
            """SELECT organisation_id, COUNT(*) FROM services
               WHERE active = 1 AND restricted = 0 AND organisation_id IS NOT NULL
               GROUP BY organisation_id"""
        ).fetchall()
    )
    for entry in organisations(client):
        assert entry["count_of_live_services"] == counted.get(entry["id"], 0), entry["name"]


def test_services_with_usage_have_the_recorded_fields(client, db):
    status, body = load_sample("GET_organisation_services_with_usage")
    organisation_id = biggest_organisation(db)

    response = get(
        client,
        f"/organisations/{organisation_id}/services-with-usage",
        year=current_financial_year(),
    )

    answer = response.get_json()
    assert response.status_code == status
    assert shape({**answer, "services": answer["services"][:1]}) == shape(body)
    services = answer["services"]
    assert len(services) > 1
    assert [(not s["active"], s["service_name"].lower()) for s in services] == sorted(
        (not s["active"], s["service_name"].lower()) for s in services
    )
    in_trial = {
        row[0]
        for row in db.execute(
            "SELECT id FROM services WHERE organisation_id = ? AND restricted = 1",
            (organisation_id,),
        )
    }
    assert not in_trial & {s["service_id"] for s in services}


@pytest.mark.parametrize("year", ["x", "", "2026.5"])
def test_services_with_usage_without_a_valid_year_is_the_recorded_400(client, db, year):
    status, body = load_sample("GET_organisation_services_with_usage_bad_year")

    response = get(
        client, f"/organisations/{biggest_organisation(db)}/services-with-usage", year=year
    )

    assert (response.status_code, response.get_json()) == (status, body)


def test_an_unknown_organisation_has_no_services(client):
    response = get(client, f"/organisations/{unknown_id()}/services-with-usage", year=2026)

    assert response.status_code == 200
    assert response.get_json() == {"services": [], "updated_at": None}


def test_services_with_usage_agree_with_the_platform_reports(client, db):
    """Each service's texts, charges and letter cost are the platform-wide reports' own."""
    organisation_id = biggest_organisation(db)
    year = current_financial_year()
    services = get(
        client, f"/organisations/{organisation_id}/services-with-usage", year=year
    ).get_json()["services"]
    dates = whole_financial_year()
    volumes = {
        e["service_id"]: e
        for e in get(client, "/platform-stats/volumes-by-service", **dates).get_json()
    }
    billed = {
        e["service_id"]: e
        for e in get(client, "/platform-stats/data-for-billing-report", **dates).get_json()
    }
    for service in services:
        assert service["sms_remainder"] == max(
            0, service["free_sms_limit"] - service["sms_billable_units"]
        )
        bill = billed.get(service["service_id"])
        assert service["chargeable_billable_sms"] == (bill["sms_chargeable_units"] if bill else 0)
        assert service["sms_cost"] == pytest.approx(bill["sms_cost"] if bill else 0)
        assert service["letter_cost"] == pytest.approx(bill["letter_cost"] if bill else 0)
        if service["service_id"] in volumes:  # live services only
            volume = volumes[service["service_id"]]
            assert service["sms_billable_units"] == volume["sms_chargeable_units"]
            assert service["emails_sent"] == volume["email_totals"]


@pytest.mark.parametrize(
    "path", ["/platform-stats/volumes-by-service", "/platform-stats/data-for-billing-report"]
)
def test_report_rows_name_the_organisation_of_the_list_or_none(client, path):
    names = {entry["id"]: entry["name"] for entry in organisations(client)}
    recorded = load_sample(
        "GET_platform_stats_volumes_by_service"
        if "volumes" in path
        else "GET_platform_stats_data_for_billing_report"
    )[1]

    entries = get(client, path, **whole_financial_year()).get_json()

    assert {type(e["organisation_id"]) for e in entries} == {
        type(e["organisation_id"]) for e in recorded
    }
    for entry in entries:
        if entry["organisation_id"]:
            assert entry["organisation_name"] == names[entry["organisation_id"]]
        else:
            assert entry["organisation_name"] == ""
    assert any(not entry["organisation_id"] for entry in entries)
