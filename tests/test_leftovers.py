"""The leftover-process check still fails a run spread over pytest-xdist's workers."""

import subprocess
import sys
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]

LEAKY_TESTS = """
import subprocess
import sys


def test_starts_a_process_and_leaves_it(tmp_path):
    subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "{marker}"],
        cwd=tmp_path,
        start_new_session=True,
    )


def test_something_else():
    pass
"""


def test_a_process_left_by_a_worker_fails_the_run(tmp_path: Path):
    marker = f"leftover-{uuid.uuid4()}"
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS.format(marker=marker))
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-n",
                "2",
                "-p",
                "xdist.plugin",
                "-p",
                "tests.leftovers",
                "-p",
                "no:cacheprovider",
                "--basetemp",
                str(tmp_path / "basetemp"),
                "test_leaky.py",
            ],
            cwd=tmp_path,
            # Only the two plugins the check needs: the others (nbmake, Playwright…) would add
            # seconds to the start of each of the three processes.
            env={
                "PYTHONPATH": str(ROOT),
                "PATH": "/usr/bin:/bin",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        left = [
            process
            for process in psutil.process_iter(["cmdline"])
            if marker in (process.info["cmdline"] or [])
        ]
        for process in left:
            process.kill()
    assert "2 passed" in run.stdout, run.stdout
    assert "Processes left running" in run.stdout
    assert marker in run.stdout
    assert run.returncode == 1
    assert len(left) == 1
