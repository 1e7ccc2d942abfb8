"""The public API's sending endpoints, for the dashboard's alerts: POST /v2/notifications/email
and /sms, GET /v2/notifications/<id> and GET /v2/notifications?reference=.

They take a service API key, not the admin's: the token's `iss` is the service id and it is
signed with one of that service's key secrets (`api_keys`). Checks run in the real API's
order (rate and daily limits, then the body's schema, permissions, the template and its
personalisation, then trial mode's recipients) and refuse with its v2 bodies
`{"status_code", "errors": [{"error", "message"}]}`. What is accepted is stored
(`notifications`) and, unless sent with a test key, counted in today's statistics.

`/_sandbox/send-faults` (not in the real API) makes the next sends fail with a 500 or a
RateLimitError 429, so that a sender's retries can be tested against real HTTP.
"""

import json
import re
import sqlite3
import threading
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import (
    TokenAlgorithmError,
    TokenDecodeError,
    TokenError,
    TokenExpiredError,
    TokenIssuerError,
)

from notify_sandbox import queries
from notify_sandbox.auth import CLOCK_MESSAGE, GENERAL_TOKEN_MESSAGE
from notify_sandbox.database import connect
from notify_sandbox.recipients import email_error, phone_error, same_recipient

v2 = Blueprint("v2", __name__)

API_PAGE_SIZE = 250
SMS_CHARACTER_LIMIT = 918
#: How long a message sent with a live or team key stays "sending" before it is "delivered".
SENDING_SECONDS = 2
TRIAL_MESSAGE = (
    "Can’t send to this recipient when service is in trial mode "
    "– see https://www.notifications.service.gov.uk/trial-mode"
)
TEAM_KEY_MESSAGE = "Can’t send to this recipient using a team-only API key"
RECIPIENT_FIELDS = {"email": "email_address", "sms": "phone_number"}
_OPTIONAL_FIELDS = {
    "email": {"personalisation", "reference", "email_reply_to_id", "scheduled_for"},
    "sms": {"personalisation", "reference", "sms_sender_id", "scheduled_for"},
}
_PLACEHOLDER = re.compile(r"\(\(([^()?]+)(?:\?\?[^()]*)?\)\)")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class V2Error(Exception):
    """A refusal in the public API's shape."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message

    def body(self) -> dict:
        return {
            "status_code": self.status,
            "errors": [{"error": self.error, "message": self.message}],
        }


class SendFaults:
    """Statuses the next sends answer with instead of sending (a test's outage)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[int] = deque()

    def add(self, status: int, count: int) -> None:
        with self._lock:
            self._queue.extend([status] * count)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(self) -> int | None:
        """The next fault's status, or None when sends should go through."""
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)


def send_faults() -> SendFaults:
    """This app's fault queue."""
    return current_app.extensions["sandbox-send-faults"]


def _db() -> sqlite3.Connection:
    """The request's connection (the app closes it at teardown)."""
    if "db" not in g:
        g.db = connect(current_app.extensions["sandbox"].database_path)
    return g.db


@v2.errorhandler(V2Error)
def _refused(error: V2Error) -> ResponseReturnValue:
    return jsonify(error.body()), error.status


def _auth_error(message: str, status: int = 403) -> V2Error:
    return V2Error(status, "AuthError", message)


@v2.before_request
def _authenticate() -> None:
    """The real API's service key check: which service, and which of its keys signed."""
    header = request.headers.get("Authorization")
    if not header:
        raise _auth_error("Unauthorized: authentication token must be provided", 401)
    if header[:7].title() != "Bearer ":
        raise _auth_error("Unauthorized: authentication bearer scheme must be used", 401)
    token = header[7:]
    try:
        issuer = get_token_issuer(token)
    except TokenIssuerError as error:
        raise _auth_error("Invalid token: iss field not provided") from error
    except TokenDecodeError as error:
        raise _auth_error(GENERAL_TOKEN_MESSAGE) from error
    if not _UUID.match(issuer):
        raise _auth_error("Invalid token: service id is not the right data type")
    service = queries.service(_db(), issuer.lower())
    if service is None:
        raise _auth_error("Invalid token: service not found")
    keys = (
        _db()
        .execute(
            "SELECT * FROM api_keys WHERE service_id = ? AND expiry_date IS NULL", (service["id"],)
        )
        .fetchall()
    )
    if not keys:
        raise _auth_error("Invalid token: service has no API keys")
    if not service["active"]:
        raise _auth_error("Invalid token: service is archived")
    for key in keys:
        try:
            decode_jwt_token(token, key["secret"])
        except TokenExpiredError as error:
            raise _auth_error(CLOCK_MESSAGE) from error
        except TokenAlgorithmError as error:
            raise _auth_error("Invalid token: algorithm used is not HS256") from error
        except TokenDecodeError:
            continue
        except TokenError as error:
            raise _auth_error(GENERAL_TOKEN_MESSAGE) from error
        g.service, g.api_key = service, key
        return
    raise _auth_error("Invalid token: API key not found")


