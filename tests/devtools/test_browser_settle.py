from devtools.browser_settle import PageSettle, report


def test_a_page_is_reported_as_its_median_less_the_empty_pages():
    by_size = {
        500: [PageSettle("All services", (2.0, 2.4, 2.2), (1.5, 1.7, 1.6))],
        2000: [PageSettle("All services", (3.0, 2.9, 3.1), (1.6, 1.5, 1.7))],
    }

    assert by_size[500][0].over_empty == 2.2 - 1.6
    assert report(by_size).splitlines() == [
        "| page | 500 services | 2,000 services |",
        "|---|---|---|",
        "| All services | +0.60 s (2.20 s) | +1.40 s (3.00 s) |",
        "| empty Streamlit page | 1.60 s | 1.60 s |",
    ]
