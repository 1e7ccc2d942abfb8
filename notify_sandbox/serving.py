"""The sandbox served from a background thread: for tests, the benchmark and the notebook."""

import logging
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from notify_sandbox.app import create_app


class QuietHandler(WSGIRequestHandler):
    """No log line per request: callers make thousands of them."""

    def log_request(self, *args: object) -> None:
        pass


class BackgroundSandbox:
    """A sandbox API on a free loopback port until `stop()`."""

    def __init__(self, database: Path, client_id: str, client_secret: str) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.database = database
        app = create_app(database, client_id, client_secret)
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "BackgroundSandbox":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
