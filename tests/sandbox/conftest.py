"""A small generated sandbox (80 services, every sector live), built once per session in a
temporary directory."""

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from notify_sandbox import build_database, create_app
from tests.sandbox.helpers import CLIENT_ID, SECRET, SEED, SERVICES


@pytest.fixture(scope="session")
def sandbox_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox") / f"sandbox-seed{SEED}-services{SERVICES}.sqlite"
    return build_database(path, SEED, SERVICES)


@pytest.fixture(scope="session")
def sandbox_app(sandbox_database: Path) -> Flask:
    return create_app(sandbox_database, CLIENT_ID, SECRET)


@pytest.fixture
def client(sandbox_app: Flask) -> FlaskClient:
    return sandbox_app.test_client()


@pytest.fixture
def writable_client(sandbox_database: Path, tmp_path: Path) -> FlaskClient:
    """A client on a copy of the database, for tests that change it."""
    copy = shutil.copy(sandbox_database, tmp_path / "copy.sqlite")
    return create_app(Path(copy), CLIENT_ID, SECRET).test_client()


@pytest.fixture
def db(sandbox_database: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection for checking answers with the tests' own SQL."""
    connection = sqlite3.connect(f"file:{sandbox_database}?mode=ro", uri=True)
    yield connection
    connection.close()
