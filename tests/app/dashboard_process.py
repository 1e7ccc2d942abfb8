"""A dashboard process for the tests: one Service page view through the real loaders.

`python -m tests.app.dashboard_process SERVICE_ID` takes its settings from the environment, as
the app does (`REDIS_URL`, `API_HOST_NAME`, `ADMIN_CLIENT_SECRET`), reads what the Service page
reads, and prints the cache lookups it made as JSON rows `[kind, outcome, count]`. Its
telemetry reaches Redis as the process exits, as a dashboard's would when it stops.
"""

import json
import sys

from dashboard.loaders.service_page import load_service_page, service_choices
from dashboard.runtime import Runtime, build_runtime


def view_service_page(runtime: Runtime, service_id: str) -> None:
    service_choices(runtime.clients)
    page = load_service_page(runtime.clients, runtime.settings.api_host_name, service_id, 7)
    if page.errors:
        sys.exit(f"The Service page did not load: {page.errors}")
    counts = sorted([*key, count] for key, count in runtime.cache.process_counts.items())
    print(json.dumps(counts))


if __name__ == "__main__":
    # Held to the end, as the app holds its runtime, so the exit flushes its telemetry.
    RUNTIME = build_runtime()
    view_service_page(RUNTIME, sys.argv[1])
