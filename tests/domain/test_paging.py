import pytest

from dashboard.domain.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, page_of, page_size_of


def test_the_second_page_holds_the_second_hundred_rows_and_says_so():
    page = page_of(1_987, 100, "2")

    assert (page.number, page.pages, page.start, page.stop) == (2, 20, 100, 200)
    assert page.words() == "Showing 101–200 of 1,987 services"
    assert page.has_previous and page.has_next and page.message is None


def test_the_last_page_is_partial_and_has_no_next():
    page = page_of(1_987, 100, 20)

    assert (page.start, page.stop) == (1_900, 1_987)
    assert page.words() == "Showing 1,901–1,987 of 1,987 services"
    assert page.has_previous and not page.has_next


def test_an_empty_table_is_one_empty_page():
    page = page_of(0, 100, "1")

    assert (page.number, page.pages, page.start, page.stop) == (1, 1, 0, 0)
    assert page.words() == "No services to show"
    assert not page.has_previous and not page.has_next and page.message is None


def test_one_row_reads_in_the_singular():
    assert page_of(1, 100, None).words() == "Showing 1 of 1 service"
    assert page_of(101, 100, "2").words() == "Showing 101 of 101 services"


def test_a_page_past_the_end_shows_the_last_and_says_so():
    page = page_of(250, 100, "999", many="services")

    assert (page.number, page.start, page.stop) == (3, 200, 250)
    assert page.message == (
        "There is no page 999: 250 services make 3 pages of 100. Showing the last."
    )
    assert page_of(0, 100, "2").message == (
        "There is no page 2: 0 rows make 1 page of 100. Showing the last."
    )


@pytest.mark.parametrize(
    "hostile", [None, "", "0", "-2", "abc", "2.5", "٣", "1e3", "9" * 40, "<script>"]
)
def test_anything_but_a_page_number_is_the_first_page_without_an_error(hostile):
    page = page_of(250, 100, hostile)

    assert (page.number, page.start, page.stop, page.message) == (1, 0, 100, None)


def test_the_page_size_is_one_offered_or_the_default():
    assert page_size_of(str(PAGE_SIZES[0])) == PAGE_SIZES[0]
    assert page_size_of("7") == DEFAULT_PAGE_SIZE
    assert page_size_of(None) == DEFAULT_PAGE_SIZE
