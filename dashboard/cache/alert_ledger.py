"""What the alerts checker has claimed, sent and been told to keep quiet about, in Redis.

Exactly once, however many checkers run: before sending, a checker claims each warning for
each recipient with one atomic script. The claim is a record that lasts the whole period (the
day, or the financial year for an allowance) holding a short lease and the send's
`reference` (fixed by the recipient and the warnings the message covers; a record keeps every
reference it was claimed or restamped with). A record already sent, or under another checker's
live lease, is left alone; a record whose lease lapsed (its checker died, or could not reach the
API) is taken over, and the old references come back so the taker can ask the API whether that
send was accepted before sending again. Once the API acknowledges a send the record is marked
sent. The Alerts page keeps here the final delivery statuses it read back.

Unlike the request cache, nothing here fails open: a Redis that is down raises, and the
checker then sends nothing (a flood of repeats is worse than a late warning).

Keys (under a prefix of their own, never read by the admin app):
- `dashboard-alert:{period}:{rule}:{service}:{channel}:{recipient hash}`: a claim or send;
- `dashboard-alert-log:{financial year}`: what was sent, newest first (the Alerts page);
- `dashboard-alert-statuses:{financial year}`: final delivery statuses read back, by
  notification id (a final status never changes, and Notify keeps a notification 7 days);
- `dashboard-alert-failures`: the latest refused or failed sends;
- `dashboard-alert-mutes:{day}`: rules muted for a service for that day, and why.
"""

import functools
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar

import redis

P = ParamSpec("P")
R = TypeVar("R")

CLAIM_PREFIX = "dashboard-alert:"
LOG_PREFIX = "dashboard-alert-log:"
FAILURES_KEY = "dashboard-alert-failures"
STATUSES_PREFIX = "dashboard-alert-statuses:"
MUTES_PREFIX = "dashboard-alert-mutes:"
LOG_TTL_SECONDS = 400 * 24 * 60 * 60
LOG_LENGTH = 5000
FAILURES_LENGTH = 200
MUTE_TTL_SECONDS = 2 * 24 * 60 * 60

# KEYS: the record.  ARGV: the new record (JSON), lease milliseconds, record TTL seconds.
# Replies {outcome, old record}: "claimed" (new), "lapsed" (taken over), "held", "sent".
# A record keeps every reference it was claimed with, so a taker can ask about each.
_CLAIM = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local fresh = cjson.decode(ARGV[1])
fresh['lease_until'] = now_ms + tonumber(ARGV[2])
local old = redis.call('GET', KEYS[1])
local outcome = 'claimed'
local references = {}
if old then
  local record = cjson.decode(old)
  if record['state'] == 'sent' then return {'sent', old} end
  if tonumber(record['lease_until']) > now_ms then return {'held', old} end
  outcome = 'lapsed'
  references = record['references']
else
  old = ''
end
local known = false
for _, reference in ipairs(references) do
  if reference == fresh['reference'] then known = true end
end
if not known then table.insert(references, fresh['reference']) end
fresh['references'] = references
redis.call('SET', KEYS[1], cjson.encode(fresh), 'EX', ARGV[3])
return {outcome, old}
"""

# KEYS: the records.  ARGV: owner, reference.  Before a send whose reference differs from the one
# claimed with (some of the warnings were already sent or held): the records this owner still
# holds get that reference too, keeping their expiry.  Replies how many are no longer held.
_STAMP = """
local lost = 0
for _, key in ipairs(KEYS) do
  local old = redis.call('GET', key)
  local record = old and cjson.decode(old)
  if record and record['state'] == 'claimed' and record['owner'] == ARGV[1] then
    record['reference'] = ARGV[2]
    local known = false
    for _, reference in ipairs(record['references']) do
      if reference == ARGV[2] then known = true end
    end
    if not known then table.insert(record['references'], ARGV[2]) end
    redis.call('SET', key, cjson.encode(record), 'PX', redis.call('PTTL', key))
  else
    lost = lost + 1
  end
end
return lost
"""

# KEYS: the record.  ARGV: owner.  Deletes the claim if this owner still holds it.
_RELEASE = """
local old = redis.call('GET', KEYS[1])
if not old then return 0 end
local record = cjson.decode(old)
if record['state'] == 'claimed' and record['owner'] == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LedgerUnavailable(redis.RedisError):
    """Redis could not be used for the ledger (down, slow, refusing): layers above catch this
    without importing redis."""


