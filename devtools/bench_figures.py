"""The benchmark's arithmetic and its table: medians, ratios, scaling, growth, bytes.

Nothing here measures anything; `bench` hands it the samples. The machine is shared and
noisy, so the figures worth comparing are ratios of medians of two sides measured in one run.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """Two sides measured in one run, interleaved: milliseconds of each, A against B."""

    a: tuple[float, ...]
    b: tuple[float, ...]

    @property
    def median_a(self) -> float:
        return statistics.median(self.a)

    @property
    def median_b(self) -> float:
        return statistics.median(self.b)

    @property
    def ratio(self) -> float:
        """How many times longer A took than B."""
        return self.median_a / self.median_b


def scaled(sample_ms: float, sampled: int, total: int) -> float:
    """The time of `total` items from the time of `sampled` of them, for work that costs the
    same per item (one service's calls after another's, in batches of the same width)."""
    return sample_ms * total / sampled


def growth(by_size: dict[int, float]) -> tuple[float, float]:
    """From the smallest size to the largest: how many times the figure grew, and how many
    times the size did."""
    smallest, largest = min(by_size), max(by_size)
    return by_size[largest] / by_size[smallest], largest / smallest


def ms(value: float) -> str:
    """Milliseconds, with a decimal only where it tells something: "3.1 ms", "1,452 ms"."""
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def times(value: float) -> str:
    return f"{value:,.1f}×" if value < 100 else f"{value:,.0f}×"


def kilobytes(value: float) -> str:
    return f"{value / 1024:,.1f} KB"


def compared(comparison: Comparison) -> str:
    """A ratio with the medians it is made of: "41.0× (1,452 ms / 35.4 ms)"."""
    return f"{times(comparison.ratio)} ({ms(comparison.median_a)} / {ms(comparison.median_b)})"


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure at each size, the target, and whether it was met
    (None where the line is a comparison with no pass or fail)."""

    measure: str
    cells: dict[int, str]
    target: str
    met: bool | None = None


def _met(row: Row) -> str:
    return "" if row.met is None else ("yes" if row.met else "**no**")


def table(sizes: Sequence[int], rows: Sequence[Row]) -> str:
    """A Markdown table with one column per number of services; "–" where a line has no
    figure at that size."""
    lines = [
        "| measure | " + " | ".join(f"{size:,} services" for size in sizes) + " | target | met |",
        "|---|" + "---|" * len(sizes) + "---|---|",
    ]
    for row in rows:
        cells = " | ".join(row.cells.get(size, "–") for size in sizes)
        lines.append(f"| {row.measure} | {cells} | {row.target} | {_met(row)} |")
    return "\n".join(lines)
