"""The benchmark's lines against issue 7's targets, from figures made up for each case."""

from dataclasses import replace

from devtools.bench_figures import Comparison
from devtools.bench_report import SizeFigures, memory_by_kind, report, rows
from devtools.redis_memory import MemoryUse


def memory(services: int) -> MemoryUse:
    return MemoryUse(
        services=services,
        sampled=10,
        own_bytes=10 * 8192,
        shared_bytes=services * 1024,
        service_key_bytes=10 * 1300,
        templates=20,
        template_list_bytes=20 * 200,
        by_kind=(("last good copies", 4, 4000), ("service", 10, 13000)),
    )


def figures(services: int, **changes) -> SizeFigures:
    """Figures that meet every target."""
    met = SizeFigures(
        services=services,
        live=services // 2,
        allowances=Comparison((60_000.0,), (200.0,)),
        bulk_calls=3,
        per_service_calls=1 + services,
        counts_ready=Comparison((50.0,), (40.0,)),
        service_page=Comparison((1450.0,), (4.0,)),
        all_services=Comparison((500.0,), (40.0,)),
        all_services_warm=Comparison((services / 50,), (services / 500,)),
        all_services_first_view=services / 20,
        telemetry=Comparison((4.0,), (3.5,)),
        memory=memory(services),
    )
    return replace(met, **changes)


def by_measure(sizes: list[SizeFigures]) -> dict[str, tuple[dict[int, str], bool | None]]:
    return {row.measure: (row.cells, row.met) for row in rows(sizes)}


def test_every_target_met_says_so():
    lines = by_measure([figures(500), figures(2000), figures(10_000)])

    assert {met for _, met in lines.values()} == {True, None}
    assert lines["All services, warm"] == (
        {500: "10.0 ms", 2000: "40.0 ms", 10_000: "200 ms"},
        True,
    )
    assert lines["All services, warm: growth from the fewest services"] == (
        {10_000: "20.0× for 20.0× the services"},
        True,
    )


def test_more_than_four_calls_a_year_misses_its_target():
    lines = by_measure([figures(500), figures(2000, bulk_calls=5, per_service_calls=2001)])

    cells, met = lines["Allowances, cold: API calls per financial year (the per-service way)"]
    assert cells == {500: "3 (501)", 2000: "5 (2,001)"}
    assert met is False


def test_each_ratio_target_is_checked_at_every_size():
    slow = {
        "Allowances, cold: per service (every live service) / bulk": {
            "allowances": Comparison((3000.0,), (200.0,))
        },
        "Service page, cold: counts and limits ready / the statistics call": {
            "counts_ready": Comparison((61.0,), (40.0,))
        },
        "Service page: cold / warm": {"service_page": Comparison((150.0,), (4.0,))},
    }
    for measure, changes in slow.items():
        assert by_measure([figures(500, **changes), figures(2000)])[measure][1] is False
        assert by_measure([figures(500), figures(2000)])[measure][1] is True


def test_warm_all_services_is_held_to_51_5_ms_at_2000_services_only():
    def warm(services: int, milliseconds: float) -> SizeFigures:
        return figures(services, all_services_warm=Comparison((milliseconds,), (5.0,)))

    assert by_measure([warm(2000, 51.5)])["All services, warm"][1] is True
    assert by_measure([warm(2000, 52.0)])["All services, warm"][1] is False
    assert by_measure([warm(500, 90.0)])["All services, warm"][1] is None


def test_warm_pages_that_grow_faster_than_the_services_miss():
    lines = by_measure(
        [
            figures(500, all_services_warm=Comparison((10.0,), (1.0,))),
            figures(
                10_000,
                all_services_warm=Comparison((250.0,), (20.0,)),
                telemetry=Comparison((8.0,), (7.0,)),
            ),
        ]
    )

    assert lines["All services, warm: growth from the fewest services"] == (
        {10_000: "25.0× for 20.0× the services"},
        False,
    )
    assert lines["Service page, warm: growth from the fewest services"] == (
        {10_000: "2.0×"},
        False,
    )


def test_one_size_has_no_growth_lines():
    assert not [line for line in by_measure([figures(2000)]) if "growth" in line]


def test_memory_per_service_shares_the_lists_and_scales_the_sample():
    cells, met = by_measure([figures(2000)])[
        "Redis per service, every page loaded (values and last good copies)"
    ]

    # (2,000 × 1 KB shared + 8 KB × 2,000 own) / 2,000 = 9 KB; estimate 2 KB + 4 KB × 2.
    assert cells == {2000: "9.0 KB (estimate 10.0 KB)"}
    assert met is None


def test_the_report_is_one_table_and_memory_by_kind_another():
    assert report([figures(500), figures(2000)]).splitlines()[0] == (
        "| measure | 500 services | 2,000 services | target | met |"
    )
    assert memory_by_kind(memory(500)).splitlines()[2:] == [
        "| last good copies | 4 | 1,000 | 4,000 |",
        "| service | 10 | 1,300 | 13,000 |",
    ]
