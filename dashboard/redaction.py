"""Credentials out of every URL the dashboard shows, logs or names a file after.

`API_HOST_NAME` and `REDIS_URL` may carry a user and password (`https://user:pass@host`); only
the code that connects ever sees them whole.
"""

import logging
import re
from urllib.parse import urlsplit, urlunsplit


def redacted_url(url: str) -> str:
    """The URL with its password (or a lone user token) replaced by `***`."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    if parts.password is None:
        user = "***@"  # a lone user part is often a token, as in redis://token@host
    else:
        user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def host_label(url: str) -> str:
    """Host and port alone, with nothing of the user: safe in a file name."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or ''}{port}"


_CREDENTIALS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^/\s:@]*)(?::[^/\s@]*)?@", re.I
)


def redacted_text(text: str) -> str:
    """Every URL in the text without its password (a lone user part too: it may be a token)."""

    def hide(match: re.Match[str]) -> str:
        user = match.group("user")
        has_password = ":" in match.group(0)[len(match.group("scheme")) :]
        kept = f"{user}:***" if has_password and user else "***"
        return f"{match.group('scheme')}{kept}@"

    return _CREDENTIALS.sub(hide, text)


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message without the credentials of any URL in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redacted_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def redact_logs_of(logger_name: str) -> None:
    """Keep credentials out of what a library logs (the Notify client logs each failed URL)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter())
