"""The benchmark's own steps: its samples, its sizes, and a sandbox per size on an empty Redis."""

import argparse

import pytest

from devtools.bench import evenly, sandbox_api, sizes_of
from tests.conftest import settings_for_tests


def test_a_sample_is_spread_over_the_whole_list():
    assert evenly(list(range(10)), 3) == [0, 3, 6]
    assert evenly(list(range(4)), 10) == [0, 1, 2, 3]


def test_sizes_are_numbers_of_services_separated_by_commas():
    assert sizes_of("500,2000,10_000") == [500, 2000, 10_000]
    assert sizes_of("2000") == [2000]
    for text in ("", "many", "0,500"):
        with pytest.raises(argparse.ArgumentTypeError, match="not numbers of services"):
            sizes_of(text)


def test_each_size_starts_from_an_empty_redis_and_reads_its_own_services(
    cache, redis_client, tmp_path
):
    settings = settings_for_tests()
    with sandbox_api(settings, cache, 20, tmp_path) as api:
        fewer = {service.id for service in api.fast.services.get_services()}
    assert redis_client.exists("services")

    with sandbox_api(settings, cache, 30, tmp_path) as api:
        assert redis_client.dbsize() == 0
        more = {service.id for service in api.fast.services.get_services()}
        assert {service.id for service in api.real.services.get_services()} == more
        assert {service.id for service in api.fresh().services.get_services()} == more

    assert len(more) > len(fewer)
