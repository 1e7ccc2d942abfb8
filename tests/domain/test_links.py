"""Links to the Service page: encoded, so that no name or value changes where they go."""

import re
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import uuid4

from dashboard.domain.links import LINK_NAME_PATTERN, service_page_link


def test_a_link_opens_the_service_and_window_and_carries_the_name_for_display():
    service_id = str(uuid4())

    link = service_page_link(service_id, 30, "Apply for a parking permit")

    parts = urlsplit(link)
    assert parts.path == "service"
    assert parse_qs(parts.query) == {"service_id": [service_id], "days": ["30"]}
    assert unquote(re.search(LINK_NAME_PATTERN, link).group(1)) == "Apply for a parking permit"


def test_a_hostile_name_stays_in_the_fragment():
    service_id = str(uuid4())
    name = "x&days=1#?service_id=evil [x](https://evil.example) <img src=x>"

    link = service_page_link(service_id, 7, name)

    parts = urlsplit(link)
    assert parse_qs(parts.query) == {"service_id": [service_id], "days": ["7"]}
    assert unquote(parts.fragment) == name
    assert " " not in link and "<" not in link and "(" not in link
