"""Email addresses and phone numbers as the real API checks them before sending.

A small copy of notifications-utils' rules (its `validate_email_address` and UK mobile
checks), with the same messages, so a bad address gets the API's 400 here too.
"""

import re

EMAIL_MESSAGE = "Not a valid email address"
_LOCAL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@([^.@][^@\s]+)$")
_HOSTNAME_PART = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
_TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)
_PHONE_CHARACTERS = re.compile(r"^[0-9()+\-\s.]+$")


def email_error(address: str) -> str | None:
    """The API's message for an address it would refuse, or None."""
    address = address.strip()
    match = _LOCAL.match(address)
    if match is None or len(address) > 320 or ".." in address:
        return EMAIL_MESSAGE
    parts = match.group(1).split(".")
    if len(parts) < 2 or not _TLD.match(parts[-1]):
        return EMAIL_MESSAGE
    if any(not part or len(part) > 63 or not _HOSTNAME_PART.match(part) for part in parts):
        return EMAIL_MESSAGE
    return None


def normalised_phone(number: str) -> str:
    """Digits only, a UK number in its 447… form."""
    digits = re.sub(r"[^0-9]", "", number)
    if digits.startswith("0044"):
        return digits[2:]
    if digits.startswith("0"):
        return "44" + digits[1:]
    return digits


def phone_error(number: str, *, international: bool) -> str | None:
    """The API's message for a number it would refuse (UK mobiles, or any international
    number when the service may text abroad), or None."""
    if not _PHONE_CHARACTERS.match(number):
        return "Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -"
    digits = normalised_phone(number)
    if digits.startswith("44") or not number.strip().startswith(("+", "00")):
        if not digits.startswith("447"):
            return "Not a UK mobile number"
        if len(digits) > 12:
            return "Too many digits"
        if len(digits) < 12:
            return "Not enough digits"
        return None
    if not international:
        return "Cannot send to international mobile numbers"
    if not 8 <= len(digits) <= 15:
        return "Not a valid international number"
    return None


def same_recipient(one: str, other: str, channel: str) -> bool:
    """Whether two addresses (or numbers) reach the same person, as trial mode compares them."""
    if channel == "email":
        return one.strip().lower() == other.strip().lower()
    return normalised_phone(one) == normalised_phone(other)
