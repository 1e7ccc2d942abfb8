"""Checks on the body of POST /service/<id>, with the API's style of field messages.

Only the attributes the admin app may send are accepted; anything else is refused with a
message, so that a client sending a wrong field learns of it here rather than in production.
"""

from collections.abc import Callable

from notify_sandbox.facts import ORGANISATION_TYPES, SERVICE_PERMISSIONS

LIMIT_FIELDS = (
    "email_message_limit",
    "sms_message_limit",
    "letter_message_limit",
    "international_sms_message_limit",
)
BOOLEAN_FIELDS = ("active", "restricted", "prefix_sms")


def _name(value: object) -> list[str]:
    if not isinstance(value, str):
        return ["Not a valid string."]
    if not value.strip():
        return ["Field may not be blank."]
    if len(value) > 255:
        return ["Longer than maximum length 255."]
    return []


def _boolean(value: object) -> list[str]:
    return [] if isinstance(value, bool) else ["Not a valid boolean."]


def _count(value: object) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return ["Not a valid integer."]
    return [] if value >= 0 else ["Must be greater than or equal to 0."]


def _organisation_type(value: object) -> list[str]:
    if value is None or value in ORGANISATION_TYPES:
        return []
    return [f"Must be one of: {', '.join(ORGANISATION_TYPES)}."]


def _contact_link(value: object) -> list[str]:
    return [] if value is None or isinstance(value, str) else ["Not a valid string."]


def _permissions(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return ["Not a valid list."]
    invalid = [item for item in value if item not in SERVICE_PERMISSIONS]
    if invalid:
        return [f"Invalid Service Permission: '{invalid[0]}'"]
    duplicates = sorted({item for item in value if value.count(item) > 1})
    return [f"Duplicate Service Permission: {duplicates}"] if duplicates else []


_CHECKS: dict[str, Callable[[object], list[str]]] = {
    "name": _name,
    **dict.fromkeys(BOOLEAN_FIELDS, _boolean),
    **dict.fromkeys(LIMIT_FIELDS, _count),
    "free_sms_fragment_limit": _count,
    "organisation_type": _organisation_type,
    "contact_link": _contact_link,
    "permissions": _permissions,
}


def update_errors(body: object) -> dict[str, list[str]]:
    """Field messages for an update body; empty when the body may be applied."""
    if not isinstance(body, dict):
        return {"_schema": ["Invalid input type."]}
    errors = {}
    for field, value in body.items():
        check = _CHECKS.get(field)
        messages = check(value) if check else ["Unknown field."]
        if messages:
            errors[field] = messages
    return errors