def _check_limits(channel: str) -> None:
    """A test's injected fault first; then, for live and team keys, today's daily limit."""
    fault = send_faults().take()
    if fault == 429:
        key_type = "live" if g.api_key["key_type"] == "normal" else g.api_key["key_type"]
        raise V2Error(
            429,
            "RateLimitError",
            f"Exceeded rate limit for key type {key_type.upper()} of 3000 requests per 60 seconds",
        )
    if fault is not None:
        raise V2Error(fault, "Exception", "Internal server error")
    if g.api_key["key_type"] == "test":
        return
    limit = g.service[f"{channel}_message_limit"]
    sent_today = queries.statistics(_db(), g.service["id"], 0)[channel].requested
    if sent_today + 1 > limit:
        raise V2Error(
            429, "TooManyRequestsError", f"Exceeded send limits ({channel}: {limit}) for today"
        )


def _schema_errors(body: Any, channel: str) -> list[str]:
    """The messages of the API's JSON schema check of a send's body."""
    if not isinstance(body, dict):
        return ["Invalid JSON supplied in POST data"]
    recipient = RECIPIENT_FIELDS[channel]
    allowed = {recipient, "template_id", *_OPTIONAL_FIELDS[channel]}
    errors = [
        f"Additional properties are not allowed ({name} was unexpected)"
        for name in sorted(set(body) - allowed)
    ]
    for field in (recipient, "template_id"):
        if field not in body:
            errors.append(f"{field} is a required property")
    template_id = body.get("template_id")
    if "template_id" in body and not (isinstance(template_id, str) and _UUID.match(template_id)):
        errors.append("template_id is not a valid UUID")
    if "personalisation" in body and not isinstance(body["personalisation"], dict):
        errors.append(f"personalisation {body['personalisation']!r} is not of type object")
    if "reference" in body and not isinstance(body["reference"], str | None):
        errors.append(f"reference {body['reference']!r} is not of type string, null")
    to = body.get(recipient)
    if recipient in body:
        if not isinstance(to, str):
            errors.append(f"{recipient} {to!r} is not of type string")
        else:
            problem = (
                email_error(to)
                if channel == "email"
                else phone_error(to, international="international_sms" in _permissions())
            )
            if problem:
                errors.append(f"{recipient} {problem}")
    return errors


def _permissions() -> set[str]:
    return set(json.loads(g.service["permissions"]))


def _bad_request(message: str) -> V2Error:
    return V2Error(400, "BadRequestError", message)


def _rendered(text: str, personalisation: dict[str, Any], channel: str) -> str:
    """A template's text with its placeholders filled; a list is a bulleted list in an email
    and one line in a text message, as Notify renders them."""
    values = {str(key).lower(): value for key, value in personalisation.items()}

    def fill(match: re.Match[str]) -> str:
        value = values[match.group(1).strip().lower()]
        if isinstance(value, list):
            items = [str(item) for item in value]
            return (
                "\n".join(f"* {item}" for item in items) if channel == "email" else "; ".join(items)
            )
        return str(value)

    return _PLACEHOLDER.sub(fill, text)


def _template(template_id: str, channel: str) -> sqlite3.Row:
    row = queries.template(_db(), g.service["id"], template_id)
    if row is None:
        raise _bad_request("Template not found")
    if row["template_type"] != channel:
        raise _bad_request(
            f"{row['template_type']} template is not suitable for {channel} notification"
        )
    if row["archived"]:
        raise _bad_request("Template has been deleted")
    return row


