"""The cache's own keys beside each value, and the Lua scripts that change them together.

Beside a value under `key` the cache may keep, under prefixes of its own (the admin app never
reads them, and what the admin-shared keys hold is unchanged):

- `dashboard-lock:{key}`: a short lock held by the one reader loading the value from the API
  (single flight across processes), for a miss or a refresh ahead alike; it holds a random
  token, and only its holder deletes it;
- `dashboard-stale:{key}`: the last good copy and when it was read from the API, kept 30 days,
  served when the API fails after the value expired (a hash: `value`, `stored_at`);
- `dashboard-generation:{key}`: a random token that a service update replaces before and after
  its API call. A reader reads it before its own API call, and its value is stored only if the
  token is still the same, so a reader that raced an update never leaves the old value behind.

An update may name a pattern (`service-{id}-free-sms-fragment-limit-*`): its generation key is
the pattern's, and a reader checks the generation of every registered pattern its key matches.
Each script runs as one atomic step on the Redis server.
"""

import re
from functools import cache

LOCK_PREFIX = "dashboard-lock:"
STALE_PREFIX = "dashboard-stale:"
GENERATION_PREFIX = "dashboard-generation:"
STALE_TTL_SECONDS = 30 * 24 * 60 * 60
# Long beyond any reader's API call: a token that expired mid-call would let an old value in.
GENERATION_TTL_SECONDS = 24 * 60 * 60

# A claim's first reply: the value is there, this reader now holds the lock, or another does.
LANDED, LOCKED, HELD = 1, 2, 0

# KEYS: value, lock, generations…  ARGV: token, lock milliseconds.
# The value when it is there; else tries the lock, and gives the generations as they are now.
CLAIM = """
local value = redis.call('GET', KEYS[1])
if value then
  return {1, value, redis.call('PTTL', KEYS[1])}
end
local reply = {0, '', -2}
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  reply[1] = 2
end
for i = 3, #KEYS do
  reply[#reply + 1] = redis.call('GET', KEYS[i]) or ''
end
return reply
"""

# A refresh's claim: not due (another reader refreshed it, or it has no TTL), held by another
# reader, or this reader now holds the lock.
NOT_DUE, REFRESH_HELD, REFRESH_LOCKED = 0, 1, 2

# KEYS: value, lock, generations…  ARGV: token, lock milliseconds, due within milliseconds.
# Takes the lock only if the value is missing or expires within the given time, and gives the
# generations as they are now (for STORE).
CLAIM_REFRESH = """
local pttl = redis.call('PTTL', KEYS[1])
if pttl == -1 or pttl > tonumber(ARGV[3]) then
  return {0}
end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1}
end
local reply = {2}
for i = 3, #KEYS do
  reply[#reply + 1] = redis.call('GET', KEYS[i]) or ''
end
return reply
"""

# KEYS: value, stale copy, lock, generations…
# ARGV: json, ttl, stale ttl, stored_at, token, the generations read before the API call…
# Stores the value and its last good copy only when no generation moved; frees the lock.
STORE = """
local stored = 1
for i = 4, #KEYS do
  if (redis.call('GET', KEYS[i]) or '') ~= ARGV[i + 2] then
    stored = 0
  end
end
if stored == 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  redis.call('HSET', KEYS[2], 'value', ARGV[1], 'stored_at', ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
if redis.call('GET', KEYS[3]) == ARGV[5] then
  redis.call('DEL', KEYS[3])
end
return stored
"""

# KEYS: lock. ARGV: token. Frees the lock only if this reader still holds it.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# Pattern formats that updates invalidate, e.g. `service-{service_id}-free-sms-fragment-limit-*`.
_PATTERNS: set[str] = set()
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def lock_key(key: str) -> str:
    return LOCK_PREFIX + key


def stale_key(key: str) -> str:
    return STALE_PREFIX + key


def generation_key(key_or_pattern: str) -> str:
    return GENERATION_PREFIX + key_or_pattern


def register_pattern(pattern_format: str) -> None:
    """Tell readers that updates invalidate every key this pattern format matches."""
    _PATTERNS.add(pattern_format)
    _compiled.cache_clear()


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for pattern_format in sorted(_PATTERNS):
        prefix = pattern_format.removesuffix("*")
        parts, position = [], 0
        for match in _PLACEHOLDER.finditer(prefix):
            parts.append(re.escape(prefix[position : match.start()]))
            parts.append(f"(?P<{match.group(1)}>.+?)")
            position = match.end()
        parts.append(re.escape(prefix[position:]))
        compiled.append((re.compile("^" + "".join(parts)), pattern_format))
    return compiled


def generation_keys(key: str) -> list[str]:
    """The generation keys a value stored under `key` must find unchanged: its own and those
    of the patterns it matches."""
    keys = [generation_key(key)]
    for regex, pattern_format in _compiled():
        match = regex.match(key)
        if match is not None:
            keys.append(generation_key(pattern_format.format(**match.groupdict())))
    return keys
