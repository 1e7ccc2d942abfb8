"""A page is made of sections, each either ready with its value or failed with a message.

A page matches on the two (`isinstance(section, Ready)`), so it cannot show a section that
failed, and every section says how fresh it is, failed or not (a failed one may still have
read some of its calls from the cache).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness, freshness_of
from dashboard.notify_client.calls import Outcome

T = TypeVar("T")


@dataclass(frozen=True)
class Ready(Generic[T]):
    """A section that has its value."""

    value: T
    freshness: Freshness


@dataclass(frozen=True)
class Failed:
    """A section that could not be read, and the one sentence that says why."""

    message: str
    freshness: Freshness


Section: TypeAlias = Ready[T] | Failed


def merged_freshness(outcomes: Sequence[Outcome]) -> Freshness:
    """Calls made at once: the section took as long as the slowest of them."""
    return freshness_of(
        (lookup for outcome in outcomes for lookup in outcome.lookups),
        max((outcome.milliseconds for outcome in outcomes), default=0.0),
    )


def section_of(
    outcomes: Sequence[Outcome], build: Callable[..., T], api_label: str
) -> Ready[T] | Failed:
    """A section from the calls it is made of: the first failure's message, or `build(*values)`."""
    freshness = merged_freshness(outcomes)
    for outcome in outcomes:
        if outcome.error is not None:
            return Failed(describe_error(outcome.error, api_label), freshness)
    values: list[Any] = [outcome.value for outcome in outcomes]
    return Ready(build(*values), freshness)
