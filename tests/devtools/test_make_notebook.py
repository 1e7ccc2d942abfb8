"""`make notebook` works as root and as a user: Jupyter refuses to run as root without
--allow-root, so the command make would run has the flag exactly when the uid is 0. Read with
`make -n` (nothing is installed or started)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: A user with no rights, as root can become one.
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def jupyter_command(*variables: str, run_as: tuple[str, ...] = ()) -> list[str]:
    """The words of the `jupyter lab` line `make notebook` would run."""
    result = subprocess.run(
        [*run_as, "make", "-s", "-n", "-o", ".venv/.installed", "notebook", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    (line,) = [line for line in result.stdout.splitlines() if "jupyter lab" in line]
    return line.split()


def test_as_the_current_user_it_allows_root_exactly_when_that_is_root():
    assert ("--allow-root" in jupyter_command()) == (os.getuid() == 0)


@pytest.mark.parametrize(("uid", "flags"), [("0", ["--allow-root"]), ("1000", [])])
def test_the_uid_alone_decides(uid, flags):
    words = jupyter_command(f"NOTEBOOK_UID={uid}")

    assert words[words.index("lab") + 1 :] == [*flags, "notebooks/"]


@pytest.mark.skipif(
    os.getuid() != 0 or shutil.which("setpriv") is None,
    reason="only root can run make as another user",
)
def test_run_by_a_user_who_is_not_root_it_does_not_allow_root():
    assert "--allow-root" not in jupyter_command(run_as=NOBODY)
