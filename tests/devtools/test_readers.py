"""Fifty readers at once, at a tiny size: real dashboard processes on one real Redis, raw
WebSocket sessions opened together, and nothing left running afterwards."""

import argparse

import psutil
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devtools.readers import (
    View,
    ViewFailed,
    _check_page,
    counts_of,
    measure,
    percentile,
    processes_of,
    report,
    views_for,
)


def test_the_mix_is_the_issues_shares():
    assert counts_of(50) == {"service": 30, "": 10, "services": 5, "allowances": 5}
    assert counts_of(10) == {"service": 6, "": 2, "services": 1, "allowances": 1}
    for readers in (1, 3, 4, 7, 49):
        assert sum(counts_of(readers).values()) == readers


def test_each_service_page_reader_has_a_service_of_its_own():
    ids = [f"service-{number}" for number in range(100)]

    views = views_for(50, ids)

    services = [view.query for view in views if view.page == "service"]
    assert len(services) == 30 and len(set(services)) == 30
    assert sorted(view.page for view in views if view.page != "service") == sorted(
        [""] * 10 + ["services"] * 5 + ["allowances"] * 5
    )


def test_the_percentile_is_a_time_some_reader_waited():
    seconds = tuple(float(number) for number in range(1, 21))

    assert percentile(seconds, 50) == 10.0
    assert percentile(seconds, 95) == 19.0
    assert percentile((4.0,), 95) == 4.0


def test_processes_are_numbers_separated_by_commas():
    assert processes_of("1,2") == [1, 2]
    for text in ("", "two", "0,1"):
        with pytest.raises(argparse.ArgumentTypeError, match="not numbers of processes"):
            processes_of(text)


def navigation(current: str) -> ForwardMsg:
    message = ForwardMsg()
    for name, url, default in (("Overview", "", True), ("Service", "service", False)):
        page = message.navigation.app_pages.add()
        page.page_script_hash, page.url_pathname, page.is_default = name, url, default
    message.navigation.page_script_hash = current
    return message


def test_a_view_of_another_page_than_the_one_asked_for_fails():
    _check_page(View("service", "service_id=x"), navigation("Service"))
    _check_page(View(""), navigation("Overview"))

    with pytest.raises(ViewFailed, match="the server ran the default"):
        _check_page(View("no-such-page"), navigation("Overview"))


def test_four_readers_on_one_process_get_their_pages_and_leave_nothing_running(tmp_path):
    before = {child.pid for child in psutil.Process().children(recursive=True)}

    (run,) = measure(4, 60, [1], tmp_path)

    assert run.processes == 1
    assert len(run.seconds) == 4
    assert all(0 < seconds < 120 for seconds in run.seconds)
    assert 0 < run.alone < 120
    assert 0 < run.cpu_per_view < 120
    assert 0 < run.client_cpu_per_view < run.cpu_per_view
    assert run.p50 <= run.p95 == max(run.seconds)
    assert len(run.load_before.split()) == 3
    assert sorted(page.page for page in run.by_page) == ["All services", "Overview", "Service"]
    assert all(0 < page.server_cpu < 120 and page.client_cpu > 0 for page in run.by_page)
    table = report(4, 60, [run], {"Service": 28.3})
    assert "| 1 | " in table and "4 readers at once, 60 services" in table
    assert "| Service | " in table and "| 28 ms |" in table and "| Overview | " in table
    after = {child.pid for child in psutil.Process().children(recursive=True)}
    assert after <= before
