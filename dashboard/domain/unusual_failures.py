"""Whether a channel's failure rate is unusual for the service that sent the messages.

A failure rate means little alone: 4 % is normal for one service's texts and a problem for
another's emails. So the rule compares a channel's rate in a window with the same service's
own recent past (the windows of the same length just before it), and only when enough
messages stand behind the rate for it to mean something: 1 failure in 3 is not a trend.

The rule, in full (``UNUSUAL_MEANING`` is the sentence the pages show):

- the window has at least ``MIN_REQUESTED`` messages requested and ``MIN_FAILED`` failed;
- at least one earlier window had messages, so there is a past to compare with;
- the rate is above the highest rate of any earlier window (up to ``MAX_EARLIER_WINDOWS``);
- the rate is at least ``MULTIPLE`` times the earlier windows' rate taken together
  (their failures over their requests), and at least ``MIN_RISE`` above it, so that a move
  from 0.1 % to 0.3 % is not called unusual.

"Failed" and "requested" are the statistics endpoint's (``dashboard.domain.statistics``):
every failed status, and every notification but cancelled ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The fewest messages requested in a window for its failure rate to be judged.
MIN_REQUESTED = 50
#: The fewest failures in a window for its failure rate to be judged.
MIN_FAILED = 5
#: How many times the earlier windows' rate the window's rate must reach.
MULTIPLE = 2.0
#: How far (as a fraction: 0.02 is 2 percentage points) above the earlier rate it must be.
MIN_RISE = 0.02
#: How many earlier windows of the same length the rule looks back over.
MAX_EARLIER_WINDOWS = 4

# Rates are ratios of counts: compare them with a margin so that 3 % against 1 % is a rise of
# exactly 2 points, not 1.9999999999999997.
_MARGIN = 1e-9

#: The one sentence every page shows to say what "unusual" means.
UNUSUAL_MEANING = (
    f"A failure rate is unusual when at least {MIN_REQUESTED} messages were requested and "
    f"{MIN_FAILED} failed, and the rate is above the highest of the service's "
    f"{MAX_EARLIER_WINDOWS} previous windows of the same length, at least "
    f"{MULTIPLE:g} times their rate taken together and at least "
    f"{MIN_RISE * 100:g} percentage points above it."
)


@dataclass(frozen=True)
class WindowCounts:
    """One channel's requested and failed counts over one window of days."""

    requested: int
    failed: int

    @property
    def rate(self) -> float:
        """Failed / requested; 0.0 when nothing was requested."""
        return self.failed / self.requested if self.requested else 0.0


@dataclass(frozen=True)
class UnusualVerdict:
    """What the rule found for one channel of one service.

    ``usual_rate`` is the earlier windows' rate taken together and ``highest_earlier`` the
    highest of them (both None when there was no earlier window with messages). ``reason``
    says in words why the rate is or is not unusual.
    """

    unusual: bool
    rate: float
    usual_rate: float | None
    highest_earlier: float | None
    reason: str


def judge_failure_rate(current: WindowCounts, earlier: Sequence[WindowCounts]) -> UnusualVerdict:
    """Whether ``current``'s failure rate is unusual against ``earlier`` windows.

    ``earlier`` holds the windows of the same length before ``current``, the nearest first;
    only the first ``MAX_EARLIER_WINDOWS`` count, and windows with nothing requested are
    skipped (a channel that sent nothing has no rate).
    """
    rate = current.rate
    past = [window for window in earlier[:MAX_EARLIER_WINDOWS] if window.requested > 0]
    if not past:
        return UnusualVerdict(False, rate, None, None, "No earlier window to compare with.")
    requested = sum(window.requested for window in past)
    usual = sum(window.failed for window in past) / requested
    highest = max(window.rate for window in past)

    def verdict(unusual: bool, reason: str) -> UnusualVerdict:
        return UnusualVerdict(unusual, rate, usual, highest, reason)

    if current.requested < MIN_REQUESTED or current.failed < MIN_FAILED:
        return verdict(False, "Too few messages or failures to judge.")
    if rate <= highest + _MARGIN:
        return verdict(False, "Not above the highest earlier window.")
    if rate < MULTIPLE * usual - _MARGIN or rate - usual < MIN_RISE - _MARGIN:
        return verdict(False, "Not far enough above the earlier rate.")
    return verdict(True, f"{rate:.1%} against {usual:.1%} before.")


def is_unusual(current: WindowCounts, earlier: Sequence[WindowCounts]) -> bool:
    """True when ``judge_failure_rate`` calls ``current``'s failure rate unusual."""
    return judge_failure_rate(current, earlier).unusual
