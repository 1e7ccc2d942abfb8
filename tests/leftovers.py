"""`make test` leaves no process behind: what it started is listed, and the run fails.

A process counts as this run's when it was not running as the run began, works in the checkout
or in pytest's temporary folders, and is this run's child or an orphan (redis-server daemonizes
and moves into its data folder, so the servers that are no longer our children are found too).
"""

import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Process start times are only as exact as the kernel's clock ticks: remember pids instead.
_before = frozenset(psutil.pids())


def _ours(process: psutil.Process, folders: tuple[Path, ...], children: set[int]) -> bool:
    try:
        if process.pid in _before or (process.pid not in children and process.ppid() != 1):
            return False
        cwd = Path(process.cwd())
        return any(cwd == folder or folder in cwd.parents for folder in folders)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def leftover_processes(folders: tuple[Path, ...]) -> list[psutil.Process]:
    """Processes this run started that are still running, after a moment's grace."""
    deadline = time.monotonic() + 5
    while True:
        children = {child.pid for child in psutil.Process().children(recursive=True)}
        left = [process for process in psutil.process_iter() if _ours(process, folders, children)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.25)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    folders = (ROOT, session.config._tmp_path_factory.getbasetemp())
    left = leftover_processes(folders)
    if left:
        names = "; ".join(" ".join(process.cmdline())[:120] for process in left)
        writer = session.config.get_terminal_writer()
        writer.line()
        writer.line(f"Processes left running: {names}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
