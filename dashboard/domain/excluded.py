"""Services a platform page could not place, so that its totals never shrink in silence."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Excluded:
    """A service the totals leave out, and why."""

    service_id: str
    name: str
    reason: str


def exclusion_note(excluded: Sequence[Excluded]) -> str | None:
    """The sentence beside the totals, e.g. "These totals exclude 2 services …"; None when
    nothing was left out. Service names are listed apart, as plain text."""
    if not excluded:
        return None
    count = len(excluded)
    services = "1 service" if count == 1 else f"{count:,} services"
    return f"These totals exclude {services} that could not be read whole (listed below)."
