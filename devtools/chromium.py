"""The Chromium the browser tests drive: found, else installed the ecosystem's way, else named.

`make test` runs `python -m devtools.chromium` before the tests. A Chromium on the PATH (Debian's
`chromium`) is used as it is; else Playwright's own build, once `playwright install chromium`
has downloaded it; else, run as root, `apt-get install -y chromium` after `apt-get update`.
When all of that fails it stops with one line that says what to install: the browser tests are
never skipped.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "The browser tests need Chromium: run `.venv/bin/python -m playwright install chromium` "
    "where it can download, or `apt-get install -y chromium` as root, then `make test` again."
)


@dataclass(frozen=True)
class Chromium:
    """A Chromium to launch: `executable` None is Playwright's own build."""

    executable: str | None
    description: str


@dataclass(frozen=True)
class InstallStep:
    """One way to install Chromium: its name and the commands it runs, in order."""

    name: str
    commands: tuple[tuple[str, ...], ...]


_WHERE_IS_PLAYWRIGHTS_CHROMIUM = (
    "from playwright.sync_api import sync_playwright\n"
    "with sync_playwright() as playwright:\n"
    "    print(playwright.chromium.executable_path)\n"
)


def playwright_build() -> str | None:
    """Where Playwright's own Chromium is, if `playwright install chromium` has put it there.

    Asked in a process of its own: Playwright's sync API refuses to start inside a running
    event loop, as in a test session whose browser fixture is open.
    """
    asked = subprocess.run(
        [sys.executable, "-c", _WHERE_IS_PLAYWRIGHTS_CHROMIUM],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    path = asked.stdout.strip()
    return path if asked.returncode == 0 and path and Path(path).is_file() else None


def find_chromium() -> Chromium | None:
    """Chromium on the PATH first (what CI installs with apt), then Playwright's build."""
    system = shutil.which("chromium")
    if system is not None:
        return Chromium(system, system)
    bundled = playwright_build()
    if bundled is not None:
        return Chromium(None, f"Playwright's Chromium ({bundled})")
    return None


def install_steps() -> list[InstallStep]:
    """Playwright's own download, then the system package manager when this runs as root."""
    steps = [
        InstallStep(
            "playwright install chromium",
            ((sys.executable, "-m", "playwright", "install", "chromium"),),
        )
    ]
    apt = shutil.which("apt-get")
    if apt is not None and os.geteuid() == 0:
        steps.append(
            InstallStep(
                "apt-get install -y chromium",
                ((apt, "update", "-qq"), (apt, "install", "-y", "-qq", "chromium")),
            )
        )
    return steps


def _runs(step: InstallStep) -> bool:
    """Whether every command of the step succeeded (their output is shown as it comes)."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in step.commands:
        done = subprocess.run(command, env=environment, check=False)
        if done.returncode != 0:
            return False
    return True


def ensure_chromium(
    steps: Sequence[InstallStep] | None = None,
    find: Callable[[], Chromium | None] = find_chromium,
) -> Chromium:
    """The Chromium found, installing one first when there is none; `SystemExit` with
    `INSTALL_HINT` when no step gives one."""
    found = find()
    if found is not None:
        return found
    for step in install_steps() if steps is None else steps:
        print(f"No Chromium found: trying {step.name}", file=sys.stderr)
        if _runs(step) and (found := find()) is not None:
            return found
    raise SystemExit(INSTALL_HINT)


if __name__ == "__main__":
    print(f"Browser tests use {ensure_chromium().description}")


#: What headless Chromium needs on this kind of machine (root, no GPU, no network but the
#: page's own): for every measure and test that starts it.
HEADLESS_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
