"""Every CSV the pages offer, built as a click builds it, from a sandbox whose live services
(and the first template of each) are named with spreadsheet formulas: All services (with the
window before), Allowances' four, Organisations' four, the Service page's two template CSVs.
Every cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
leading `'`, unless it is a number, and number columns stay numbers. (The Alerts page offers
no CSV.) `tests/browser/test_csv_cells.py` clicks three of them in Chromium."""

import csv
import io
from collections.abc import Iterator

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.domain.csv_cells import FORMULA_STARTS
from notify_sandbox import build_database
from notify_sandbox.generate import HOSTILE_NAMES
from notify_sandbox.serving import BackgroundSandbox
from tests.app.conftest import app_reading, open_page
from tests.conftest import TEST_SECRET

PAYLOADS = tuple(name for name in HOSTILE_NAMES if name.startswith(FORMULA_STARTS))
ALL_SERVICES = "app_pages/all_services.py"
ALLOWANCES = "app_pages/allowances.py"
ORGANISATIONS = "app_pages/organisations.py"
#: Columns that hold numbers in every CSV the pages write (a count, a cost, a share).
NUMBER_COLUMNS = (
    "requested",
    "delivered",
    "failed",
    "previous_requested",
    "previous_failed",
    "sent_today",
    "services",
    "used",
    "total_cost",
)


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundSandbox]:
    directory = tmp_path_factory.mktemp("formulas")
    database = build_database(directory / "sandbox.sqlite", 1, 40, hostile_names=True)
    sandbox = BackgroundSandbox(database, "notify-admin", TEST_SECRET).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def hostile_app(monkeypatch, formulas, redis_server, redis_client) -> Iterator[None]:
    """The app on the sandbox with formulas; the media manager each run registers its
    download buttons' callables with is kept (AppTest's runtime ends with the run)."""
    original = MediaFileManager.add_deferred

    def keeping(manager: MediaFileManager, *arguments, **options) -> str:
        file_id = original(manager, *arguments, **options)
        MANAGERS[file_id] = manager
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keeping)
    with app_reading(monkeypatch, formulas.url, redis_server.url):
        yield


#: The media manager that registered each deferred download, by its file id.
MANAGERS: dict[str, MediaFileManager] = {}


def downloads(at: AppTest) -> dict[str, list[dict[str, str]]]:
    """Each download button's CSV by its label, built as a click builds it (Streamlit runs the
    callable the button registered), read as a spreadsheet reads text: cell by cell."""
    files = {}
    for button in at.get("download_button"):
        manager = MANAGERS[button.proto.deferred_file_id]
        url = manager.execute_deferred(button.proto.deferred_file_id)
        content = manager._storage.get_file(url.rsplit("/", 1)[1]).content
        files[button.proto.label] = list(csv.DictReader(io.StringIO(content.decode(), newline="")))
    return files


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def running_cells(rows: list[dict[str, str]]) -> list[str]:
    """Cells a spreadsheet would run: a formula start that is not a plain number."""
    return [
        cell
        for row in rows
        for cell in row.values()
        if cell.startswith(FORMULA_STARTS) and not _number(cell)
    ]


def payload_cells(rows: list[dict[str, str]]) -> list[str]:
    return sorted(cell for row in rows for cell in row.values() if cell[1:] in PAYLOADS)


def assert_data(files: dict[str, list[dict[str, str]]]) -> None:
    """No cell of any file runs, and every number column holds numbers only."""
    for label, rows in files.items():
        assert running_cells(rows) == [], label
        for column in NUMBER_COLUMNS:
            cells = [row[column] for row in rows if row.get(column)]
            assert all(_number(cell) for cell in cells), (label, column)


def quoted(payloads: tuple[str, ...] = PAYLOADS) -> list[str]:
    return sorted("'" + payload for payload in payloads)


def test_the_all_services_csv_writes_every_payload_as_text(hostile_app):
    at = open_page(ALL_SERVICES)

    files = downloads(at)

    assert list(files) == ["Download CSV"]
    rows = files["Download CSV"]
    assert "previous_requested" in rows[0]  # the window before is in it
    assert payload_cells(rows) == quoted()
    assert_data(files)


def test_the_four_allowances_csvs_write_every_payload_as_text(hostile_app):
    files = downloads(open_page(ALLOWANCES))

    assert sorted(files) == [
        "Download not-live services CSV",
        "Download sectors CSV",
        "Download services CSV",
        "Download the year ahead by sector CSV",
    ]
    assert payload_cells(files["Download services CSV"]) == quoted()
    assert_data(files)


def _hostile_services(hostile_app) -> list[dict[str, str]]:
    """The Allowances services CSV's rows of the services named as formulas."""
    services = downloads(open_page(ALLOWANCES))["Download services CSV"]
    return [row for row in services if row["name"][1:] in PAYLOADS]


def test_the_four_organisations_csvs_write_every_payload_as_text(hostile_app):
    hostile = _hostile_services(hostile_app)
    first = downloads(open_page(ORGANISATIONS))
    organisations = first["Download organisations CSV"]
    chosen = next(row for row in organisations if row["organisation"] == hostile[0]["organisation"])
    members = tuple(
        row["name"][1:] for row in hostile if row["organisation"] == chosen["organisation"]
    )

    files = downloads(open_page(ORGANISATIONS, organisation=chosen["organisation_id"]))

    assert sorted(files) == [
        "Download not-live services CSV",
        "Download organisations CSV",
        "Download the year ahead by organisation CSV",
        "Download this organisation's services CSV",
    ]
    assert payload_cells(files["Download this organisation's services CSV"]) == quoted(members)
    assert_data(first | files)


def test_the_service_pages_template_csvs_write_a_template_named_as_a_formula_as_text(
    hostile_app,
):
    service = _hostile_services(hostile_app)[0]

    files = downloads(open_page(service_id=service["service_id"], days="7"))

    assert sorted(files) == [
        "Download the templates as CSV",
        "Download this year by template as CSV",
    ]
    for rows in files.values():
        assert payload_cells(rows) == [service["name"]]
    assert_data(files)
