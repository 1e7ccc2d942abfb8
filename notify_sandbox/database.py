"""The sandbox's SQLite file: schema, building it once, and opening connections.

A file is built into a temporary name beside its final one and renamed when complete, so a
crash never leaves half a database where the next start would reuse it. The file name carries
the seed, the number of services and whether some names are hostile; `PRAGMA user_version`
carries the schema version, and a file of an older schema is rebuilt rather than served
wrongly.
"""

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from notify_sandbox.clock import london_today
from notify_sandbox.facts import STATUS_COLUMNS
from notify_sandbox.generate import ReferenceData, generate_reference_data
from notify_sandbox.history import HISTORY_COLUMNS, history_rows
from notify_sandbox.volumes import VolumeProfile, daily_rows, volume_profiles

#: Told what generation is doing, a line at a time (`python -m notify_sandbox` logs them).
Progress = Callable[[str], None]

#: Raised whenever the schema or the generated data change, so an older file is rebuilt
#: (6: years of history; 7: the platform's rules and volumes).
SCHEMA_VERSION = 8

TABLES = {
    "meta": "key TEXT PRIMARY KEY, value TEXT NOT NULL",
    "organisations": "id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation_type TEXT",
    "services": """
        sid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, active INTEGER NOT NULL,
        restricted INTEGER NOT NULL, count_as_live INTEGER NOT NULL, organisation_id TEXT,
        organisation_type TEXT, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
        go_live_at TEXT, go_live_user TEXT, email_message_limit INTEGER NOT NULL,
        sms_message_limit INTEGER NOT NULL, letter_message_limit INTEGER NOT NULL,
        international_sms_message_limit INTEGER NOT NULL, rate_limit INTEGER NOT NULL,
        permissions TEXT NOT NULL, prefix_sms INTEGER NOT NULL, contact_link TEXT,
        email_sender_local_part TEXT, confirmed_email_sender_name INTEGER,
        custom_email_sender_name TEXT, consent_to_research INTEGER,
        has_active_go_live_request INTEGER NOT NULL, volume_email INTEGER, volume_sms INTEGER,
        volume_letter INTEGER, billing_contact_email_addresses TEXT, billing_contact_names TEXT,
        billing_reference TEXT, purchase_order_number TEXT, email_branding TEXT,
        letter_branding TEXT, notes TEXT, service_callback_api TEXT NOT NULL,
        confirmed_unique INTEGER NOT NULL, letter_postage TEXT NOT NULL
    """,
    "users": """
        id TEXT PRIMARY KEY, name TEXT NOT NULL, email_address TEXT NOT NULL,
        mobile_number TEXT, platform_admin INTEGER NOT NULL, state TEXT NOT NULL,
        auth_type TEXT NOT NULL, created_at TEXT NOT NULL, logged_in_at TEXT,
        password_changed_at TEXT NOT NULL, email_access_validated_at TEXT NOT NULL,
        failed_login_count INTEGER NOT NULL, can_use_webauthn INTEGER NOT NULL,
        receives_new_features_email INTEGER NOT NULL, take_part_in_research INTEGER NOT NULL,
        current_session_id TEXT
    """,
    "user_services": """
        user_id TEXT NOT NULL, service_id TEXT NOT NULL, position INTEGER NOT NULL,
        permissions TEXT NOT NULL
    """,
    "templates": """
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL, template_type TEXT NOT NULL,
        version INTEGER NOT NULL, archived INTEGER NOT NULL, hidden INTEGER NOT NULL,
        postage TEXT, created_at TEXT NOT NULL, updated_at TEXT, created_by TEXT NOT NULL
    """,
    "template_versions": """
        template_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, subject TEXT,
        content TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT,
        created_by TEXT NOT NULL
    """,
    "data_retention": """
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL, notification_type TEXT NOT NULL,
        days_of_retention INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT
    """,
    "annual_billing": """
        service_id TEXT NOT NULL, financial_year_start INTEGER NOT NULL,
        free_sms_fragment_limit INTEGER NOT NULL
    """,
    "reply_to": """
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL, email_address TEXT NOT NULL,
        is_default INTEGER NOT NULL, archived INTEGER NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT
    """,
    "api_keys": """
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL,
        key_type TEXT NOT NULL, created_at TEXT NOT NULL, expiry_date TEXT
    """,
    # What was sent through the public API (POST /v2/notifications/...), in real UTC time.
    "notifications": """
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL, api_key_id TEXT NOT NULL,
        key_type TEXT NOT NULL, notification_type TEXT NOT NULL, template_id TEXT NOT NULL,
        template_version INTEGER NOT NULL, recipient TEXT NOT NULL, personalisation TEXT NOT NULL,
        reference TEXT, subject TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL
    """,
    "daily_counts": (
        "service_sid INTEGER NOT NULL, days_ago INTEGER NOT NULL, channel TEXT NOT NULL, "
        + ", ".join(f"{column} INTEGER NOT NULL" for column in STATUS_COLUMNS)
        + ", fragments INTEGER NOT NULL, sheets INTEGER NOT NULL"
        + ", PRIMARY KEY (service_sid, channel, days_ago)"
    ),
    # Billable totals by month before the daily counts begin (`history.py`).
    "monthly_history": (
        "service_sid INTEGER NOT NULL, channel TEXT NOT NULL, newest INTEGER NOT NULL, "
        "oldest INTEGER NOT NULL, sent INTEGER NOT NULL, fragments INTEGER NOT NULL, "
        "sheets INTEGER NOT NULL, PRIMARY KEY (service_sid, channel, newest)"
    ),
}

