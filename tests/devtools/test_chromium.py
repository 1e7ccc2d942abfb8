"""Finding Chromium for the browser tests, or installing it, or saying what to install."""

import os
import stat

import pytest

from devtools.chromium import INSTALL_HINT, InstallStep, ensure_chromium, install_steps


def executable(path) -> str:
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def step_making(path, name: str = "a step that installs it") -> InstallStep:
    """An install step that puts an executable `chromium` at `path`."""
    return InstallStep(
        name, (("/bin/sh", "-c", f"printf '#!/bin/sh\\n' > {path}; /bin/chmod +x {path}"),)
    )


FAILING = InstallStep("a download that fails", (("/bin/sh", "-c", "exit 1"),))


@pytest.fixture
def no_chromium(tmp_path, monkeypatch):
    """A PATH with no chromium on it and an empty Playwright browser folder."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    browsers = tmp_path / "browsers"
    browsers.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(browsers))
    return bin_dir


def test_a_chromium_on_the_path_is_used_and_nothing_is_installed(no_chromium, tmp_path):
    found_at = executable(no_chromium / "chromium")
    marker = tmp_path / "installed"

    found = ensure_chromium([step_making(marker)])

    assert found.executable == found_at
    assert not marker.exists()


def test_without_one_the_first_step_that_gives_one_is_used(no_chromium, capsys):
    found = ensure_chromium([FAILING, step_making(no_chromium / "chromium", "apt-get")])

    assert found.executable == str(no_chromium / "chromium")
    tried = capsys.readouterr().err
    assert "trying a download that fails" in tried and "trying apt-get" in tried


def test_when_every_step_fails_it_stops_with_one_line_that_says_what_to_install(no_chromium):
    with pytest.raises(SystemExit) as stopped:
        ensure_chromium([FAILING, FAILING])

    assert stopped.value.code == INSTALL_HINT
    assert "\n" not in INSTALL_HINT
    assert "playwright install chromium" in INSTALL_HINT and "apt-get" in INSTALL_HINT


def test_playwrights_own_download_comes_first_and_apt_only_as_root():
    steps = install_steps()

    assert steps[0].commands[0][-3:] == ("playwright", "install", "chromium")
    apt_steps = [step for step in steps if step.name.startswith("apt-get")]
    if os.geteuid() == 0 and any(
        os.access(os.path.join(folder, "apt-get"), os.X_OK)
        for folder in os.environ["PATH"].split(os.pathsep)
    ):
        assert [command[1] for command in apt_steps[0].commands] == ["update", "install"]
    else:
        assert apt_steps == []
