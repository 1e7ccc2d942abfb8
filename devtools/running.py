"""Which dashboard `make run` is serving, written down for the notebook to find.

The embedded Redis is one file per API (`.data/redis-<host>-<port>.db`), so a dashboard on
another API port (`make run API_PORT=6012`) keeps its lookups in another file. `make run`
writes `.data/make-run.json` (the API it reads, without credentials; its port; its process
id) while it runs and removes it when it stops; the notebook reads the same Redis from it.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dashboard.redaction import redacted_url

FILE_NAME = "make-run.json"


@contextmanager
def announced(data_dir: Path, api_host_name: str, port: int, redis_url_set: bool) -> Iterator[Path]:
    """The file that says what this `make run` serves, for as long as the block runs."""
    path = data_dir / FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "api_host_name": redacted_url(api_host_name),
        "port": port,
        "pid": os.getpid(),
        "redis_url_set": redis_url_set,
    }
    path.write_text(json.dumps(record))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def running_dashboard(data_dir: Path) -> dict[str, Any] | None:
    """What a `make run` still running wrote, or None (no file, a bad one, or one left by a
    process that has gone)."""
    try:
        record = json.loads((data_dir / FILE_NAME).read_text())
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record.get("api_host_name"), str) else None
