"""SQL for the endpoints: each function reads (or, for updates, writes) one thing.

Counts are summed in SQL from the status columns, using the status groups in `facts.py`, so
that the statistics rules live in one place and tests can check them with their own SQL.
"""

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from notify_sandbox.facts import (
    BILLABLE_STATUSES,
    CHANNELS,
    DELIVERED_STATUSES,
    FAILED_STATUSES,
    REQUESTED_STATUSES,
    STATUS_COLUMNS,
    default_allowance,
)


def _sum_of(statuses: tuple[str, ...]) -> str:
    """SQL adding the columns of some statuses."""
    return " + ".join(status.replace("-", "_") for status in statuses)


REQUESTED_SQL = _sum_of(REQUESTED_STATUSES)
DELIVERED_SQL = _sum_of(DELIVERED_STATUSES)
FAILED_SQL = _sum_of(FAILED_STATUSES)
BILLABLE_SQL = (
    "CASE channel "
    + " ".join(
        f"WHEN '{channel}' THEN {_sum_of(statuses)}"
        for channel, statuses in BILLABLE_STATUSES.items()
    )
    + " END"
)

_SERVICE_SELECT = """
    SELECT services.*, organisations.name AS organisation_name
    FROM services LEFT JOIN organisations ON organisations.id = services.organisation_id
"""


@dataclass(frozen=True)
class Counts:
    """The statistics endpoint's three numbers for one channel."""

    requested: int = 0
    delivered: int = 0
    failed: int = 0


def service(connection: sqlite3.Connection, service_id: str) -> sqlite3.Row | None:
    """One service with its organisation's name, or None."""
    return connection.execute(_SERVICE_SELECT + " WHERE services.id = ?", (service_id,)).fetchone()


