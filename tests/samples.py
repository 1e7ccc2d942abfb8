"""The responses recorded from the real Notify API (`tests/fixtures/notify-api-samples/`); a
sample with a "source" field says it was written from the API's source instead."""

import json
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "fixtures" / "notify-api-samples"


def load_sample(name: str) -> tuple[int, object]:
    """(status, body) of one recorded response, e.g. `load_sample("GET_service")`."""
    recorded = json.loads((SAMPLES_DIR / f"{name}.json").read_text())
    return recorded["status"], recorded["body"]


def sample_body(name: str) -> object:
    return load_sample(name)[1]


def sample_service_id() -> str:
    """The service the samples were recorded from ("Apply for a parking permit")."""
    return "da73e75a-0996-44f7-aeb4-62d5f5d5489e"


def sample_user_id() -> str:
    return "0e3dbdf8-5108-4573-acf6-89045cabf57e"


def sample_template_id() -> str:
    return "ac811f94-0f66-419f-81be-27c4a00cc53e"
