"""What a failed API call means to the person reading the page: never a traceback or a secret."""

from uuid import UUID

from notifications_python_client.errors import APIError, HTTP503Error, InvalidResponse

from dashboard.concurrency import TookTooLong, seconds_in_words
from dashboard.notify_client.calls import InvalidAnswer
from dashboard.redaction import redacted_url


class InvalidServiceId(ValueError):
    """A service id that is not a UUID: the API would answer with a bare 404."""


def parse_service_id(value: str | None) -> str:
    """The canonical form of a service id from a URL or a widget, or InvalidServiceId."""
    text = (value or "").strip()
    try:
        return str(UUID(text))
    except ValueError:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise InvalidServiceId(f"“{shown}” is not a service id (a UUID).") from None


def describe_error(error: Exception, api_host: str) -> str:
    """One sentence that says what went wrong and what to do about it; never a password."""
    api_host = redacted_url(api_host)
    if isinstance(error, InvalidServiceId):
        return str(error)
    if isinstance(error, InvalidResponse):
        return f"The Notify API at {api_host} sent an answer that is not JSON."
    if isinstance(error, TookTooLong):
        return (
            f"The Notify API at {api_host} has not answered this part after "
            f"{seconds_in_words(error.seconds)}: it will show when you load the page again."
        )
    if isinstance(error, InvalidAnswer):
        return (
            f"The Notify API at {api_host} answered, but its answer for this part ({error.kind}) "
            "was not in the expected form, so it is not shown."
        )
    if isinstance(error, HTTP503Error):
        return (
            f"The Notify API at {api_host} could not be reached or is too slow. "
            "Try again in a moment."
        )
    if isinstance(error, APIError):
        status = error.status_code
        if status in (401, 403):
            return (
                "The Notify API refused the dashboard's token. Check ADMIN_CLIENT_ID and "
                "ADMIN_CLIENT_SECRET, and that this machine's clock is right (within 30 seconds)."
            )
        if status == 404:
            return "The Notify API has no such record."
        if status >= 500:
            return f"The Notify API at {api_host} had an internal error ({status})."
        return f"The Notify API rejected the request ({status}): {error.message}"
    return f"Something unexpected went wrong ({type(error).__name__})."
