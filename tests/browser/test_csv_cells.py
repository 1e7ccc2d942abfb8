"""Every CSV the pages offer, downloaded in Chromium from a sandbox whose live services are
named with spreadsheet formulas: each payload cell is written as text, and no file exists
under `/media` until the reader clicks."""

import csv
import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, WebSocket

from dashboard.domain.service_table import BEFORE_FIGURES, NOW_FIGURES, SCOPES, scope_column
from notify_sandbox import build_database
from notify_sandbox.generate import HOSTILE_NAMES
from notify_sandbox.serving import BackgroundSandbox
from tests.browser.conftest import Served, serving, wait_for_app
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.browser

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = tuple(name for name in HOSTILE_NAMES if name.startswith(FORMULA_STARTS))
MEDIA_CSV = re.compile(rb"/media/[0-9a-f]+\.csv")


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`python -m devtools.serve` reading a sandbox of 40 services, some named as formulas."""
    directory = tmp_path_factory.mktemp("formulas")
    database = build_database(directory / "sandbox.sqlite", 1, 40, hostile_names=True)
    sandbox = BackgroundSandbox(database, "notify-admin", TEST_SECRET).start()
    overrides = {"API_HOST_NAME": sandbox.url, "ADMIN_CLIENT_SECRET": TEST_SECRET}
    try:
        with serving(directory, overrides) as url:
            yield Served(url, sandbox.url)
    finally:
        sandbox.stop()


def frames_received(page: Page) -> list[bytes]:
    """Every message the server sends the page over its WebSocket, as bytes."""
    frames: list[bytes] = []

    def keep(payload: bytes | str) -> None:
        frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def listen(socket: WebSocket) -> None:
        socket.on("framereceived", keep)

    page.on("websocket", listen)
    return frames


def download_rows(page: Page, label: str) -> list[dict[str, str]]:
    """The CSV behind a download button, read as a spreadsheet reads text: cell by cell."""
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label).click()
    with open(download.value.path(), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def assert_neutralised(rows: list[dict[str, str]], column: str) -> int:
    """Every payload written with a leading quote, no cell that starts a formula; how many."""
    cells = [row[column] for row in rows]
    found = [cell for cell in cells if cell[1:] in PAYLOADS]
    assert sorted(found) == sorted("'" + payload for payload in PAYLOADS)
    every_cell = [cell for row in rows for cell in row.values()]
    running = [cell for cell in every_cell if cell.startswith(FORMULA_STARTS) and not _number(cell)]
    assert running == []
    return len(found)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_the_sandbox_has_a_payload_for_every_formula_start():
    assert {payload[0] for payload in PAYLOADS} == set(FORMULA_STARTS)


def test_the_all_services_csv_writes_formulas_as_text(page: Page, formulas: Served):
    frames = frames_received(page)
    page.goto(f"{formulas.url}/services")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stDownloadButton"]')
    assert not any(MEDIA_CSV.search(frame) for frame in frames)  # nothing built before a click

    rows = download_rows(page, "Download CSV")
    assert assert_neutralised(rows, "name") == len(PAYLOADS)
    # Every channel's figures now and before, whichever the page shows; no link column.
    every_figure = {
        scope_column(scope, figure)
        for scope in SCOPES
        for figure in (*NOW_FIGURES, *BEFORE_FIGURES)
    }
    assert every_figure <= set(rows[0]) and "link" not in rows[0]


def test_both_allowances_csvs_write_formulas_as_text(page: Page, formulas: Served):
    frames = frames_received(page)
    page.goto(f"{formulas.url}/allowances")
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stDownloadButton"]')
    assert not any(MEDIA_CSV.search(frame) for frame in frames)

    sectors = download_rows(page, "Download sectors CSV")
    services = download_rows(page, "Download services CSV")

    assert sum(int(row["services"]) for row in sectors) == len(services)
    assert assert_neutralised(services, "name") == len(PAYLOADS)


def test_the_tables_offer_no_download_of_their_own(page: Page, formulas: Served):
    """Streamlit's table toolbar would write the cells raw (`client.disableDataExport`)."""
    page.goto(f"{formulas.url}/services")
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.hover()
    page.wait_for_timeout(500)

    assert page.locator('[data-testid="stElementToolbar"]').first.is_visible()
    assert page.get_by_label("Download as CSV").count() == 0
