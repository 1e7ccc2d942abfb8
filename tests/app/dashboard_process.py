"""A dashboard process for the tests: one Service page view through the real loaders.

`python -m tests.app.dashboard_process SERVICE_ID` takes its settings from the environment, as
the app does (`REDIS_URL`, `API_HOST_NAME`, `ADMIN_CLIENT_SECRET`), reads what the Service page
reads, and prints the cache lookups it made as JSON rows `[kind, outcome, count]`. Its
telemetry reaches Redis as the process exits, as a dashboard's would when it stops.
"""

import json
import sys

from dashboard.loaders.allowance_by_month import load_allowance_by_month
from dashboard.loaders.sections import Failed, Ready
from dashboard.loaders.service_page import NotAServiceId, load_service_page, service_choices
from dashboard.runtime import Runtime, build_runtime


def view_service_page(runtime: Runtime, service_id: str) -> None:
    service_choices(runtime.clients)
    page = load_service_page(runtime.context, service_id, 7)
    if isinstance(page, NotAServiceId):
        sys.exit(f"The Service page did not load: {page.message}")
    months = (
        load_allowance_by_month(runtime.context, page.service_id, page.allowance.value)
        if isinstance(page.allowance, Ready)
        else None
    )
    failures = page.failures() + ((months.message,) if isinstance(months, Failed) else ())
    if failures:
        sys.exit(f"The Service page did not load: {failures}")
    counts = sorted([*key, count] for key, count in runtime.cache.process_counts.items())
    print(json.dumps(counts))


if __name__ == "__main__":
    # Held to the end, as the app holds its runtime, so the exit flushes its telemetry.
    RUNTIME = build_runtime()
    view_service_page(RUNTIME, sys.argv[1])
