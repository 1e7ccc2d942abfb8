"""Each template's share of what its service sent, for the template statistics endpoints.

The generated file keeps counts per service, channel and day, not per template. A service's
counts on a channel are shared among its templates of that channel by fixed weights taken from
each template's id, so the shares add up exactly to the service's counts (what the statistics
endpoint reports), stay the same on every request, and differ between templates. Failures are
shared by weights of their own, so that one template can fail more often than another, as on
the real platform where a bad list of addresses belongs to one template.
"""

import hashlib
from collections.abc import Mapping, Sequence

from notify_sandbox.facts import FAILED_STATUSES


def _weight(template_id: str, salt: str) -> int:
    """1 to 9, fixed for a template and a salt."""
    digest = hashlib.sha256(f"{salt}:{template_id}".encode()).digest()
    return 1 + digest[0] % 9


def _weights(template_ids: Sequence[str], status: str) -> list[int]:
    base = [_weight(template_id, "volume") for template_id in template_ids]
    if status not in FAILED_STATUSES:
        return base
    return [
        weight * _weight(template_id, "failures")
        for weight, template_id in zip(base, template_ids, strict=True)
    ]


def share(count: int, weights: Sequence[int]) -> list[int]:
    """`count` cut into whole shares in proportion to `weights`, adding up to `count` (largest
    remainders first, the earlier template on a tie)."""
    total = sum(weights)
    if total <= 0 or count <= 0:
        return [0] * len(weights)
    exact = [count * weight / total for weight in weights]
    shares = [int(part) for part in exact]
    left = count - sum(shares)
    order = sorted(range(len(weights)), key=lambda index: (shares[index] - exact[index], index))
    for index in order[:left]:
        shares[index] += 1
    return shares


def split_by_template(
    template_ids: Sequence[str], counts_by_status: Mapping[str, int]
) -> dict[str, dict[str, int]]:
    """Template id → status → count, from one channel's counts by status (zeros left out)."""
    split: dict[str, dict[str, int]] = {template_id: {} for template_id in template_ids}
    if not template_ids:
        return split
    for status, count in counts_by_status.items():
        for template_id, part in zip(
            template_ids, share(count, _weights(template_ids, status)), strict=True
        ):
            if part:
                split[template_id][status] = part
    return split
