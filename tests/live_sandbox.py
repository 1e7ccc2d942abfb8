"""A small generated sandbox behind real HTTP, for tests that go through the clients."""

import sqlite3
from contextlib import closing
from pathlib import Path

from notify_sandbox import build_database
from notify_sandbox.facts import CHANNELS, STATUS_COLUMNS, STATUSES
from notify_sandbox.serving import BackgroundSandbox

SEED = 3
SERVICES = 60


def start_live_sandbox(directory: Path, client_id: str, secret: str) -> BackgroundSandbox:
    database = build_database(directory / "sandbox.sqlite", SEED, SERVICES)
    return BackgroundSandbox(database, client_id, secret).start()


def statuses_today(database: Path) -> dict[str, dict[str, int]]:
    """Every service's notifications today by channel and status, read from the sandbox's
    file with SQL of its own (not through the API), for tests that reconcile two answers."""
    columns = ", ".join(f"SUM({column})" for column in STATUS_COLUMNS)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            f"SELECT channel, {columns} FROM daily_counts WHERE days_ago = 0 GROUP BY channel"
        ).fetchall()
    counts: dict[str, dict[str, int]] = {
        channel: dict.fromkeys(STATUSES, 0) for channel in CHANNELS
    }
    for channel, *sums in rows:
        counts[channel] = dict(zip(STATUSES, sums, strict=True))
    return counts
