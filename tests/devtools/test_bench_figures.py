"""The benchmark's arithmetic and table: medians, ratios, scaling, growth and their text."""

import pytest

from devtools.bench_figures import (
    Comparison,
    Row,
    compared,
    growth,
    kilobytes,
    ms,
    scaled,
    table,
    times,
)


def test_a_comparison_is_the_ratio_of_the_two_medians():
    comparison = Comparison(a=(30.0, 10.0, 20.0, 1000.0, 25.0), b=(2.0, 4.0, 5.0))

    assert (comparison.median_a, comparison.median_b) == (25.0, 4.0)
    assert comparison.ratio == 6.25


def test_an_even_number_of_samples_takes_the_middle_two():
    assert Comparison(a=(1.0, 2.0, 3.0, 10.0), b=(1.0,)).median_a == 2.5


def test_a_sample_scales_to_the_whole_in_proportion():
    assert scaled(2800.0, 16, 1000) == 175_000.0
    assert scaled(10.0, 10, 10) == 10.0


def test_growth_is_from_the_fewest_to_the_most_whatever_the_order():
    assert growth({10_000: 200.0, 500: 10.0, 2000: 40.0}) == (20.0, 20.0)
    assert growth({2000: 3.0, 500: 4.0}) == (0.75, 4.0)


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.14, "3.1 ms"), (99.94, "99.9 ms"), (100.0, "100 ms"), (260_403.4, "260,403 ms")],
)
def test_milliseconds_show_a_decimal_only_below_a_hundred(value, text):
    assert ms(value) == text


def test_ratios_and_kilobytes():
    assert (times(1.25), times(330.4)) == ("1.2×", "330×")
    assert (kilobytes(2048), kilobytes(17_101)) == ("2.0 KB", "16.7 KB")


def test_a_comparison_reads_as_its_ratio_and_medians():
    assert compared(Comparison(a=(1452.0,), b=(35.4,))) == "41.0× (1,452 ms / 35.4 ms)"


def test_the_table_has_a_column_per_size_and_marks_targets():
    text = table(
        [500, 10_000],
        [
            Row("calls", {500: "3", 10_000: "3"}, "≤ 4", True),
            Row("warm", {500: "9.3 ms", 10_000: "80 ms"}, "≤ 51.5 ms", False),
            Row("growth", {10_000: "8.6×"}, "", None),
        ],
    )

    assert text.splitlines() == [
        "| measure | 500 services | 10,000 services | target | met |",
        "|---|---|---|---|---|",
        "| calls | 3 | 3 | ≤ 4 | yes |",
        "| warm | 9.3 ms | 80 ms | ≤ 51.5 ms | **no** |",
        "| growth | – | 8.6× |  |  |",
    ]
