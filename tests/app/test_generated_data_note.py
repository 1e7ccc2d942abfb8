"""Against the sandbox, each page says once that its data is generated; against an API that
`make run` did not start, it says nothing of the kind."""

import pytest

from tests.app.conftest import open_page


def notes(at) -> list[str]:
    return [caption.value for caption in at.caption if "generated" in caption.value]


@pytest.mark.parametrize("page", [None, "app_pages/service.py", "app_pages/cache.py"])
def test_every_page_on_the_sandbox_says_once_that_its_data_is_generated(
    app_environment, monkeypatch, page
):
    monkeypatch.setenv("GENERATED_DATA", "1")

    at = open_page(page)

    assert not at.exception
    assert len(notes(at)) == 1
    assert [caption.value for caption in at.sidebar.caption if "generated" in caption.value] == (
        notes(at)
    )


def test_without_the_sandbox_no_page_says_so(app_environment, monkeypatch):
    monkeypatch.delenv("GENERATED_DATA", raising=False)

    assert notes(open_page()) == []
