"""The dashboard's entry point: `streamlit run dashboard/app.py` (what `make run` does).

The gate comes first: until the access rules let the reader in, no page runs, so nothing
builds the runtime, calls the API or touches Redis.
"""

import sys
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAuthError

# Streamlit runs this file as a script; the project root must be importable for `dashboard.*`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.app_pages.plain_text import plain  # noqa: E402
from dashboard.app_pages.shared import reader_access  # noqa: E402
from dashboard.domain.access import Access, Verdict  # noqa: E402

PAGES = Path(__file__).resolve().parent / "app_pages"
TITLE = "Notify dashboard"
#: Served by the dashboard itself. A `:material/…:` page icon would make every browser fetch
#: it from Google Fonts (Streamlit draws the other material icons from a font it serves).
PAGE_ICON = str(Path(__file__).resolve().parent / "page_icon.png")


def stop_at_the_gate(reader: Access) -> None:
    """Show the sign-in screen, a refusal, or why the app shows nothing; then stop the run."""
    st.title(TITLE)
    if reader.verdict is Verdict.SIGN_IN:
        st.write("Sign in with your work account to see each service's volumes and costs.")
        if st.button("Sign in", type="primary"):
            try:
                st.login()
            except StreamlitAuthError as error:  # an incomplete [auth] section
                st.error(f"Sign-in is not set up correctly: {error}")
    elif reader.verdict is Verdict.REFUSED:
        st.warning(plain(reader.reason), icon="🔒")  # the reason quotes the email claim
        if st.button("Sign out"):
            st.logout()
    else:
        st.error(reader.reason, icon="🔒")  # the dashboard's own words, with code markup
    st.stop()


def show_reader_in_sidebar(reader: Access) -> None:
    if reader.verdict is Verdict.ALLOWED:
        # The identity provider's email claim is text from outside: never markdown.
        st.sidebar.caption(f"Signed in as **{plain(reader.email)}**")
        if st.sidebar.button("Sign out"):
            st.logout()
    else:
        st.sidebar.caption(
            "Open: no sign-in is configured, so the dashboard listens on this computer only "
            "(127.0.0.1)."
        )


st.set_page_config(page_title=TITLE, page_icon=PAGE_ICON, layout="wide")
reader = reader_access()
if not reader.shows_data:
    stop_at_the_gate(reader)
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "service.py", title="Service", icon=":material/mail:", url_path="service"),
        st.Page(
            PAGES / "all_services.py",
            title="All services",
            icon=":material/table:",
            url_path="services",
        ),
        st.Page(
            PAGES / "allowances.py",
            title="Allowances",
            icon=":material/payments:",
            url_path="allowances",
        ),
        st.Page(
            PAGES / "organisations.py",
            title="Organisations",
            icon=":material/account_balance:",
            url_path="organisations",
        ),
        st.Page(PAGES / "cache.py", title="Cache", icon=":material/bolt:", url_path="cache"),
        st.Page(
            PAGES / "alerts.py",
            title="Alerts",
            icon=":material/notifications:",
            url_path="alerts",
        ),
    ]
)
show_reader_in_sidebar(reader)
navigation.run()
