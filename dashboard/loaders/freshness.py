"""How fresh a section's numbers are, in words a reader of the page understands."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dashboard.domain.financial_year import LONDON
from dashboard.notify_client.calls import Lookup


@dataclass(frozen=True)
class Freshness:
    """Whether a section came from the cache, how old its oldest number is, how long it took."""

    from_cache: bool
    oldest_seconds: float | None
    cache_failed: bool
    milliseconds: float
    lookups: int
    stale_since: float | None = None

    @property
    def summary(self) -> str:
        if not self.lookups:
            return "Not read"
        if self.stale_since is not None:
            as_of = datetime.fromtimestamp(self.stale_since, LONDON).strftime("%d %b %Y %H:%M")
            return f"As of {as_of}, the API did not answer: these are the last numbers it gave"
        if self.cache_failed:
            return "Read from the API: the cache is not answering"
        if self.from_cache:
            return f"From the cache, {describe_age(self.oldest_seconds)}"
        return "Just read from the API"


def describe_age(seconds: float | None) -> str:
    if seconds is None:
        return "age unknown"
    if seconds < 60:
        return "under a minute old"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} old"
    hours = seconds / 3600
    if hours < 48:
        return f"{int(hours)} hour{'s' if int(hours) != 1 else ''} old"
    return f"{int(hours // 24)} days old"


def freshness_of(lookups: Iterable[Lookup], milliseconds: float) -> Freshness:
    """A section is from the cache only when every number in it was; its age is the oldest's.
    When the API failed and a last good copy stood in, the section is as old as the oldest copy.

    `milliseconds` is the wall time the section took: its calls overlap, so their own times
    do not add up to it.
    """
    lookups = list(lookups)
    ages = [lookup.age_seconds for lookup in lookups if lookup.from_cache]
    known = [age for age in ages if age is not None]
    stale = [lookup.stored_at for lookup in lookups if lookup.stale and lookup.stored_at]
    return Freshness(
        from_cache=bool(lookups) and all(lookup.from_cache for lookup in lookups),
        oldest_seconds=max(known) if known else None,
        cache_failed=any(lookup.outcome == "error" for lookup in lookups),
        milliseconds=milliseconds,
        lookups=len(lookups),
        stale_since=min(stale) if stale else None,
    )


def combined(first: Freshness, second: Freshness) -> Freshness:
    """Two parts read one after the other and shown as one section, so that it has one
    freshness line: from the cache only when both were, as old as the older, as long as both."""
    parts = [part for part in (first, second) if part.lookups]
    ages = [part.oldest_seconds for part in parts if part.oldest_seconds is not None]
    stale = [part.stale_since for part in parts if part.stale_since is not None]
    return Freshness(
        from_cache=bool(parts) and all(part.from_cache for part in parts),
        oldest_seconds=max(ages) if ages else None,
        cache_failed=any(part.cache_failed for part in parts),
        milliseconds=first.milliseconds + second.milliseconds,
        lookups=first.lookups + second.lookups,
        stale_since=min(stale) if stale else None,
    )