def services(
    connection: sqlite3.Connection, *, only_active: bool = False, user_id: str | None = None
) -> list[sqlite3.Row]:
    """Services oldest first, as the API lists them; optionally active or one user's only."""
    where, parameters = [], []
    if only_active:
        where.append("services.active = 1")
    if user_id is not None:
        where.append("services.id IN (SELECT service_id FROM user_services WHERE user_id = ?)")
        parameters.append(user_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return connection.execute(
        _SERVICE_SELECT + clause + " ORDER BY services.created_at, services.id", parameters
    ).fetchall()


def statistics(
    connection: sqlite3.Connection, service_id: str, oldest: int, newest: int = 0
) -> dict[str, Counts]:
    """Counts by channel for days_ago from `newest` to `oldest`; zeros for unknown services."""
    rows = connection.execute(
        f"""SELECT channel, SUM({REQUESTED_SQL}), SUM({DELIVERED_SQL}), SUM({FAILED_SQL})
            FROM daily_counts
            WHERE service_sid = (SELECT sid FROM services WHERE id = ?)
              AND days_ago BETWEEN ? AND ?
            GROUP BY channel""",
        (service_id, newest, oldest),
    ).fetchall()
    found = {row[0]: Counts(row[1], row[2], row[3]) for row in rows}
    return {channel: found.get(channel, Counts()) for channel in CHANNELS}


def statistics_by_service(
    connection: sqlite3.Connection, oldest: int, newest: int
) -> dict[int, dict[str, Counts]]:
    """Counts by service sid and channel for a window, for the detailed service list."""
    rows = connection.execute(
        f"""SELECT service_sid, channel, SUM({REQUESTED_SQL}), SUM({DELIVERED_SQL}),
                   SUM({FAILED_SQL})
            FROM daily_counts
            WHERE days_ago BETWEEN ? AND ?
            GROUP BY service_sid, channel""",
        (newest, oldest),
    ).fetchall()
    by_service: dict[int, dict[str, Counts]] = {}
    for sid, channel, requested, delivered, failed in rows:
        by_service.setdefault(sid, {})[channel] = Counts(requested, delivered, failed)
    return by_service


def live_services(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    """Active, live, counted-as-live services with their go-live user, earliest live first."""
    return connection.execute(
        """SELECT services.*, organisations.name AS organisation_name,
                  users.name AS contact_name, users.email_address AS contact_email,
                  users.mobile_number AS contact_mobile
           FROM services
           LEFT JOIN organisations ON organisations.id = services.organisation_id
           LEFT JOIN users ON users.id = services.go_live_user
           WHERE services.active = 1 AND services.restricted = 0 AND services.count_as_live = 1
           ORDER BY services.go_live_at IS NULL, services.go_live_at, services.name"""
    ).fetchall()


def sent_by_service(connection: sqlite3.Connection, oldest: int) -> dict[int, dict[str, int]]:
    """Billable notifications by service sid and channel from `oldest` days ago to today."""
    rows = connection.execute(
        f"""SELECT service_sid, channel, SUM({BILLABLE_SQL})
            FROM daily_counts
            WHERE days_ago BETWEEN 0 AND ?
            GROUP BY service_sid, channel""",
        (oldest,),
    ).fetchall()
    totals: dict[int, dict[str, int]] = {}
    for sid, channel, sent in rows:
        totals.setdefault(sid, {})[channel] = sent
    return totals


def allowances(connection: sqlite3.Connection, year: int) -> dict[str, int]:
    """Every service's stored free SMS allowance for one financial year."""
    rows = connection.execute(
        "SELECT service_id, free_sms_fragment_limit FROM annual_billing "
        "WHERE financial_year_start = ?",
        (year,),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def latest_allowances(connection: sqlite3.Connection, calendar_year: int) -> dict[str, int]:
    """Every service's allowance of its latest financial year that starts in `calendar_year`
    or before: what volumes-by-service reports for a range ending in that calendar year.

    The real API ranks each service's annual_billing rows with `financial_year_start <=` the
    end date's calendar year, so a range ending on 31 March 2027 gets FY2027's allowance when
    that row exists, not FY2026's. A service with no such row is left out, as the API's inner
    join leaves it out.
    """
    rows = connection.execute(
        """SELECT service_id, free_sms_fragment_limit FROM (
               SELECT service_id, free_sms_fragment_limit,
                      RANK() OVER (
                          PARTITION BY service_id ORDER BY financial_year_start DESC
                      ) AS latest
               FROM annual_billing WHERE financial_year_start <= ?)
           WHERE latest = 1""",
        (calendar_year,),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def allowance_of(stored: Mapping[str, int], service_row: sqlite3.Row, year: int) -> int:
    """A service's allowance from `allowances()`, or its sector's default for a year with no
    row, as `allowance()` gives it."""
    return stored.get(service_row["id"], default_allowance(service_row["organisation_type"], year))


def allowance(connection: sqlite3.Connection, service_row: sqlite3.Row, year: int) -> int:
    """A service's allowance for a year; a year with no row gets its sector's default, as the
    API sets one up on first request."""
    row = connection.execute(
        "SELECT free_sms_fragment_limit FROM annual_billing "
        "WHERE service_id = ? AND financial_year_start = ?",
        (service_row["id"], year),
    ).fetchone()
    if row is None:
        return default_allowance(service_row["organisation_type"], year)
    return row[0]


def usage_by_stretch(
    connection: sqlite3.Connection,
    stretches: Sequence[tuple[int, int]],
    *,
    service_sid: int | None = None,
    channels: Sequence[str] = CHANNELS,
) -> list[tuple]:
    """(service sid, stretch index, channel, billable notifications, SMS fragments, letter
    sheets) for stretches of days given as (newest, oldest) days ago; one service or all.

    What the API's ft_billing rows hold, summed in SQL so that a year of every service is a
    few thousand rows rather than millions.
    """
    return _sums_by_stretch(
        connection,
        f"SUM({BILLABLE_SQL}), SUM(fragments), SUM(sheets)",
        stretches,
        service_sid,
        channels,
    )


def history_by_stretch(
    connection: sqlite3.Connection,
    stretches: Sequence[tuple[int, int]],
    *,
    service_sid: int | None = None,
    channels: Sequence[str] = CHANNELS,
) -> list[tuple]:
    """`usage_by_stretch`'s rows from the months of history before the daily counts
    (`history.py`): a stretch that covers part of a history row gets that share of it, by
    days, rounded down."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"not channels: {sorted(unknown)}")
    channel_names = ", ".join(f"'{channel}'" for channel in channels)
    one_service = "AND service_sid = :sid" if service_sid is not None else ""
    query = f"""SELECT service_sid, channel,
                       MIN(oldest, :oldest) - MAX(newest, :newest) + 1, oldest - newest + 1,
                       sent, fragments, sheets
                FROM monthly_history
                WHERE newest <= :oldest AND oldest >= :newest
                  AND channel IN ({channel_names}) {one_service}"""
    sums: dict[tuple[int, int, str], list[int]] = {}
    for stretch, (newest, oldest) in enumerate(stretches):
        parameters = {"newest": newest, "oldest": oldest, "sid": service_sid}
        for sid, channel, overlap, days, *counts in connection.execute(query, parameters):
            total = sums.setdefault((sid, stretch, channel), [0, 0, 0])
            for index, count in enumerate(counts):
                total[index] += count if overlap == days else count * overlap // days
    return [(*key, *counts) for key, counts in sums.items()]


def statuses_by_stretch(
    connection: sqlite3.Connection,
    stretches: Sequence[tuple[int, int]],
    *,
    service_sid: int | None = None,
) -> list[tuple]:
    """(service sid, stretch index, channel, *one count per status in STATUSES' order) for
    stretches of days given as (newest, oldest) days ago; one service or all."""
    return _sums_by_stretch(
        connection,
        ", ".join(f"SUM({column})" for column in STATUS_COLUMNS),
        stretches,
        service_sid,
        CHANNELS,
    )


def _sums_by_stretch(
    connection: sqlite3.Connection,
    sums: str,
    stretches: Sequence[tuple[int, int]],
    service_sid: int | None,
    channels: Sequence[str],
) -> list[tuple]:
    """Rows of (service sid, stretch index, channel, *sums), stretches numbered in order.

    One query per stretch: each reads only its days through the primary key, which is several
    times faster than one query that works out every row's stretch.
    """
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"not channels: {sorted(unknown)}")
    # Literal names: with bound ones SQLite's planner seeks per channel and runs 3x slower.
    channel_names = ", ".join(f"'{channel}'" for channel in channels)
    one_service = "AND service_sid = :sid" if service_sid is not None else ""
    query = f"""SELECT service_sid, :stretch, channel, {sums}
                FROM daily_counts
                WHERE days_ago BETWEEN :newest AND :oldest
                  AND channel IN ({channel_names}) {one_service}
                GROUP BY service_sid, channel"""
    rows = []
    for stretch, (newest, oldest) in enumerate(stretches):
        parameters = {"stretch": stretch, "newest": newest, "oldest": oldest, "sid": service_sid}
        rows.extend(connection.execute(query, parameters).fetchall())
    return rows


def data_retention(connection: sqlite3.Connection, service_id: str) -> list[sqlite3.Row]:
    """A service's retention rows with its name, email then sms then letter."""
    return connection.execute(
        """SELECT data_retention.*, services.name AS service_name
           FROM data_retention JOIN services ON services.id = data_retention.service_id
           WHERE data_retention.service_id = ?
           ORDER BY CASE notification_type WHEN 'email' THEN 0 WHEN 'sms' THEN 1 ELSE 2 END""",
        (service_id,),
    ).fetchall()


def reply_to(connection: sqlite3.Connection, service_id: str) -> list[sqlite3.Row]:
    """A service's email reply-to addresses, the default first."""
    return connection.execute(
        "SELECT * FROM reply_to WHERE service_id = ? ORDER BY is_default DESC, created_at",
        (service_id,),
    ).fetchall()


_TEMPLATE_SELECT = """
    SELECT templates.id, templates.service_id, templates.template_type, templates.archived,
           templates.hidden, templates.postage, templates.created_at, templates.created_by,
           templates.updated_at, template_versions.version, template_versions.name,
           template_versions.subject, template_versions.content
    FROM templates JOIN template_versions ON template_versions.template_id = templates.id
"""


def templates(
    connection: sqlite3.Connection, service_id: str, archived_too: bool = False
) -> list[sqlite3.Row]:
    """A service's current templates, not hidden, by name; not archived either unless asked
    (a notification sent from a template archived since still counts in its statistics)."""
    return connection.execute(
        _TEMPLATE_SELECT
        + """ WHERE templates.service_id = ?
            AND template_versions.version = templates.version
            AND (templates.archived = 0 OR ?) AND templates.hidden = 0
            ORDER BY template_versions.name, templates.template_type, templates.id""",
        (service_id, int(archived_too)),
    ).fetchall()


def template(
    connection: sqlite3.Connection, service_id: str, template_id: str
) -> sqlite3.Row | None:
    """One of a service's templates as it is now, or None."""
    return connection.execute(
        _TEMPLATE_SELECT
        + """ WHERE templates.service_id = ? AND templates.id = ?
            AND template_versions.version = templates.version""",
        (service_id, template_id),
    ).fetchone()


def template_versions(
    connection: sqlite3.Connection, service_id: str, template_id: str
) -> list[sqlite3.Row]:
    """Every version of a template with its author, newest first."""
    return connection.execute(
        """SELECT template_versions.*, templates.id, templates.service_id, templates.template_type,
                  templates.archived, templates.hidden, templates.postage,
                  users.name AS author_name, users.email_address AS author_email
           FROM template_versions
           JOIN templates ON templates.id = template_versions.template_id
           LEFT JOIN users ON users.id = template_versions.created_by
           WHERE templates.service_id = ? AND templates.id = ?
           ORDER BY template_versions.version DESC""",
        (service_id, template_id),
    ).fetchall()


def user(connection: sqlite3.Connection, user_id: str) -> sqlite3.Row | None:
    """One user, or None."""
    return connection.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def memberships(connection: sqlite3.Connection, user_id: str) -> list[sqlite3.Row]:
    """A user's active services with their permissions and organisations."""
    return connection.execute(
        """SELECT user_services.service_id, user_services.permissions,
                  services.organisation_id
           FROM user_services JOIN services ON services.id = user_services.service_id
           WHERE user_services.user_id = ? AND services.active = 1
           ORDER BY services.created_at""",
        (user_id,),
    ).fetchall()


def name_taken(connection: sqlite3.Connection, name: str, service_id: str) -> bool:
    """Whether another service already has a name."""
    row = connection.execute(
        "SELECT 1 FROM services WHERE name = ? AND id != ?", (name, service_id)
    ).fetchone()
    return row is not None


SERVICE_COLUMNS = {
    "name",
    "active",
    "restricted",
    "email_message_limit",
    "sms_message_limit",
    "letter_message_limit",
    "international_sms_message_limit",
    "organisation_type",
    "contact_link",
    "permissions",
    "prefix_sms",
    "go_live_at",
    "go_live_user",
}


def update_service(
    connection: sqlite3.Connection, service_id: str, columns: Mapping[str, object]
) -> None:
    """Write changed service columns (booleans as 0/1, permissions as JSON)."""
    unknown = set(columns) - SERVICE_COLUMNS
    if unknown:
        raise ValueError(f"not service columns: {sorted(unknown)}")
    if not columns:
        return
    values = {name: _column_value(value) for name, value in columns.items()}
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    connection.execute(
        f"UPDATE services SET {assignments} WHERE id = :service_id",
        {**values, "service_id": service_id},
    )


def _column_value(value: object) -> object:
    """A Python value as SQLite stores it here."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | tuple):
        return json.dumps(list(value))
    return value


def set_allowance_from(
    connection: sqlite3.Connection, service_id: str, year: int, years_to: int, value: int
) -> None:
    """Set the free allowance for `year` through `years_to`, adding rows that are missing."""
    connection.executemany(
        """INSERT INTO annual_billing (service_id, financial_year_start, free_sms_fragment_limit)
           VALUES (?, ?, ?)
           ON CONFLICT (service_id, financial_year_start)
           DO UPDATE SET free_sms_fragment_limit = excluded.free_sms_fragment_limit""",
        [(service_id, each, value) for each in range(year, max(year, years_to) + 1)],
    )


def newest_allowance_year(connection: sqlite3.Connection, service_id: str) -> int | None:
    """The latest financial year with a stored allowance."""
    return connection.execute(
        "SELECT MAX(financial_year_start) FROM annual_billing WHERE service_id = ?", (service_id,)
    ).fetchone()[0]


def organisations(connection: sqlite3.Connection) -> list[tuple[sqlite3.Row, int]]:
    """Every organisation with its count of live services (active and not restricted, as the
    API's `Organisation.live_services` counts them), by name."""
    rows = connection.execute(
        """SELECT organisations.*,
                  (SELECT COUNT(*) FROM services
                   WHERE services.organisation_id = organisations.id
                     AND services.active = 1 AND services.restricted = 0) AS live
           FROM organisations ORDER BY organisations.name"""
    ).fetchall()
    return [(row, row["live"]) for row in rows]


def organisation_services(
    connection: sqlite3.Connection, organisation_id: str
) -> list[sqlite3.Row]:
    """An organisation's services that are not in trial mode, active or not (the API's
    `get_organisation_live_services_and_their_free_allowance`)."""
    return connection.execute(
        _SERVICE_SELECT + " WHERE services.organisation_id = ? AND services.restricted = 0",
        (organisation_id,),
    ).fetchall()


def organisation(connection: sqlite3.Connection, organisation_id: str) -> sqlite3.Row:
    """One organisation with its count of live services (active and not restricted, as
    `organisations` counts them)."""
    return connection.execute(
        """SELECT organisations.*,
                  (SELECT COUNT(*) FROM services WHERE services.organisation_id = organisations.id
                     AND active = 1 AND restricted = 0) AS live_services
           FROM organisations WHERE id = ?""",
        (organisation_id,),
    ).fetchone()