def _check_recipient(to: str, channel: str) -> None:
    """Trial mode and team keys: only the service's own team."""
    key_type = g.api_key["key_type"]
    if key_type == "test" or (key_type == "normal" and not g.service["restricted"]):
        return
    column = "email_address" if channel == "email" else "mobile_number"
    team = _db().execute(
        f"""SELECT users.{column} FROM users
            JOIN user_services ON user_services.user_id = users.id
            WHERE user_services.service_id = ?""",
        (g.service["id"],),
    )
    if not any(row[0] and same_recipient(row[0], to, channel) for row in team):
        raise _bad_request(TEAM_KEY_MESSAGE if key_type == "team" else TRIAL_MESSAGE)


def _send(channel: str) -> ResponseReturnValue:
    _check_limits(channel)
    body = request.get_json(silent=True)
    errors = _schema_errors(body, channel)
    if errors:
        raise_errors = [{"error": "ValidationError", "message": message} for message in errors]
        return jsonify(status_code=400, errors=raise_errors), 400
    if channel not in _permissions():
        noun = "emails" if channel == "email" else "text messages"
        raise _bad_request(f"Service is not allowed to send {noun}")
    template = _template(body["template_id"], channel)
    personalisation = body.get("personalisation") or {}
    given = {str(key).lower() for key in personalisation}
    texts = [template["content"], template["subject"] or ""]
    wanted = list(dict.fromkeys(m.strip() for t in texts for m in _PLACEHOLDER.findall(t)))
    missing = [name for name in wanted if name.lower() not in given]
    if missing:
        raise _bad_request(f"Missing personalisation: {', '.join(missing)}")
    to = body[RECIPIENT_FIELDS[channel]]
    _check_recipient(to, channel)
    notification_id = str(uuid.uuid4())
    subject = (
        _rendered(template["subject"], personalisation, channel) if channel == "email" else None
    )
    content = _rendered(template["content"], personalisation, channel)
    if channel == "sms" and len(content) > SMS_CHARACTER_LIMIT:
        raise _bad_request(
            "Your message is too long. Text messages cannot be longer than "
            f"{SMS_CHARACTER_LIMIT} characters. Your message is {len(content)} characters long."
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    connection = _db()
    connection.execute(
        "INSERT INTO notifications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            notification_id,
            g.service["id"],
            g.api_key["id"],
            g.api_key["key_type"],
            channel,
            template["id"],
            template["version"],
            to,
            json.dumps(personalisation),
            body.get("reference"),
            subject,
            content,
            now.isoformat(timespec="microseconds"),
        ),
    )
    if g.api_key["key_type"] != "test":
        _count_today(connection, g.service["sid"], channel)
    connection.commit()
    if channel == "email":
        sender = f"{g.service['email_sender_local_part'] or 'notify'}@notifications.service.gov.uk"
        content_body = {"subject": subject, "body": content, "from_email": sender}
    else:
        content_body = {"body": content, "from_number": "GOVUK"}
    return jsonify(
        id=notification_id,
        reference=body.get("reference"),
        content=content_body,
        uri=f"{request.host_url}v2/notifications/{notification_id}",
        template=_template_reference(template["id"], template["version"]),
        scheduled_for=None,
    ), 201


def _count_today(connection: sqlite3.Connection, sid: int, channel: str) -> None:
    """One more message requested today, so statistics and the daily limit see it."""
    updated = connection.execute(
        "UPDATE daily_counts SET created = created + 1 "
        "WHERE service_sid = ? AND channel = ? AND days_ago = 0",
        (sid, channel),
    ).rowcount
    if not updated:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(daily_counts)")]
        values = dict.fromkeys(columns, 0) | {
            "service_sid": sid,
            "channel": channel,
            "days_ago": 0,
            "created": 1,
        }
        connection.execute(
            f"INSERT INTO daily_counts ({', '.join(values)}) "
            f"VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )


def _template_reference(template_id: str, version: int) -> dict:
    return {
        "id": template_id,
        "version": version,
        "uri": f"{request.host_url}services/{g.service['id']}/templates/{template_id}",
    }


@v2.post("/v2/notifications/email")
def post_email() -> ResponseReturnValue:
    """Send an email with one of the service's email templates."""
    return _send("email")


@v2.post("/v2/notifications/sms")
def post_sms() -> ResponseReturnValue:
    """Send a text message with one of the service's text templates."""
    return _send("sms")


def _timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="microseconds") + "Z"


