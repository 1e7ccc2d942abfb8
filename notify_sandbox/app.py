"""The Flask app: the Notify API's routes, auth and error bodies over the sandbox database.

Every route but /_status, /_sandbox/* and the public API's /v2/notifications (which take a
service API key, see `sending.py`) needs an admin token. Errors come back as the
API's JSON bodies and never as a traceback: 404 "No result found" for unknown objects and
malformed ids, 400 with field messages for bad updates and bad dates, 500 "Internal server
error" for anything unexpected (such as `limit_days=abc`, or a report without its dates, which
the real API fails on too).

`/_sandbox/no-allowance-row` (not in the real API) makes a service have no annual_billing row,
as a live service whose row was never made: volumes-by-service then leaves it out, as the API's
inner join does, and the other platform-wide answers give its sector's default (the service's
own free-sms-fragment-limit still gives its row).

Every request is counted by route (read at /_sandbox/requests), and with `latency="real"` each
answer takes at least the real API's median for its endpoint (see `real_latency.py`); with
`latency="platform"`, what it costs on a platform of 2,000 services, scaled by the services
this sandbox holds (see `platform_latency.py`).
"""

import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, NotFound

from notify_sandbox import platform_latency, queries, real_latency, serialize
from notify_sandbox.auth import AuthError, check_admin_token
from notify_sandbox.billing import (
    Usage,
    UsageLine,
    charges,
    monthly_usage,
    usage_lines,
    volumes,
    yearly_usage,
)
from notify_sandbox.clock import Timeline, london_today, month_stretches, utc_now
from notify_sandbox.database import anchor_of, connect
from notify_sandbox.facts import (
    CHANNELS,
    STATUSES,
    default_allowance,
    financial_year_dates,
    financial_year_of,
)
from notify_sandbox.history import history_start
from notify_sandbox.request_counts import RequestCounts, route_key
from notify_sandbox.sending import SendFaults, send_faults, v2
from notify_sandbox.template_split import split_by_template
from notify_sandbox.validation import update_errors
from notify_sandbox.volumes import DAYS_KEPT

#: Endpoints that answer without a token: the health check and the request counts.
OPEN_ENDPOINTS = {
    "sandbox.status",
    "sandbox.get_request_counts",
    "sandbox.reset_request_counts",
    "sandbox.add_send_faults",
    "sandbox.clear_send_faults",
    "sandbox.remove_allowance_row",
    "sandbox.restore_allowance_rows",
}
API_KEY_TYPES = ("normal", "team", "test")
NOT_FOUND_BODY = {"message": "No result found", "result": "error"}
SERVER_ERROR_BODY = {"message": "Internal server error", "result": "error"}

api = Blueprint("sandbox", __name__)


@dataclass(frozen=True)
class SandboxState:
    """What the routes need to know beyond the request."""

    database_path: Path
    client_id: str
    client_secret: str
    anchor: date
    today: Callable[[], date]
    latency: str
    counts: RequestCounts
    services: int
    latency_scale: float


