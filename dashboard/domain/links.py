"""Links between pages, built with URL encoding so that no name or value can change them."""

from urllib.parse import quote, urlencode

#: The Service page's path, relative so that the app can be served under a base path.
SERVICE_PAGE = "service"


def service_page_link(service_id: str, days: int, name: str) -> str:
    """The Service page for one service and window, e.g. `service?service_id=…&days=7#Name`.

    The name rides in the fragment, percent-encoded, for a link column to show (Streamlit
    decodes the part its `display_text` pattern captures); the server never sees it.
    """
    query = urlencode({"service_id": service_id, "days": days})
    return f"{SERVICE_PAGE}?{query}#{quote(name, safe='')}"


#: What a link column shows of a `service_page_link`: its name.
LINK_NAME_PATTERN = r"#(.*)$"
