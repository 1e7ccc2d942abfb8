"""A stand-in GOV.UK Notify API (Flask + SQLite) with generated, realistic data.

It serves the endpoints the dashboard uses with the real API's JWT rules and JSON shapes,
so the dashboard runs on a laptop and in CI with no Notify account. It knows nothing of the
dashboard's own code.
"""

from notify_sandbox.app import create_app
from notify_sandbox.database import build_database, database_path, open_database

__all__ = ["build_database", "create_app", "database_path", "open_database"]