class BadRequest(Exception):
    """A 400 with the API's body: a message, or messages by field."""

    def __init__(self, message: str | dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message


class InvalidArguments(Exception):
    """A 400 from the API's schema check of query arguments, with its list of errors."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages

    def body(self) -> dict:
        """The API's body for a failed schema check."""
        errors = [{"error": "ValidationError", "message": message} for message in self.messages]
        return {"status_code": 400, "errors": errors}


def create_app(
    database_path: Path,
    client_id: str,
    client_secret: str,
    *,
    today: Callable[[], date] = london_today,
    latency: str = "off",
    latency_scale: float = 1.0,
) -> Flask:
    """The sandbox API over a built database; `today` may be fixed for tests, and `latency`
    "real" makes each answer as slow as the real API's, "platform" as slow as it is at the
    platform's size (scaled by the services in the database); `latency_scale` multiplies every
    delay (a benchmark that compresses a day into minutes divides them by its compression)."""
    if latency not in real_latency.LATENCIES:
        raise ValueError(f"latency must be one of {real_latency.LATENCIES}, not {latency!r}")
    with closing(connect(database_path)) as connection:
        anchor = anchor_of(connection)
        services = connection.execute("SELECT COUNT(*) FROM services").fetchone()[0]
    app = Flask(__name__)
    app.extensions["sandbox"] = SandboxState(
        database_path,
        client_id,
        client_secret,
        anchor,
        today,
        latency,
        RequestCounts(),
        services,
        latency_scale,
    )
    # Before the blueprint's token check, so that refused requests are counted too.
    app.before_request(_count_request)
    app.after_request(_take_real_time)
    app.extensions["sandbox-send-faults"] = SendFaults()
    app.extensions["sandbox-no-allowance-row"] = set()
    app.register_blueprint(api)
    app.register_blueprint(v2)
    app.register_error_handler(AuthError, _auth_failed)
    app.register_error_handler(BadRequest, _bad_request)
    app.register_error_handler(InvalidArguments, _invalid_arguments)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    app.teardown_appcontext(_close_connection)
    return app


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def request_counts(app: Flask) -> RequestCounts:
    """The requests an app has served, by route."""
    return app.extensions["sandbox"].counts


def _count_request() -> None:
    g.started = time.perf_counter()
    if request.endpoint not in OPEN_ENDPOINTS:
        _state().counts.add(route_key(request.method, request.url_rule))


def _take_real_time(response: Response) -> Response:
    """With real or platform latency, hold a successful answer until what the real API takes
    for it has passed."""
    state = _state()
    if state.latency == "off" or response.status_code >= 400 or request.url_rule is None:
        return response
    view = str(request.endpoint).rpartition(".")[2]
    today = state.today()
    year = financial_year_of(today)
    if state.latency == "platform":
        seconds = platform_latency.platform_seconds(
            request.url_rule.rule, view, request.args, state.services, today, year
        )
    else:
        seconds = real_latency.median_seconds(view, request.args, year)
    remaining = seconds * state.latency_scale - (time.perf_counter() - g.started)
    if remaining > 0:
        time.sleep(remaining)
    return response


def _db() -> sqlite3.Connection:
    """This request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(_state().database_path)
    return g.db


def _close_connection(_error: BaseException | None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def _timeline() -> Timeline:
    if "timeline" not in g:
        g.timeline = Timeline(_state().anchor, _state().today())
    return g.timeline


def _auth_failed(error: AuthError) -> ResponseReturnValue:
    return jsonify(error.body()), error.status


def _bad_request(error: BadRequest) -> ResponseReturnValue:
    return jsonify(result="error", message=error.message), 400


def _invalid_arguments(error: InvalidArguments) -> ResponseReturnValue:
    return jsonify(error.body()), 400


def _http_error(error: HTTPException) -> ResponseReturnValue:
    if error.code is not None and error.code < 400:
        return error
    if isinstance(error, NotFound):
        return jsonify(NOT_FOUND_BODY), 404
    return jsonify(result="error", message=error.description), error.code


def _server_error(error: Exception) -> ResponseReturnValue:
    current_app.logger.exception("Unhandled error", exc_info=error)
    return jsonify(SERVER_ERROR_BODY), 500


@api.before_app_request
def _require_admin_token() -> None:
    if request.endpoint in OPEN_ENDPOINTS or request.blueprint == v2.name:
        return
    state = _state()
    check_admin_token(request.headers.get("Authorization"), state.client_id, state.client_secret)


def _service_row(service_id: UUID) -> sqlite3.Row:
    row = queries.service(_db(), str(service_id))
    if row is None:
        raise NotFound()
    return row


@api.get("/_status")
def status() -> ResponseReturnValue:
    """Unauthenticated health check, so scripts can wait for the sandbox to start."""
    return jsonify(status="ok")


@api.get("/_sandbox/requests")
def get_request_counts() -> ResponseReturnValue:
    """Unauthenticated: the requests served so far by route, for counting a page's API calls."""
    return jsonify(requests=_state().counts.snapshot())


@api.delete("/_sandbox/requests")
def reset_request_counts() -> ResponseReturnValue:
    """Unauthenticated: start counting requests from zero."""
    _state().counts.reset()
    return jsonify(requests={})


@api.post("/_sandbox/send-faults")
def add_send_faults() -> ResponseReturnValue:
    """Unauthenticated: the next `count` sends answer `status` (500, 503 or a RateLimitError
    429) instead of sending, as an outage of the real API would."""
    body = request.get_json(silent=True) or {}
    status, count = body.get("status"), body.get("count", 1)
    if status not in (429, 500, 502, 503) or not isinstance(count, int) or count < 0:
        raise BadRequest("status must be 429, 500, 502 or 503 and count a whole number")
    send_faults().add(status, count)
    return jsonify(pending=send_faults().pending())


@api.delete("/_sandbox/send-faults")
def clear_send_faults() -> ResponseReturnValue:
    """Unauthenticated: sends go through again."""
    send_faults().clear()
    return jsonify(pending=0)


@api.post("/_sandbox/no-allowance-row")
def remove_allowance_row() -> ResponseReturnValue:
    """Unauthenticated: from now on the service has no annual_billing row (`service_id`)."""
    body = request.get_json(silent=True) or {}
    service_id = body.get("service_id")
    if not isinstance(service_id, str) or queries.service(_db(), service_id) is None:
        raise BadRequest("service_id must be the id of a service")
    _no_allowance_row().add(service_id)
    return jsonify(services=sorted(_no_allowance_row()))


@api.delete("/_sandbox/no-allowance-row")
def restore_allowance_rows() -> ResponseReturnValue:
    """Unauthenticated: every service has its annual_billing rows again."""
    _no_allowance_row().clear()
    return jsonify(services=[])


def _no_allowance_row() -> set[str]:
    """The services `/_sandbox/no-allowance-row` has taken the allowance rows of."""
    return current_app.extensions["sandbox-no-allowance-row"]


def _with_rows(allowances: dict[str, int]) -> dict[str, int]:
    """Stored allowances by service id, without those of the services with no row."""
    removed = _no_allowance_row()
    return {
        service_id: value for service_id, value in allowances.items() if service_id not in removed
    }


@api.post("/service/<uuid:service_id>/api-key")
def create_api_key(service_id: UUID) -> ResponseReturnValue:
    """A new API key for a service; the answer is its secret, shown only this once."""
    row = _service_row(service_id)
    body = request.get_json(silent=True) or {}
    errors = {
        field: ["Missing data for required field."]
        for field in ("name", "key_type", "created_by")
        if not body.get(field)
    }
    if not errors and body["key_type"] not in API_KEY_TYPES:
        errors = {"key_type": [f"Invalid key type: {body['key_type']}"]}
    if errors:
        raise BadRequest(errors)
    secret = str(uuid.uuid4())
    connection = _db()
    connection.execute(
        "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
        (
            str(uuid.uuid4()),
            row["id"],
            body["name"],
            secret,
            body["key_type"],
            _timeline().to_stored(utc_now()),
        ),
    )
    connection.commit()
    return jsonify(data=secret), 201


@api.get("/service")
def get_services() -> ResponseReturnValue:
    """Every service; with detailed=True, each with its statistics for a date range."""
    only_active = request.args.get("only_active") == "True"
    today_utc = str(utc_now().date())
    start = datetime.strptime(request.args.get("start_date", today_utc), "%Y-%m-%d").date()
    end = datetime.strptime(request.args.get("end_date", today_utc), "%Y-%m-%d").date()
    user_id = request.args.get("user_id")
    timeline = _timeline()
    rows = queries.services(_db(), only_active=only_active, user_id=user_id)
    if request.args.get("detailed") == "True" and user_id is None:
        counts = queries.statistics_by_service(
            _db(), timeline.days_ago(start), timeline.days_ago(end)
        )
        ordered = sorted(rows, key=lambda row: (row["name"], row["id"]))
        return jsonify(
            data=[
                serialize.detailed_service(row, counts.get(row["sid"], {}), timeline)
                for row in ordered
            ]
        )
    return jsonify(data=[serialize.service(row, timeline) for row in rows])


@api.get("/service/live-services-data")
def get_live_services_data() -> ResponseReturnValue:
    """Live services with this financial year's notifications sent and free allowance."""
    timeline = _timeline()
    year = financial_year_of(timeline.today)
    oldest = timeline.days_ago(date(year, 4, 1))
    sent = queries.sent_by_service(_db(), oldest)
    allowances = _with_rows(queries.allowances(_db(), year))
    return jsonify(
        data=[
            serialize.live_service(
                row,
                sent.get(row["sid"], {}),
                queries.allowance_of(allowances, row, year),
                timeline,
            )
            for row in queries.live_services(_db())
        ]
    )


@api.get("/service/<uuid:service_id>")
def get_service(service_id: UUID) -> ResponseReturnValue:
    """One service."""
    return jsonify(data=serialize.service(_service_row(service_id), _timeline()))


@api.post("/service/<uuid:service_id>")
def update_service(service_id: UUID) -> ResponseReturnValue:
    """Change allowed attributes; the free allowance follows organisation_type and
    free_sms_fragment_limit for this financial year and any later ones stored."""
    row = _service_row(service_id)
    body = request.get_json(silent=True)
    errors = update_errors(body)
    if not errors and "name" in body and queries.name_taken(_db(), body["name"], row["id"]):
        errors = {"name": [f"Duplicate service name '{body['name']}'"]}
    if errors:
        raise BadRequest(errors)
    columns = {field: value for field, value in body.items() if field in queries.SERVICE_COLUMNS}
    timeline = _timeline()
    if row["restricted"] and body.get("restricted") is False and row["go_live_at"] is None:
        columns.update(go_live_at=timeline.to_stored(utc_now()), go_live_user=row["created_by"])
    connection = _db()
    queries.update_service(connection, row["id"], columns)
    year = financial_year_of(timeline.today)
    last_year = max(year, queries.newest_allowance_year(connection, row["id"]) or year)
    if "organisation_type" in body:
        for each in range(year, last_year + 1):
            queries.set_allowance_from(
                connection,
                row["id"],
                each,
                each,
                default_allowance(body["organisation_type"], each),
            )
    if "free_sms_fragment_limit" in body:
        queries.set_allowance_from(
            connection, row["id"], year, last_year, body["free_sms_fragment_limit"]
        )
    connection.commit()
    return jsonify(data=serialize.service(queries.service(connection, row["id"]), timeline))


@api.get("/service/<uuid:service_id>/statistics")
def get_statistics(service_id: UUID) -> ResponseReturnValue:
    """Counts by channel for today only, or today and `limit_days` days before it.

    Like the API, limit_days goes through int() even when today_only is set, and today is
    always in the window.
    """
    today_only = request.args.get("today_only") == "True"
    limit_days = int(request.args.get("limit_days", 7))
    oldest = 0 if today_only else max(0, limit_days)
    counts = queries.statistics(_db(), str(service_id), oldest)
    return jsonify(data=serialize.statistics(counts))


@api.get("/service/<uuid:service_id>/data-retention")
def get_data_retention(service_id: UUID) -> ResponseReturnValue:
    """A bare list of a service's retention settings."""
    timeline = _timeline()
    return jsonify(
        [
            serialize.data_retention(row, timeline)
            for row in queries.data_retention(_db(), str(service_id))
        ]
    )


@api.get("/service/<uuid:service_id>/billing/free-sms-fragment-limit")
def get_free_sms_fragment_limit(service_id: UUID) -> ResponseReturnValue:
    """A bare object: the allowance for a financial year, this one by default."""
    year_text = request.args.get("financial_year_start")
    year = int(year_text) if year_text else financial_year_of(_timeline().today)
    row = _service_row(service_id)
    return jsonify(
        financial_year_start=year, free_sms_fragment_limit=queries.allowance(_db(), row, year)
    )


def _year_argument() -> int:
    """The `year` query argument, or the API's 400."""
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        raise BadRequest("No valid year provided") from None
    if not 1 <= year <= 9998:
        raise BadRequest("No valid year provided")
    return year


def _usages(
    stretches: list[tuple[date, date]],
    *,
    service_sid: int | None = None,
    channels: tuple[str, ...] = CHANNELS,
) -> dict[int, list[Usage]]:
    """What each service (or one) sent in each stretch of days, by service sid: the daily
    counts, and the months of history before them (`history.py`)."""
    timeline = _timeline()
    days_ago = [(timeline.days_ago(last), timeline.days_ago(first)) for first, last in stretches]
    rows = [
        *queries.usage_by_stretch(_db(), days_ago, service_sid=service_sid, channels=channels),
        *queries.history_by_stretch(_db(), days_ago, service_sid=service_sid, channels=channels),
    ]
    sums: dict[tuple[int, int, str], tuple[int, int, int]] = {}
    for sid, index, channel, sent, fragments, sheets in rows:
        before = sums.get((sid, index, channel), (0, 0, 0))
        sums[sid, index, channel] = (before[0] + sent, before[1] + fragments, before[2] + sheets)
    by_service: dict[int, list[Usage]] = {}
    for (sid, index, channel), (sent, fragments, sheets) in sums.items():
        usage = Usage(stretches[index][0], channel, sent, fragments, sheets)
        by_service.setdefault(sid, []).append(usage)
    return by_service


def _stored_months(first: date, last: date) -> list[tuple[date, date]]:
    """The month stretches of a range that the file can hold data for (its months of history
    and the days it keeps, up to today), so that however long a range is asked for, only
    those are read."""
    timeline = _timeline()
    kept = (timeline.anchor - history_start(timeline.anchor)).days
    return month_stretches(
        max(first, timeline.today - timedelta(days=kept)), min(last, timeline.today)
    )


def _usage(service_id: UUID, year: int) -> list[UsageLine]:
    """A financial year's usage lines for a service so far; none for an unknown one."""
    row = queries.service(_db(), str(service_id))
    stretches = _stored_months(*financial_year_dates(year))
    if row is None or not stretches:
        return []
    usages = _usages(stretches, service_sid=row["sid"]).get(row["sid"], [])
    return usage_lines(usages, queries.allowance(_db(), row, year), row["letter_postage"])


@api.get("/service/<uuid:service_id>/billing/yearly-usage-summary")
def get_yearly_usage(service_id: UUID) -> ResponseReturnValue:
    """A bare list: the year's usage by channel and rate."""
    year = _year_argument()
    return jsonify(yearly_usage(_usage(service_id, year)))


@api.get("/service/<uuid:service_id>/billing/monthly-usage")
def get_monthly_usage(service_id: UUID) -> ResponseReturnValue:
    """A bare list: the year's SMS and letter usage by month."""
    year = _year_argument()
    return jsonify(monthly_usage(_usage(service_id, year)))


@api.get("/service/<uuid:service_id>/notifications/monthly")
def get_monthly_notification_statuses(service_id: UUID) -> ResponseReturnValue:
    """Counts by channel and status for each month of a financial year so far."""
    row = _service_row(service_id)
    try:
        year = int(request.args.get("year", "NaN"))
    except ValueError:
        raise BadRequest("Year must be a number") from None
    first, last = financial_year_dates(year)
    timeline = _timeline()
    months = month_stretches(first, min(last, timeline.today))
    rows = queries.statuses_by_stretch(
        _db(),
        [(timeline.days_ago(end), timeline.days_ago(start)) for start, end in months],
        service_sid=row["sid"],
    )
    return jsonify(data=serialize.monthly_statuses([start for start, _ in months], rows))


def _is_date(text: str) -> bool:
    """Whether text is a YYYY-MM-DD date, as the API's schema checks its arguments."""
    try:
        return len(text) == 10 and date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


@api.get("/platform-stats")
def get_platform_stats() -> ResponseReturnValue:
    """Every service's notifications by channel for a date range, today by default."""
    messages = [
        f"{name} {request.args[name]} is not a date"
        for name in ("start_date", "end_date")
        if name in request.args and not _is_date(request.args[name])
    ]
    if messages:
        raise InvalidArguments(messages)
    today_utc = str(utc_now().date())
    start = date.fromisoformat(request.args.get("start_date", today_utc))
    end = date.fromisoformat(request.args.get("end_date", today_utc))
    timeline = _timeline()
    rows = queries.statuses_by_stretch(_db(), [(timeline.days_ago(end), timeline.days_ago(start))])
    return jsonify(serialize.platform_totals(rows))


def _report_date(name: str) -> date:
    """A report's date argument, or the API's 400. Like the API, a missing one is a 500."""
    try:
        return datetime.strptime(request.args.get(name), "%Y-%m-%d").date()
    except ValueError:
        raise BadRequest("Input must be a date in the format: YYYY-MM-DD") from None


@api.get("/platform-stats/volumes-by-service")
def get_volumes_by_service() -> ResponseReturnValue:
    """Every live service's totals for a date range, used or not, with the free allowance of
    its latest financial year starting in the end date's calendar year or before (the API's
    rule: a range ending on 31 March 2027 gets FY2027's). An end before the start gives zeros,
    as in the API."""
    start, end = _report_date("start_date"), _report_date("end_date")
    usages = _usages(_stored_months(start, end))
    latest = _with_rows(queries.latest_allowances(_db(), end.year))
    entries = []
    for row in queries.live_services(_db()):
        if row["id"] not in latest:
            continue
        allowance = latest[row["id"]]
        lines = usage_lines(usages.get(row["sid"], []), allowance, row["letter_postage"])
        entries.append(serialize.service_volumes(row, allowance, volumes(lines)))
    return jsonify(sorted(entries, key=serialize.by_organisation))


@api.get("/platform-stats/data-for-billing-report")
def get_data_for_billing_report() -> ResponseReturnValue:
    """Every service charged for texts, or sending letters, in a date range inside one
    financial year; the allowance is used up from April, before the range too."""
    start, end = _report_date("start_date"), _report_date("end_date")
    if end < start:
        raise BadRequest("Start date must be before end date")
    year = financial_year_of(start)
    if financial_year_of(end) != year:
        raise BadRequest("Date must be in a single financial year.")
    year_start, _ = financial_year_dates(year)
    before = _stored_months(year_start, start - timedelta(days=1))
    usages = _usages(before + _stored_months(start, end), channels=("sms", "letter"))
    stored = _with_rows(queries.allowances(_db(), year))
    entries = []
    for row in queries.services(_db()):
        if row["sid"] not in usages:
            continue
        allowance = queries.allowance_of(stored, row, year)
        lines = usage_lines(usages[row["sid"]], allowance, row["letter_postage"])
        charged = charges(lines, start)
        if charged.billed:
            entries.append(serialize.billing_report_entry(row, charged))
    return jsonify(sorted(entries, key=serialize.by_organisation))


@api.get("/organisations")
def get_organisations() -> ResponseReturnValue:
    """A bare list of every organisation, active first then by name, as the API lists them."""
    return jsonify(
        [serialize.organisation_for_list(row, live) for row, live in queries.organisations(_db())]
    )


@api.get("/organisations/<uuid:organisation_id>/services-with-usage")
def get_organisation_services_usage(organisation_id: UUID) -> ResponseReturnValue:
    """An organisation's services out of trial mode, active first then by name (case aside),
    with the year's texts, letter cost and emails; `updated_at` is null, as the API's is
    until its hourly billing task has run."""
    year = _year_argument()
    stretches = _stored_months(*financial_year_dates(year))
    stored = _with_rows(queries.allowances(_db(), year))
    entries = []
    for row in queries.organisation_services(_db(), str(organisation_id)):
        allowance = stored.get(row["id"], 0)  # no row for the year: 0, as the API's outer join
        usages = _usages(stretches, service_sid=row["sid"]).get(row["sid"], []) if stretches else []
        lines = usage_lines(usages, allowance, row["letter_postage"])
        entries.append(serialize.organisation_service_usage(row, allowance, lines))
    entries.sort(key=lambda entry: (not entry["active"], entry["service_name"].lower()))
    return jsonify(services=entries, updated_at=None)


@api.get("/service/<uuid:service_id>/email-reply-to")
def get_reply_to(service_id: UUID) -> ResponseReturnValue:
    """A bare list of a service's reply-to addresses."""
    timeline = _timeline()
    return jsonify(
        [serialize.reply_to(row, timeline) for row in queries.reply_to(_db(), str(service_id))]
    )


@api.get("/service/<uuid:service_id>/template")
def get_templates(service_id: UUID) -> ResponseReturnValue:
    """A service's current templates."""
    return jsonify(
        data=[serialize.template_summary(row) for row in queries.templates(_db(), str(service_id))]
    )


@api.get("/service/<uuid:service_id>/template/<uuid:template_id>")
def get_template(service_id: UUID, template_id: UUID) -> ResponseReturnValue:
    """One template as it is now."""
    row = queries.template(_db(), str(service_id), str(template_id))
    if row is None:
        raise NotFound()
    return jsonify(data=serialize.template(row, _timeline()))


@api.get("/service/<uuid:service_id>/template/<uuid:template_id>/version/<int:version>")
def get_template_version(service_id: UUID, template_id: UUID, version: int) -> ResponseReturnValue:
    """One version of a template."""
    rows = queries.template_versions(_db(), str(service_id), str(template_id))
    chosen = [row for row in rows if row["version"] == version]
    if not chosen:
        raise NotFound()
    return jsonify(data=serialize.template_version(chosen[0], _timeline()))


@api.get("/service/<uuid:service_id>/template/<uuid:template_id>/versions")
def get_template_versions(service_id: UUID, template_id: UUID) -> ResponseReturnValue:
    """Every version of a template, newest first."""
    timeline = _timeline()
    return jsonify(
        data=[
            serialize.template_version(row, timeline)
            for row in queries.template_versions(_db(), str(service_id), str(template_id))
        ]
    )


@api.get("/service/<uuid:service_id>/organisation")
def get_service_organisation(service_id: UUID) -> ResponseReturnValue:
    """The service's organisation, whole; `{}` when it has none, 404 for an unknown service."""
    row = _service_row(service_id)
    if row["organisation_id"] is None:
        return jsonify({})
    organisation = queries.organisation(_db(), row["organisation_id"])
    return jsonify(serialize.service_organisation(organisation))


def _counts_by_template(
    service_id: UUID, stretches: list[tuple[date, date]]
) -> list[tuple[int, sqlite3.Row, dict[str, int]]]:
    """(stretch index, template, counts by status) for a service's stretches of days: each
    channel's counts shared among its templates (`template_split`); none for an unknown one."""
    row = queries.service(_db(), str(service_id))
    if row is None or not stretches:
        return []
    timeline = _timeline()
    templates = queries.templates(_db(), str(service_id), archived_too=True)
    found = queries.statuses_by_stretch(
        _db(),
        [(timeline.days_ago(last), timeline.days_ago(first)) for first, last in stretches],
        service_sid=row["sid"],
    )
    result = []
    for _sid, index, channel, *counts in found:
        chosen = [template for template in templates if template["template_type"] == channel]
        by_status = dict(zip(STATUSES, counts, strict=True))
        split = split_by_template([template["id"] for template in chosen], by_status)
        result.extend((index, template, split[template["id"]]) for template in chosen)
    return result


@api.get("/service/<uuid:service_id>/template-statistics")
def get_template_statistics(service_id: UUID) -> ResponseReturnValue:
    """Today and `whole_days` (0 to 7; `limit_days` is its old name) days before, by template
    and status, as the API answers it: a 400 outside 0 to 7 or for a number that is not one."""
    given = request.args.get("whole_days", request.args.get("limit_days", ""))
    try:
        whole_days = int(given)
    except ValueError:
        raise BadRequest({"whole_days": [f"{given} is not an integer"]}) from None
    if whole_days < 0 or whole_days > 7:
        raise BadRequest({"whole_days": ["whole_days must be between 0 and 7"]})
    today = _timeline().today
    rows = _counts_by_template(service_id, [(today - timedelta(days=whole_days), today)])
    return jsonify(data=serialize.template_statistics(rows))


@api.get("/service/<uuid:service_id>/notifications/templates_usage/monthly")
def get_monthly_template_usage(service_id: UUID) -> ResponseReturnValue:
    """Each template's notifications (all but cancelled) by month of a financial year so far.

    As in the real API, a year whose dates cannot be held (0, 9999) is the same 400 as one that
    is not a number: both are a ValueError inside its try (`notifications/monthly` reads the
    dates outside it, so there they are a 500)."""
    try:
        first, last = financial_year_dates(int(request.args.get("year", "NaN")))
    except ValueError:
        raise BadRequest("Year must be a number") from None
    months = month_stretches(first, min(last, _timeline().today))
    rows = _counts_by_template(service_id, months)
    return jsonify(stats=serialize.template_usage([start for start, _ in months], rows))


@api.get("/platform-stats/daily-volumes-report")
def get_daily_volumes_report() -> ResponseReturnValue:
    """The platform's billable notifications by day, one row per day with any (the days the
    file keeps day by day: its older months of history are monthly)."""
    start, end = _report_date("start_date"), _report_date("end_date")
    today = _timeline().today
    days = []
    day = max(start, today - timedelta(days=DAYS_KEPT - 1))
    while day <= min(end, today):
        days.append((day, day))
        day += timedelta(days=1)
    usages = _usages(days)
    return jsonify(serialize.daily_volumes([first for first, _ in days], usages.values()))


@api.get("/user/<uuid:user_id>")
def get_user(user_id: UUID) -> ResponseReturnValue:
    """One user with their services."""
    row = queries.user(_db(), str(user_id))
    if row is None:
        raise NotFound()
    memberships = queries.memberships(_db(), str(user_id))
    return jsonify(data=serialize.user(row, memberships, _timeline()))
