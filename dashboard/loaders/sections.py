"""A page is made of sections, each either ready with its value or failed with a message.

A page matches on the two (`isinstance(section, Ready)`), so it cannot show a section that
failed, and every section says how fresh it is, failed or not (a failed one may still have
read some of its calls from the cache).
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from dashboard.loaders.errors import describe_error
from dashboard.loaders.freshness import Freshness, freshness_of
from dashboard.loaders.output_memo import OUTPUTS
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
    outcomes: Sequence[Outcome],
    build: Callable[..., T],
    api_label: str,
    *,
    kept_as: Hashable | None = None,
) -> Ready[T] | Failed:
    """A section from the calls it is made of: the first failure's message, or `build(*values)`.

    With `kept_as` (a key naming whatever else `build` depends on: the service, the year), the
    value is built once per process for the same cached answers (`OUTPUTS`), so a reader who
    opens a page another has opened since its data last changed does not build it again.
    """
    freshness = merged_freshness(outcomes)
    for outcome in outcomes:
        if outcome.error is not None:
            return Failed(describe_error(outcome.error, api_label), freshness)
    values: list[Any] = [outcome.value for outcome in outcomes]
    if kept_as is None:
        return Ready(build(*values), freshness)
    return Ready(OUTPUTS.build(kept_as, values, lambda: build(*values)), freshness)
