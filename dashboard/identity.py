"""Whether two answers from the cache are the same objects, for the memos built on them.

While Redis holds the same bytes the cache hands back the same decoded objects, each reader's
list or dict a fresh container of them (`cache/memo.py`), so that one reader's sort cannot
change the next one's. A memo of what was built from an answer (the loaders' outputs, a
window's counts summed from its days) asks this, not `is`, which a fresh container never is.
"""

from typing import Any


def same_answer(old: Any, new: Any) -> bool:
    """The same object, or a fresh list or dict of the same objects."""
    if old is new:
        return True
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(old[key] is new[key] for key in old)
    return False
