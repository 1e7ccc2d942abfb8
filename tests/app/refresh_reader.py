"""A dashboard process that reads the services list once, at a signal, for the refresh-ahead
test: `python -m tests.app.refresh_reader GO_KEY`.

Its settings come from the environment, as the app's do (`REDIS_URL`, `API_HOST_NAME`,
`ADMIN_CLIENT_SECRET`). It waits until GO_KEY exists in Redis, so that several processes read
at once, then reads through the real runtime (refresh ahead on, as in the app), waits for the
background refreshes it started, and prints its lookup and refresh counts as JSON.
"""

import json
import sys
import time

from dashboard.cache.request_cache import recording
from dashboard.runtime import build_runtime

WAIT_SECONDS = 60.0


def main(go_key: str) -> None:
    runtime = build_runtime()
    client = runtime.redis.client
    assert client is not None, "the refresh-ahead test needs a Redis"
    deadline = time.monotonic() + WAIT_SECONDS
    while not client.exists(go_key):
        if time.monotonic() > deadline:
            sys.exit("No signal to read")
        time.sleep(0.002)
    with recording() as lookups:
        runtime.clients.services.get_services()
    runtime.cache.wait_for_refreshes()
    outcomes = [lookup.outcome for lookup in lookups]
    print(json.dumps({"outcomes": outcomes, "refreshes": dict(runtime.cache.refresh_counts)}))


if __name__ == "__main__":
    main(sys.argv[1])
