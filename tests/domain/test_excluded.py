"""The note beside totals that leave services out."""

from uuid import uuid4

from dashboard.domain.excluded import Excluded, exclusion_note


def test_nothing_left_out_needs_no_note():
    assert exclusion_note([]) is None


def test_the_note_counts_the_services_left_out():
    one = Excluded(str(uuid4()), "One", "why")
    two = Excluded(str(uuid4()), "Two", "why")

    assert exclusion_note([one]) == (
        "These totals exclude 1 service that could not be read whole (listed below)."
    )
    assert "exclude 2 services" in exclusion_note([one, two])
