"""A loader's output built once per process for the same cached answers.

While Redis holds the same bytes, the cache hands back the very same decoded objects
(`cache/memo.py`): a loader given them again would build the same table again, and at 2,000
services that is most of a warm page's server time. `OutputMemo` keeps, per name and
arguments, the answers last built from and what they built, and gives that back while every
answer is the same object as then. Identity, not equality: nothing is hashed or compared
field by field, an answer read anew from the API is never mistaken for the old one, and the
answers are held, so their ids cannot be reused. An answer that failed (an exception, new each
time) is never the same, so a page with a failed part is built afresh on every view.

The output is shared by every session of the process: pages never change what a loader gives
them (they filter into new frames), as everywhere in this project.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from dashboard.identity import same_answer

T = TypeVar("T")

#: Enough for every platform page's outputs at every window and year a few readers look at,
#: and the Service page's parts (six or so a service) for a few hundred services.
MAX_ENTRIES = 2048


def _all_same(old: Sequence[Any], new: Sequence[Any]) -> bool:
    return len(old) == len(new) and all(same_answer(a, b) for a, b in zip(old, new, strict=True))


class OutputMemo:
    """Per key, the answers last built from and the output; the least recently used dropped
    beyond `max_entries`."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()

    def build(self, key: Hashable, answers: Sequence[Any], build: Callable[[], T]) -> T:
        """`build()`, or what it gave last time under `key` from these very answers."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _all_same(entry[0], answers):
                self._entries.move_to_end(key)
                result: T = entry[1]
                return result
        output = build()
        with self._lock:
            self._entries[key] = (tuple(answers), output)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return output


#: The process's one memo, shared by every loader and session.
OUTPUTS = OutputMemo()