def _unavailable_on_error(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except LedgerUnavailable:
            raise
        except redis.RedisError as error:
            raise LedgerUnavailable(f"{type(error).__name__}: {error}") from error

    return wrapper


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming one warning for one recipient."""

    key: str
    outcome: str
    previous: dict[str, Any] | None


def recipient_hash(address: str) -> str:
    """A recipient in a key name without the address itself (keys are listed by tools)."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def claim_key(warning_id: str, address: str) -> str:
    """The record of one warning (rule/service/channel/period) for one recipient."""
    rule, service, channel, period = warning_id.split("/")
    return f"{CLAIM_PREFIX}{period}:{rule}:{service}:{channel}:{recipient_hash(address)}"


class AlertLedger:
    """Claims, sends, failures and mutes of the alerts, in one Redis."""

    def __init__(self, client: redis.Redis, lease_seconds: int = 300) -> None:
        self.client = client
        self.lease_seconds = lease_seconds
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)
        self._stamp = client.register_script(_STAMP)

    @_unavailable_on_error
    def ping(self) -> None:
        """Raise redis.RedisError unless Redis answers."""
        self.client.ping()

    @_unavailable_on_error
    def claim(
        self, warning_id: str, address: str, reference: str, owner: str, ttl_seconds: int
    ) -> Claim:
        """Claim a warning for a recipient under a short lease, in a record kept `ttl_seconds`."""
        key = claim_key(warning_id, address)
        record = {"state": "claimed", "reference": reference, "owner": owner}
        outcome, old = self._claim(
            keys=[key], args=[json.dumps(record), self.lease_seconds * 1000, ttl_seconds]
        )
        previous = json.loads(old) if old else None
        return Claim(key, _text(outcome), previous)

    @_unavailable_on_error
    def peek(self, warning_id: str, address: str) -> dict[str, Any] | None:
        """A record as it is (for a dry run), or None."""
        value = self.client.get(claim_key(warning_id, address))
        return json.loads(value) if value else None

    @_unavailable_on_error
    def restamp(self, keys: list[str], owner: str, reference: str) -> bool:
        """Give the claims this owner holds the reference it is about to send with; False when
        any is no longer its own (its lease lapsed and another checker took it over)."""
        return int(self._stamp(keys=keys, args=[owner, reference])) == 0

    @_unavailable_on_error
    def mark_sent(self, keep: Mapping[str, int], reference: str, notification_id: str) -> None:
        """The API accepted the send: each record (key: seconds to keep it) lasts its period
        and is never sent again."""
        record = json.dumps(
            {"state": "sent", "reference": reference, "notification_id": notification_id}
        )
        with self.client.pipeline(transaction=True) as pipe:
            for key, seconds in keep.items():
                pipe.set(key, record, ex=seconds)
            pipe.execute()

    @_unavailable_on_error
    def release(self, keys: list[str], owner: str) -> None:
        """The API refused the send for good (400, its own daily limit): free the claims so a
        later check may try again."""
        for key in keys:
            self._release(keys=[key], args=[owner])

    @_unavailable_on_error
    def log_sent(self, financial_year: int, entry: dict[str, Any]) -> None:
        """Add a send to the year's log, newest first."""
        key = f"{LOG_PREFIX}{financial_year}"
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(key, json.dumps({"at": time.time(), **entry}))
            pipe.ltrim(key, 0, LOG_LENGTH - 1)
            pipe.expire(key, LOG_TTL_SECONDS)
            pipe.execute()

    @_unavailable_on_error
    def log_failure(self, entry: dict[str, Any]) -> None:
        """Keep a refused or failed send to show on the Alerts page."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(FAILURES_KEY, json.dumps({"at": time.time(), **entry}))
            pipe.ltrim(FAILURES_KEY, 0, FAILURES_LENGTH - 1)
            pipe.execute()

    @_unavailable_on_error
    def sent_log(self, financial_year: int) -> list[dict[str, Any]]:
        """The year's sends, newest first."""
        key = f"{LOG_PREFIX}{financial_year}"
        return [json.loads(item) for item in self.client.lrange(key, 0, -1)]

    @_unavailable_on_error
    def statuses(self, financial_year: int) -> dict[str, str]:
        """The final delivery statuses read back so far, by notification id."""
        stored = self.client.hgetall(f"{STATUSES_PREFIX}{financial_year}")
        return {_text(key): _text(value) for key, value in stored.items()}

    @_unavailable_on_error
    def keep_statuses(self, financial_year: int, statuses: Mapping[str, str]) -> None:
        """Keep final delivery statuses, so they are never read from Notify again."""
        if not statuses:
            return
        key = f"{STATUSES_PREFIX}{financial_year}"
        with self.client.pipeline(transaction=True) as pipe:
            for notification_id, status in statuses.items():
                pipe.hset(key, notification_id, status)
            pipe.expire(key, LOG_TTL_SECONDS)
            pipe.execute()

    @_unavailable_on_error
    def failures(self) -> list[dict[str, Any]]:
        """The latest refused or failed sends, newest first."""
        return [json.loads(item) for item in self.client.lrange(FAILURES_KEY, 0, -1)]

    @_unavailable_on_error
    def mute(self, day: date, rule_id: str, service_id: str, by: str, reason: str) -> None:
        """Mute a rule for a service for the rest of `day`."""
        key = f"{MUTES_PREFIX}{day.isoformat()}"
        entry = json.dumps({"by": by, "reason": reason, "at": time.time()})
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, f"{rule_id}/{service_id}", entry)
            pipe.expire(key, MUTE_TTL_SECONDS)
            pipe.execute()

    @_unavailable_on_error
    def mutes(self, day: date) -> dict[tuple[str, str], dict[str, Any]]:
        """The day's mutes by (rule id, service id)."""
        stored = self.client.hgetall(f"{MUTES_PREFIX}{day.isoformat()}")
        found = {}
        for field, value in stored.items():
            rule_id, _, service_id = _text(field).partition("/")
            found[(rule_id, service_id)] = json.loads(value)
        return found
