"""What every loader is given: the clients, the API named safely, calls at once, a deadline."""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from dashboard.notify_client import NotifyClients
from dashboard.notify_client.calls import Outcome, gather

#: What a read started after the page's deadline still gets: a value already in Redis lands
#: in this time, so a late part shows its current copy rather than its last good one.
GRACE_SECONDS = 0.1


@dataclass(frozen=True)
class LoaderContext:
    """One value instead of four arguments on every loader.

    `api_label` is the API's URL without credentials, for messages; `deadline_seconds` is how
    long a page waits for its calls before it shows what it has (last good copies, marked "as
    of") and says what is missing. A page starts its clock with `starting_now()`: every read
    it makes after that, the picker's included, shares that one deadline.
    """

    clients: NotifyClients
    api_label: str
    max_workers: int = 8
    deadline_seconds: float = 15.0
    deadline_at: float | None = None

    def starting_now(self) -> "LoaderContext":
        """This context with the page's deadline counted from now."""
        return replace(self, deadline_at=time.monotonic() + self.deadline_seconds)

    def seconds_left(self) -> float:
        """What is left of the page's deadline (all of it when the page started no clock)."""
        if self.deadline_at is None:
            return self.deadline_seconds
        return max(GRACE_SECONDS, self.deadline_at - time.monotonic())

    def gather(self, calls: Mapping[str, Callable[[], Any]]) -> dict[str, Outcome]:
        """The calls at once, within what is left of the page's deadline; a late one is its
        last good copy, or says the page's deadline."""
        return gather(calls, self.max_workers, self.seconds_left(), self.deadline_seconds)
