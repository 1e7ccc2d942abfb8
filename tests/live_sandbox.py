"""A small generated sandbox behind real HTTP, for tests that go through the clients."""

from pathlib import Path

from notify_sandbox import build_database
from notify_sandbox.serving import BackgroundSandbox

SEED = 3
SERVICES = 60


def start_live_sandbox(directory: Path, client_id: str, secret: str) -> BackgroundSandbox:
    database = build_database(directory / "sandbox.sqlite", SEED, SERVICES)
    return BackgroundSandbox(database, client_id, secret).start()
