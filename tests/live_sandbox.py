"""The sandbox API served on a loopback port from a thread, for tests that need real HTTP."""

import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from dashboard.sandbox import build_database, create_app

SEED = 3
SERVICES = 60


class QuietHandler(WSGIRequestHandler):
    """No line per request: the tests' output stays readable."""

    def log_request(self, *args: object) -> None:
        pass


class LiveSandbox:
    """A small generated sandbox behind a real HTTP server."""

    def __init__(self, directory: Path, client_id: str, secret: str) -> None:
        self.database = build_database(directory / "sandbox.sqlite", SEED, SERVICES)
        app = create_app(self.database, client_id, secret)
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "LiveSandbox":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
