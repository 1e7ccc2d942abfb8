"""Live means what the API means: active, out of trial mode and counted as live."""

from uuid import uuid4

import pytest

from dashboard.domain.liveness import (
    INACTIVE,
    LIVE,
    NOT_COUNTED,
    TRIAL,
    is_live,
    service_status,
)
from tests.domain.platform_answers import service


@pytest.mark.parametrize(
    ("active", "restricted", "count_as_live", "status"),
    [
        (True, False, True, LIVE),
        (True, True, True, TRIAL),
        (True, False, False, NOT_COUNTED),
        (False, False, True, INACTIVE),
        (False, True, False, INACTIVE),
    ],
)
def test_each_state_has_one_name_and_only_live_is_live(active, restricted, count_as_live, status):
    one = service(
        str(uuid4()),
        "A service",
        "local",
        active=active,
        restricted=restricted,
        count_as_live=count_as_live,
    )

    assert service_status(one) == status
    assert is_live(one) is (status == LIVE)
