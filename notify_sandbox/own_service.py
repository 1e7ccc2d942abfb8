"""GOV.UK Notify's own service in the sandbox: its alert templates and its documented test key.

The dashboard's alerts checker sends through this service by default, as the Notify admin
sends its own emails through it, so `python -m dashboard.alerts check` works against a fresh
sandbox with no set-up. The ids and the key are fixed and written in the README; the
dashboard repeats them as its defaults (the sandbox imports nothing of the dashboard).

A test key's messages are stored and reported "delivered" but never counted in statistics or
against a daily limit, as in the real API.
"""

NOTIFY_SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"

TEST_KEY_ID = "5b3f4d2e-7c1a-4e8b-9f60-2a1d3c4b5e6f"
TEST_KEY_NAME = "dashboard_alerts_test"
TEST_KEY_SECRET = "a1e7c0de-0000-4000-8000-5a4db0c5a1e7"
#: The key string a client is given: `{key name}-{service id}-{secret}`.
TEST_API_KEY = f"{TEST_KEY_NAME}-{NOTIFY_SERVICE_ID}-{TEST_KEY_SECRET}"

_WARNING_LIST = "((warnings))"
_SIGN_OFF = "See them on the dashboard: ((dashboard_link))\n\nGOV.UK Notify dashboard alerts"

#: (template id, channel, name, subject, content): one email and one text template, each
#: listing every kind of warning, since a recipient gets one message per check.
ALERT_TEMPLATES: tuple[tuple[str, str, str, str | None, str], ...] = (
    (
        "4f8a1c2e-1d00-4c6b-9a51-0d1a11e70001",
        "email",
        "Dashboard alerts",
        "((count)) warnings from the Notify dashboard",
        "These services newly crossed a rule of the dashboard's alerts (a daily sending limit, "
        f"the free text message allowance, or an unusual failure rate):\n\n{_WARNING_LIST}\n\n"
        "A service at its daily limit has its sends refused until midnight.\n\n"
        f"{_SIGN_OFF}",
    ),
    (
        "4f8a1c2e-1d00-4c6b-9a51-0d1a11e70002",
        "sms",
        "Dashboard alerts (text)",
        None,
        "Notify dashboard: ((count)) warnings. ((warnings)) ((dashboard_link))",
    ),
)
