"""Keep the server process's long-lived objects out of Python's full garbage collections.

A serving dashboard holds the decoded answers of thousands of services, the loaders' memos
and the kept chart specs. Python's collector walks every one of them in each full
collection, about 0.6 s at 2,000 services with every session's script stopped under the GIL;
in a burst of fifty readers such pauses came three at a time and tripled the slowest views
(README, "Fifty readers at once"). Frozen objects are skipped by every collection.

Freezing alone would leak: an object frozen while alive and later dropped in a reference cycle
is never collected. So the process refreezes on a schedule: unfreeze, collect everything
once (one pause at a known rate instead of several at random), and freeze what is left.
"""

import gc
import threading
import time

_started_lock = threading.Lock()
_started = False


def refreeze() -> int:
    """Collect the whole heap once, then freeze what survives; the number of objects frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _refreeze_every(first_seconds: float, every_seconds: float) -> None:
    time.sleep(first_seconds)
    while True:
        refreeze()
        time.sleep(every_seconds)


def start_refreezing(every_seconds: float, first_seconds: float = 30.0) -> bool:
    """Refreeze in a daemon thread, first once the process has warmed up and then every
    `every_seconds`; once per process, and never when `every_seconds` is 0. Whether this
    call started it."""
    global _started
    if every_seconds <= 0:
        return False
    with _started_lock:
        if _started:
            return False
        _started = True
    threading.Thread(
        target=_refreeze_every,
        args=(first_seconds, every_seconds),
        name="heap-refreeze",
        daemon=True,
    ).start()
    return True
