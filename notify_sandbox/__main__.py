"""Run the sandbox: python -m notify_sandbox --port 6011 --services 2000 --seed 1.

The database is generated on first start (under --data-dir) and reused afterwards.
`--latency real` makes each answer as slow as the real API's on a small data set, `--latency
platform` as slow as it is at the platform's size (scaled by --services); `--hostile-names`
gives a few services names that are markdown or HTML payloads (in a database of their own).
"""

import argparse
import logging
import time
import warnings
from pathlib import Path

import waitress
from flask import Flask
from jwt.warnings import InsecureKeyLengthWarning

from notify_sandbox.app import create_app
from notify_sandbox.database import database_path, open_database
from notify_sandbox.real_latency import LATENCIES
from notify_sandbox.settings import settings_from


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with the defaults the dashboard expects."""
    parser = argparse.ArgumentParser(
        prog="python -m notify_sandbox", description="A stand-in GOV.UK Notify API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=6011)
    parser.add_argument("--services", type=int, default=2000, help="services to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".data"), help="where the generated database is kept"
    )
    parser.add_argument(
        "--latency",
        choices=LATENCIES,
        default="off",
        help=(
            "real: answer each endpoint as slowly as the real API on a small data set; "
            "platform: as slowly as at the platform's size, scaled by --services "
            "(the services list about 5 s at 2,000 services)"
        ),
    )
    parser.add_argument(
        "--hostile-names",
        action="store_true",
        help="name a few live services with markdown and HTML payloads",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Build or reuse the database, then serve it."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s sandbox: %(message)s", datefmt="%H:%M:%S"
    )
    log = logging.getLogger("notify_sandbox")
    # A configured secret shorter than PyJWT likes would otherwise warn on every request.
    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
    data = (arguments.data_dir, arguments.seed, arguments.services)
    path = database_path(*data, hostile_names=arguments.hostile_names)
    started = time.perf_counter()
    existed = path.exists()
    if not existed:
        log.info(
            "First start: generating %s (once: later starts reuse it; 5 to 25 s for 2,000 "
            "services on a shared 2-core machine)",
            path,
        )
    path = open_database(*data, hostile_names=arguments.hostile_names, progress=log.info)
    log.info(
        "%s %s in %.1f s", "Opened" if existed else "Generated", path, time.perf_counter() - started
    )
    settings = settings_from()
    app = create_app(path, settings.client_id, settings.client_secret, latency=arguments.latency)
    if arguments.latency != "off":
        log.info("Answering as slowly as the real API (--latency %s)", arguments.latency)
    serve_app(app, arguments.host, arguments.port)


def serve_app(app: Flask, host: str, port: int) -> None:
    """Serve on waitress, a production WSGI server (Flask's own prints a development-server
    warning), quietly: no line per request, and the one address to open is the dashboard's."""
    logging.getLogger("waitress").setLevel(logging.WARNING)
    # Enough threads for the benchmark's readers at once while --latency sleeps in each answer
    # (werkzeug's threaded server started a thread per request).
    waitress.serve(app, host=host, port=port, threads=64, ident="notify-sandbox")


if __name__ == "__main__":
    main()