INDEXES = (
    "CREATE UNIQUE INDEX ix_services_id ON services (id)",
    "CREATE UNIQUE INDEX ix_services_name ON services (name)",
    "CREATE INDEX ix_user_services_service ON user_services (service_id, position)",
    "CREATE INDEX ix_user_services_user ON user_services (user_id)",
    "CREATE INDEX ix_templates_service ON templates (service_id)",
    "CREATE UNIQUE INDEX ix_template_versions ON template_versions (template_id, version)",
    "CREATE INDEX ix_data_retention_service ON data_retention (service_id)",
    "CREATE UNIQUE INDEX ix_annual_billing ON annual_billing (service_id, financial_year_start)",
    "CREATE INDEX ix_reply_to_service ON reply_to (service_id)",
    "CREATE INDEX ix_daily_counts_days_ago ON daily_counts (days_ago)",
    "CREATE INDEX ix_api_keys_service ON api_keys (service_id)",
    "CREATE INDEX ix_notifications_reference ON notifications (service_id, reference)",
    "CREATE INDEX ix_monthly_history_days ON monthly_history (newest, oldest)",
)

DAILY_COLUMNS = ("service_sid", "days_ago", "channel", *STATUS_COLUMNS, "fragments", "sheets")


def database_path(data_dir: Path, seed: int, services: int, *, hostile_names: bool = False) -> Path:
    """Where the file for one seed and size lives."""
    hostile = "-hostile" if hostile_names else ""
    return data_dir / f"sandbox-seed{seed}-services{services}{hostile}.sqlite"


def open_database(
    data_dir: Path,
    seed: int,
    services: int,
    *,
    hostile_names: bool = False,
    progress: Progress | None = None,
) -> Path:
    """The path of a ready database, building it first if it is missing or out of date."""
    path = database_path(data_dir, seed, services, hostile_names=hostile_names)
    if not path.exists() or schema_version(path) != SCHEMA_VERSION:
        build_database(path, seed, services, hostile_names=hostile_names, progress=progress)
    return path


def schema_version(path: Path) -> int:
    """The schema version recorded in a file (0 for a file that is not ours)."""
    try:
        with sqlite3.connect(path) as connection:
            return connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0


def build_database(
    path: Path,
    seed: int,
    services: int,
    anchor: date | None = None,
    *,
    hostile_names: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Generate the data into a temporary file, then move it into place in one rename."""
    anchor = anchor or london_today()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; the file holds nothing secret
    try:
        _write(Path(temporary), seed, services, anchor, hostile_names, progress or _silent)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _silent(_line: str) -> None:
    """Progress that goes nowhere (tests build many small files)."""


def _write(
    path: Path, seed: int, services: int, anchor: date, hostile_names: bool, progress: Progress
) -> None:
    """Create the schema and insert everything in one transaction, indexes last."""
    progress(f"Generating {services:,} services, their organisations, teams and templates")
    reference = generate_reference_data(seed, services, anchor, hostile_names=hostile_names)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        for table, columns in TABLES.items():
            # Daily counts are clustered by service, so one service's window is one range read
            # and per-service totals need no sort.
            clustered = " WITHOUT ROWID" if table == "daily_counts" else ""
            connection.execute(f"CREATE TABLE {table} ({columns}){clustered}")
        meta = {
            "anchor": anchor.isoformat(),
            "seed": str(seed),
            "services": str(services),
            "hostile_names": str(int(hostile_names)),
        }
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        _insert_reference(connection, reference)
        placeholders = ", ".join("?" for _ in DAILY_COLUMNS)
        profiles = volume_profiles(seed, reference.plans)
        connection.executemany(
            f"INSERT INTO daily_counts ({', '.join(DAILY_COLUMNS)}) VALUES ({placeholders})",
            _reported_rows(seed, anchor, profiles, progress),
        )
        progress("Years of history before the daily counts")
        _insert_history(connection, history_rows(seed, anchor, reference.plans, profiles))
        progress("Indexing")
        for statement in INDEXES:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _reported_rows(
    seed: int, anchor: date, profiles: list[VolumeProfile], progress: Progress
) -> Iterator[tuple]:
    """The daily rows, saying after each tenth of the services how far generation has got."""
    step = max(1, -(-len(profiles) // 10))
    for start in range(0, len(profiles), step):
        yield from daily_rows(seed, anchor, profiles[start : start + step])
        done = min(start + step, len(profiles))
        progress(
            f"Daily counts: {done:,} of {len(profiles):,} services ({done / len(profiles):.0%})"
        )


def _insert_reference(connection: sqlite3.Connection, reference: ReferenceData) -> None:
    """Insert the reference tables from their dict rows."""
    tables = {
        "organisations": reference.organisations,
        "services": reference.services,
        "users": reference.users,
        "user_services": reference.user_services,
        "templates": reference.templates,
        "template_versions": reference.template_versions,
        "data_retention": reference.data_retention,
        "annual_billing": reference.annual_billing,
        "reply_to": reference.reply_to,
        "api_keys": reference.api_keys,
    }
    for table, rows in tables.items():
        if rows:
            columns = list(rows[0])
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(':' + column for column in columns)})",
                rows,
            )


def _insert_history(connection: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Insert the months of history before the daily counts (`history.py`)."""
    connection.executemany(
        f"INSERT INTO monthly_history ({', '.join(HISTORY_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in HISTORY_COLUMNS)})",
        rows,
    )


def connect(path: Path) -> sqlite3.Connection:
    """A connection for one request: rows by column name, waiting briefly on a writer."""
    connection = sqlite3.connect(path, timeout=10)
    connection.row_factory = sqlite3.Row
    return connection


def anchor_of(connection: sqlite3.Connection) -> date:
    """The day the file was generated, which its days-ago and timestamps are relative to."""
    value = connection.execute("SELECT value FROM meta WHERE key = 'anchor'").fetchone()[0]
    return date.fromisoformat(value)
