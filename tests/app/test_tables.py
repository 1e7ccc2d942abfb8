"""Every reworked table reads counts with thousands separators and names in full: checked on
the configuration the page sends (the browser draws the grid on a canvas)."""

import json

import pytest

from dashboard.app_pages.tables import COUNT_FORMAT, WRAPPED_ROW_HEIGHT
from tests.app.conftest import open_page


def column_settings(element) -> dict[str, dict]:
    return json.loads(element.proto.columns)


def live_service_with_texts(sandbox_db) -> str:
    return sandbox_db.execute(
        "SELECT id FROM services JOIN daily_counts ON service_sid = sid "
        "WHERE restricted = 0 AND active = 1 AND channel = 'sms' "
        "GROUP BY id ORDER BY SUM(delivered) DESC LIMIT 1"
    ).fetchone()["id"]


def test_the_month_table_separates_thousands_in_every_count(app_environment, sandbox_db):
    at = open_page(service_id=live_service_with_texts(sandbox_db))

    (month,) = [frame for frame in at.dataframe if "Month" in frame.value.columns]
    settings = column_settings(month)
    counts = [name for name in month.value.columns if name != "Month"]
    assert len(counts) == 9
    assert all(settings[name]["type_config"]["format"] == COUNT_FORMAT for name in counts)
    assert sum(settings[name]["width"] for name in counts) < 938 - 120


@pytest.mark.parametrize("page", [None])
def test_names_wrap_in_full_and_counts_separate_thousands(app_environment, page):
    at = open_page(page)

    named = [frame for frame in at.dataframe if "name" in frame.value.columns]
    assert named
    for frame in named:
        settings = column_settings(frame)
        assert frame.proto.row_height == WRAPPED_ROW_HEIGHT
        assert settings["name"]["pinned"] is True
        numbers = [
            value for value in settings.values() if value.get("type_config", {}).get("format")
        ]
        assert any(value["type_config"]["format"] == COUNT_FORMAT for value in numbers)
