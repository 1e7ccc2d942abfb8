"""The serving process's heap: refrozen on a schedule, so full collections skip the warm
answers and memos, and nothing dropped after a freeze is kept for ever."""

import gc
import subprocess
import sys
import weakref
from pathlib import Path

from dashboard.heap import refreeze

ROOT = Path(__file__).resolve().parents[1]


class Node:
    """An object that can sit in a reference cycle, which only the collector frees."""

    def __init__(self) -> None:
        self.other: Node | None = None


def dropped_cycle() -> weakref.ref:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_a_cycle_dropped_after_a_freeze_is_freed_by_the_next_refreeze():
    try:
        cycle = dropped_cycle()
        gc.freeze()  # the cycle, still referenced by nothing but itself, is frozen with the rest
        gc.collect()
        assert cycle() is not None  # a full collection skips what is frozen

        assert refreeze() > 0

        assert cycle() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def in_a_new_process(code: str, **environment: str) -> str:
    """Run `code` in a Python of its own (the refreezing thread is one per process)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_refreezing_starts_once_a_process_and_never_at_zero():
    code = (
        "import gc, time\n"
        "from dashboard.heap import start_refreezing\n"
        "print(start_refreezing(0), start_refreezing(0.05, first_seconds=0),"
        " start_refreezing(0.05))\n"
        "time.sleep(0.5)\n"
        "print(gc.get_freeze_count() > 0)\n"
    )

    assert in_a_new_process(code).splitlines() == ["False True False", "True"]


def test_the_dashboards_runtime_starts_refreezing_as_its_setting_says():
    code = (
        "import threading\n"
        "from dashboard.app_pages.shared import runtime\n"
        "runtime()\n"
        "print(sorted(t.name for t in threading.enumerate() if t.name == 'heap-refreeze'))\n"
    )
    off = {"REDIS_ENABLED": "0", "API_HOST_NAME": "http://127.0.0.1:9"}

    assert in_a_new_process(code, **off, HEAP_REFREEZE_SECONDS="0") == "[]"
    assert in_a_new_process(code, **off) == "['heap-refreeze']"
