"""A long table one page at a time, so that a rerun sends the rows a reader sees, not every row.

At 10,000 services a whole table is about 3.7 MB on every rerun. The filters and the sort run
over every row first, so the counts, the order and the CSV are the whole table's; only the rows
drawn are a page of it.
"""

import re
from dataclasses import dataclass

#: The page sizes a reader can choose (`?rows=`); the default is the second.
PAGE_SIZES: tuple[int, ...] = (25, 100, 500)
DEFAULT_PAGE_SIZE = 100
#: A page number as a URL may hold it: ASCII digits only (`int()` would also read "٣" or " 3").
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Page:
    """Which rows of `total` are on screen: `start` to `stop` (as a slice), page `number` of
    `pages` (1-based; an empty table has one empty page), and what to say when the page asked
    for is not one there is."""

    number: int
    pages: int
    start: int
    stop: int
    total: int
    message: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def words(self, one: str = "service", many: str = "services") -> str:
        """ "Showing 101–200 of 1,987 services", "Showing 1 of 1 service", "No services to show"."""
        if self.total == 0:
            return f"No {many} to show"
        noun = one if self.total == 1 else many
        if self.stop - self.start == 1:
            return f"Showing {self.stop:,} of {self.total:,} {noun}"
        return f"Showing {self.start + 1:,}–{self.stop:,} of {self.total:,} {noun}"


def page_size_of(requested: str | None) -> int:
    """The page size a URL asks for, when it is one of `PAGE_SIZES`; else the default."""
    sizes = {str(size): size for size in PAGE_SIZES}
    return sizes.get(requested or "", DEFAULT_PAGE_SIZE)


def page_of(total: int, size: int, requested: str | int | None, many: str = "rows") -> Page:
    """The page `requested` (from a URL or a button) of `total` rows, `size` to a page.

    Anything that is not a page number (missing, "abc", "-2", "0") is page 1, as a URL value a
    widget cannot hold is dropped; a page past the end is the last page, and says so (a link
    kept from a longer list, or written by hand), never an empty table or an error.
    """
    pages = max(1, -(-total // size))
    text = str(requested).strip() if requested is not None else ""
    number = int(text) if _PAGE_NUMBER.fullmatch(text) else 1
    message = None
    if number > pages:
        message = (
            f"There is no page {number:,}: {total:,} {many} make {pages:,} "
            f"page{'s' if pages != 1 else ''} of {size:,}. Showing the last."
        )
        number = pages
    number = max(1, number)
    start = (number - 1) * size
    return Page(number, pages, start, min(total, start + size), total, message)
