"""The dashboard's entry point: `streamlit run dashboard/app.py` (what `make run` does)."""

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script; the project root must be importable for `dashboard.*`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Notify dashboard", page_icon=":material/mail:", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES / "service.py", title="Service", icon=":material/mail:", default=True),
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
        st.Page(PAGES / "cache.py", title="Cache", icon=":material/bolt:", url_path="cache"),
    ]
)
navigation.run()
