"""The concurrency helper: each call's value or exception, in order, in the caller's context."""

import threading
from contextvars import ContextVar

import pytest

from dashboard.concurrency import Result, run_all, timed_call

WHO = ContextVar("who", default="nobody")


def fail(message: str):
    raise KeyError(message)


def test_each_call_keeps_its_value_or_its_exception_in_the_order_given():
    results = run_all({"b": lambda: 2, "a": lambda: fail("no a"), "c": lambda: 3}, max_workers=3)

    assert list(results) == ["b", "a", "c"]
    assert [results["b"].value, results["c"].value] == [2, 3]
    assert isinstance(results["a"].error, KeyError)
    assert [result.ok for result in results.values()] == [True, False, True]
    assert all(result.milliseconds >= 0 for result in results.values())


def test_several_calls_run_in_threads_that_see_the_callers_context():
    WHO.set("the page")
    seen = run_all(
        {n: lambda: (WHO.get(), threading.current_thread().name) for n in range(4)},
        max_workers=4,
    )

    assert {result.value[0] for result in seen.values()} == {"the page"}
    assert threading.current_thread().name not in {result.value[1] for result in seen.values()}


def test_a_single_call_runs_in_the_callers_thread():
    (result,) = run_all({"only": lambda: threading.current_thread().name}).values()

    assert result.value == threading.current_thread().name


def test_unwrap_gives_the_value_or_raises_the_calls_own_exception():
    assert Result(value=5).unwrap() == 5
    with pytest.raises(KeyError, match="gone"):
        timed_call(lambda: fail("gone")).unwrap()
