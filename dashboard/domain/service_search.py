"""The Service page's picker narrowed by a search, so a page never sends every service.

A selectbox sends all its options on every rerun: 10,000 services made 10,000 options. The
picker shows at most `PICKER_MOST` of them, the first (by name) whose name or id holds what the
reader typed, as the selectbox's own search matched them ("name · id", any part, any case).
"""

from collections.abc import Mapping
from dataclasses import dataclass

#: The most services the picker lists: every service of a small platform, a short list to
#: choose from of a large one (about 14 kB of options, against 700 kB for 10,000).
PICKER_MOST = 200


@dataclass(frozen=True)
class Found:
    """The service ids to list, in order, and how many services matched in all."""

    ids: tuple[str, ...]
    matches: int

    @property
    def cut(self) -> bool:
        """More services matched than are listed."""
        return self.matches > len(self.ids)

    def note(self, text: str) -> str | None:
        """What a picker says under its list for the search `text`: that the list is cut, or
        that nothing matched; None when it lists every match."""
        if self.cut:
            return (
                f"Listing the first {PICKER_MOST:,} of {self.matches:,} services"
                f"{' that match' if text.strip() else ''}: type part of a name or an id in "
                "Find a service to narrow the list."
            )
        if text.strip() and not self.matches:
            return "No service's name or id holds that."
        return None


def find_services(
    names: Mapping[str, str], text: str, current: str | None = None, most: int = PICKER_MOST
) -> Found:
    """The first `most` services (in `names`' order) whose name or id contains `text`, ignoring
    case and the spaces around it; every service for no text. The `current` service (the
    one the page shows) is listed first when it is not among them, so the picker still
    names it."""
    wanted = text.strip().casefold()
    matching = [
        service_id
        for service_id, name in names.items()
        if not wanted or wanted in name.casefold() or wanted in service_id.casefold()
    ]
    listed = matching[:most]
    if current is not None and current in names and current not in listed:
        listed = [current, *listed]
    return Found(tuple(listed), len(matching))
