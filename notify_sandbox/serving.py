"""The sandbox served from a background thread: for tests, the benchmark and the notebook."""

import logging
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from notify_sandbox.app import create_app, request_counts


class QuietHandler(WSGIRequestHandler):
    """No log line per request: callers make thousands of them."""

    def log_request(self, *args: object) -> None:
        pass


class BackgroundSandbox:
    """A sandbox API on a free loopback port until `stop()`; `latency="real"` makes it answer
    as slowly as the real API, `"platform"` as slowly as at the platform's size, each delay
    multiplied by `latency_scale`."""

    def __init__(
        self,
        database: Path,
        client_id: str,
        client_secret: str,
        *,
        latency: str = "off",
        latency_scale: float = 1.0,
    ) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.database = database
        self.app = create_app(
            database, client_id, client_secret, latency=latency, latency_scale=latency_scale
        )
        self.server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "BackgroundSandbox":
        self._thread.start()
        return self

    def request_counts(self) -> dict[str, int]:
        """The requests served so far, by method and route ("GET /service/<service_id>")."""
        return request_counts(self.app).snapshot()

    def reset_request_counts(self) -> None:
        """Start counting requests from zero, e.g. before loading one page."""
        request_counts(self.app).reset()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
