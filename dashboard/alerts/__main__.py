"""`python -m dashboard.alerts check | run --every 5m [--dry-run]`.

`check` evaluates every rule once and exits: 0 when all went well, 1 with one line on stderr
when the rules, Redis or the API cannot be used, or when a send was refused or kept failing
(so a scheduler's own alerting reports it). `run` checks again every interval until stopped.
`--warm` first keeps the platform's answers warm, as `python -m dashboard.warm` does, so one
scheduled job can do both where nothing else runs the warm-up.
"""

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

from redis import RedisError

from dashboard.alerts.checker import Checker, CheckFailed
from dashboard.cache.alert_ledger import AlertLedger
from dashboard.domain.alert_rules import AlertRulesError, Rule, parse_rules
from dashboard.domain.financial_year import london_today
from dashboard.notify_client.notifications import NotificationsSender
from dashboard.redaction import redacted_url
from dashboard.runtime import build_runtime
from dashboard.settings import AlertSettings, load_alert_settings, load_settings
from dashboard.warm import warm_platform

_INTERVAL = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def interval_seconds(text: str) -> float:
    """ "5m" → 300; "30s", "1h", "0.5s" and plain seconds too."""
    match = _INTERVAL.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an interval such as 30s, 5m or 1h")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.alerts",
        description="Warn people through GOV.UK Notify when a rule of ALERTS_FILE is crossed.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="evaluate every rule once and exit")
    run = commands.add_parser("run", help="check again every interval until stopped")
    run.add_argument("--every", type=interval_seconds, default=300.0, help="e.g. 5m (default)")
    run.add_argument("--checks", type=int, default=0, help="stop after this many (0: never)")
    for command in (check, run):
        command.add_argument(
            "--dry-run", action="store_true", help="say what would be sent; send nothing"
        )
        command.add_argument(
            "--warm",
            action="store_true",
            help="first refresh the platform's answers that are due (python -m dashboard.warm)",
        )
    return parser.parse_args(argv)


def read_rules(settings: AlertSettings) -> tuple[Rule, ...]:
    """The rules file's rules, or CheckFailed in one line."""
    if settings.rules_file is None:
        raise CheckFailed(
            "ALERTS_FILE is not set: name the alerts.toml file to read the rules from."
        )
    path: Path = settings.rules_file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckFailed(
            f"Cannot read the rules file {path}: {error.__class__.__name__}."
        ) from None
    try:
        return parse_rules(text, source=str(path))
    except AlertRulesError as error:
        raise CheckFailed(str(error)) from None


def build_checker(pause_after_claim: float = 0.0) -> Checker:
    """Rules, Redis, the cached clients and the sender, from the environment."""
    alert_settings = load_alert_settings()
    rules = read_rules(alert_settings)
    settings = load_settings()
    runtime = build_runtime(settings)
    client = runtime.redis.client
    ledger = None if client is None else AlertLedger(client, alert_settings.lease_seconds)
    sender = NotificationsSender(
        alert_settings.api_key, alert_settings.api_url, timeout=settings.api_timeout_seconds
    )
    return Checker(
        rules,
        runtime.clients,
        ledger,
        sender,
        alert_settings,
        redacted_url(settings.api_host_name),
        pause_after_claim=pause_after_claim,
    )


def warm_first(checker: Checker) -> None:
    """Refresh the pages' platform-wide answers that are due, through the checker's own cached
    clients; a call that fails is named and the check goes on (it reads what is cached)."""
    failed = [warmed for warmed in warm_platform(checker.clients) if not warmed.ok]
    for warmed in failed:
        print(f"Warm-up: {warmed.kind} was not refreshed ({warmed.done}).", file=sys.stderr)


def check_once(checker: Checker, dry_run: bool, warm: bool = False) -> int:
    """One check (after the warm-up, when asked), its lines on stdout; the exit status."""
    if warm:
        warm_first(checker)
    try:
        report = checker.check(london_today(), dry_run=dry_run)
    except CheckFailed as failed:
        print(str(failed), file=sys.stderr, flush=True)
        return 1
    except RedisError as error:
        print(
            f"Redis failed during the check ({type(error.__cause__ or error).__name__}): what "
            "was not marked sent will be asked about before it is sent again.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    for line in report.lines:
        print(line, flush=True)
    return 1 if report.failures else 0


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    # The client logs each failed request; the check says why in its own one line.
    logging.getLogger("notifications_python_client").setLevel(logging.CRITICAL)
    pause = float(os.environ.get("ALERTS_PAUSE_AFTER_CLAIM_SECONDS", "0") or 0)
    try:
        checker = build_checker(pause)
    except CheckFailed as failed:
        print(str(failed), file=sys.stderr, flush=True)
        return 1
    if arguments.command == "check":
        return check_once(checker, arguments.dry_run, arguments.warm)
    done = 0
    try:
        while True:
            started = time.monotonic()
            check_once(checker, arguments.dry_run, arguments.warm)
            done += 1
            if done == arguments.checks:
                return 0
            time.sleep(max(0.0, arguments.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
