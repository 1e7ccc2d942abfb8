"""How long the real Notify API takes to answer each endpoint, for `--latency real`.

The medians were measured on a local run of the real API (the public notifications-api on
PostgreSQL, a small data set, median of 20 calls each). With `--latency real` the sandbox
makes each successful answer take at least its endpoint's median, counting its own work, so
that "cold" means what a user of the real API waits. The slowest by far is monthly-usage for
the current financial year: the API rebuilds and writes that service's billing rows for today
before it answers.

Endpoints that were not measured (the service lists, reply-to addresses, users, updates,
/platform-stats and notifications/monthly) get no delay.
"""

from collections.abc import Mapping

#: off; real (this module); platform (`platform_latency`: the real API at the platform's size).
LATENCIES = ("off", "real", "platform")

#: Seconds by view function, for endpoints whose cost does not depend on their arguments.
MEDIAN_SECONDS = {
    "get_service": 0.006,
    "get_data_retention": 0.005,
    "get_free_sms_fragment_limit": 0.004,
    # Measured on the template list; one template and its versions read the same rows.
    "get_templates": 0.005,
    "get_template": 0.005,
    "get_template_version": 0.005,
    "get_template_versions": 0.005,
    "get_live_services_data": 0.018,
    "get_yearly_usage": 0.017,
    "get_volumes_by_service": 0.070,
    "get_data_for_billing_report": 0.050,
}
#: Statistics by window: today only, up to 7 days, longer.
STATISTICS_SECONDS = {"today": 0.007, "7 days": 0.040, "30 days": 0.042}
#: monthly-usage: a past financial year, or the current one (or later), which the API rebuilds.
MONTHLY_USAGE_SECONDS = {"past year": 0.016, "current year": 1.4}


def median_seconds(view: str, arguments: Mapping[str, str], current_financial_year: int) -> float:
    """The real API's median for one request to a view function; 0 when not measured."""
    if view == "get_statistics":
        if arguments.get("today_only") == "True":
            return STATISTICS_SECONDS["today"]
        return STATISTICS_SECONDS[
            "7 days" if _number(arguments, "limit_days", 7) <= 7 else "30 days"
        ]
    if view == "get_monthly_usage":
        current = _number(arguments, "year", 0) >= current_financial_year
        return MONTHLY_USAGE_SECONDS["current year" if current else "past year"]
    return MEDIAN_SECONDS.get(view, 0.0)


def _number(arguments: Mapping[str, str], name: str, default: int) -> int:
    """An integer argument, or the default when it is missing or not a number."""
    try:
        return int(arguments.get(name, default))
    except ValueError:
        return default
