"""The note `make run` leaves for the notebook: which API (so which embedded Redis) it reads."""

import json
import subprocess
import sys

from devtools.running import FILE_NAME, announced, running_dashboard


def test_the_note_names_the_api_without_credentials_while_it_runs(tmp_path):
    with announced(tmp_path, "https://user:secret@api.example:6012", 8600, False) as path:
        found = running_dashboard(tmp_path)
        written = path.read_text()

    assert found is not None
    assert found["api_host_name"] == "https://user:***@api.example:6012"
    assert found["port"] == 8600
    assert "secret" not in written
    assert running_dashboard(tmp_path) is None
    assert not (tmp_path / FILE_NAME).exists()


def test_a_note_left_by_a_process_that_has_gone_is_ignored(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / FILE_NAME).write_text(
        json.dumps({"api_host_name": "http://127.0.0.1:6012", "port": 1, "pid": int(gone.stdout)})
    )

    assert running_dashboard(tmp_path) is None


def test_a_broken_note_is_ignored(tmp_path):
    (tmp_path / FILE_NAME).write_text("{not json")

    assert running_dashboard(tmp_path) is None
