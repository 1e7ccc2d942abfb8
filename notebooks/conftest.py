"""nbmake runs the notebook against a Redis and an API of its own, as a fresh checkout would.

Left to its defaults the notebook would read the embedded Redis in the checkout's `.data/`,
shared with `make run` and holding whatever earlier runs recorded (replaying 200,000 lookups
takes minutes), and the API of whichever `make run` listens on port 6011. Under pytest it gets
an empty Redis in this run's temporary folder and an API address where nothing listens, so it
starts its small sandbox and records its own page views (fewer than an analyst's run): the same
work on every run, and safe beside other test workers (pytest-xdist) and a running dashboard.
"""

import os
from collections.abc import Iterator

import pytest

from tests.redis_server import free_port

# Enough views for every kind of data and every check the notebook makes, in seconds.
VIEWS = 100
UNSET = ("REDIS_URL", "ADMIN_CLIENT_SECRET", "REDIS_ENABLED")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The notebook's kernel inherits this environment; it is put back afterwards."""
    if item.path.suffix != ".ipynb":
        return (yield)
    changes = {
        "REDIS_DATA_DIR": str(item.config._tmp_path_factory.mktemp("notebook-redis")),
        "API_HOST_NAME": f"http://127.0.0.1:{free_port()}",
        "NOTEBOOK_VIEWS": str(VIEWS),
    }
    saved = {name: os.environ.get(name) for name in (*changes, *UNSET)}
    for name in UNSET:
        os.environ.pop(name, None)
    os.environ.update(changes)
    try:
        return (yield)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