def _status(row: sqlite3.Row, created: datetime) -> str:
    """A test key's message is delivered at once; others after a moment of "sending"."""
    if row["key_type"] == "test":
        return "delivered"
    age = datetime.now(UTC).replace(tzinfo=None) - created
    return "delivered" if age >= timedelta(seconds=SENDING_SECONDS) else "sending"


def _notification(row: sqlite3.Row) -> dict:
    """A stored notification as GET /v2/notifications/<id> answers."""
    created = datetime.fromisoformat(row["created_at"])
    status = _status(row, created)
    email = row["notification_type"] == "email"
    return {
        "id": row["id"],
        "reference": row["reference"],
        "email_address": row["recipient"] if email else None,
        "phone_number": None if email else row["recipient"],
        **{f"line_{number}": None for number in range(1, 7)},
        "postcode": None,
        "postage": None,
        "type": row["notification_type"],
        "status": status,
        "template": _template_reference(row["template_id"], row["template_version"]),
        "body": row["body"],
        "subject": row["subject"],
        "created_at": _timestamp(created),
        "created_by_name": None,
        "sent_at": _timestamp(created),
        "completed_at": _timestamp(created) if status == "delivered" else None,
        "scheduled_for": None,
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": True,
        "cost_in_pounds": 0.0,
        "cost_details": {},
    }


@v2.get("/v2/notifications/<notification_id>")
def get_notification(notification_id: str) -> ResponseReturnValue:
    """One of the service's notifications, with its status."""
    if not _UUID.match(notification_id):
        raise V2Error(400, "ValidationError", "notification_id is not a valid UUID")
    row = (
        _db()
        .execute(
            "SELECT * FROM notifications WHERE id = ? AND service_id = ?",
            (notification_id.lower(), g.service["id"]),
        )
        .fetchone()
    )
    if row is None:
        raise V2Error(404, "NoResultFound", "No result found")
    return jsonify(_notification(row))


_LIST_ARGUMENTS = {"reference", "older_than", "status", "template_type", "include_jobs"}


@v2.get("/v2/notifications")
def get_notifications() -> ResponseReturnValue:
    """The service's notifications sent with this kind of key, newest first, a page at a time;
    `reference` keeps those sent with that reference."""
    unexpected = sorted(set(request.args) - _LIST_ARGUMENTS)
    if unexpected:
        message = f"Additional properties are not allowed ({', '.join(unexpected)} was unexpected)"
        raise V2Error(400, "ValidationError", message)
    where = ["service_id = ?", "key_type = ?"]
    parameters: list[Any] = [g.service["id"], g.api_key["key_type"]]
    if "reference" in request.args:
        where.append("reference = ?")
        parameters.append(request.args["reference"])
    if "template_type" in request.args:
        where.append("notification_type = ?")
        parameters.append(request.args["template_type"])
    older_than = request.args.get("older_than")
    if older_than:
        where.append("(created_at, id) < (SELECT created_at, id FROM notifications WHERE id = ?)")
        parameters.append(older_than)
    rows = (
        _db()
        .execute(
            f"SELECT * FROM notifications WHERE {' AND '.join(where)} "
            f"ORDER BY created_at DESC, id DESC LIMIT {API_PAGE_SIZE}",
            parameters,
        )
        .fetchall()
    )
    notifications = [_notification(row) for row in rows]
    if "status" in request.args:
        wanted = set(request.args.getlist("status"))
        notifications = [n for n in notifications if n["status"] in wanted]
    current = f"{request.base_url}?{request.query_string.decode()}".rstrip("?")
    links: dict[str, str] = {"current": current}
    if rows:
        arguments = {key: value for key, value in request.args.items() if key != "older_than"}
        arguments["older_than"] = rows[-1]["id"]
        links["next"] = f"{request.base_url}?{urlencode(arguments)}"
    return jsonify(notifications=notifications, links=links)
