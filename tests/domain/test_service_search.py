from dashboard.domain.service_search import PICKER_MOST, find_services

NAMES = {f"id-{number:05d}": f"Service {number:05d}" for number in range(10_000)}


def test_with_no_search_the_picker_lists_the_first_services_not_all():
    found = find_services(NAMES, "")

    assert found.ids == tuple(list(NAMES)[:PICKER_MOST])
    assert found.matches == 10_000 and found.cut


def test_a_search_narrows_by_name_or_id_ignoring_case_and_spaces():
    assert find_services(NAMES, "  SERVICE 0999 ").ids == tuple(
        f"id-0999{digit}" for digit in range(10)
    )
    assert find_services(NAMES, "ID-04321").ids == ("id-04321",)
    assert find_services(NAMES, "nothing like it") == find_services({}, "x")


def test_the_service_shown_stays_listed_first_when_the_search_leaves_it_out():
    found = find_services(NAMES, "id-0432", current="id-09999", most=3)

    assert found.ids == ("id-09999", "id-04320", "id-04321", "id-04322")
    assert found.matches == 10 and found.cut
    assert find_services(NAMES, "id-0432", current="unknown").ids[0] == "id-04320"


def test_the_note_says_when_the_list_is_cut_or_nothing_matched_and_nothing_otherwise():
    assert find_services(NAMES, "").note("") == (
        f"Listing the first {PICKER_MOST} of 10,000 services: type part of a name or an id "
        "in Find a service to narrow the list."
    )
    assert find_services(NAMES, "Service 01").note("Service 01") == (
        f"Listing the first {PICKER_MOST} of 1,000 services that match: type part of a name "
        "or an id in Find a service to narrow the list."
    )
    assert find_services(NAMES, "nothing like it").note("nothing like it") == (
        "No service's name or id holds that."
    )
    assert find_services(NAMES, "id-0999").note("id-0999") is None
    assert find_services({}, "").note("") is None
