"""An empty Streamlit page: what the browser settle measure subtracts from each page's time.

Served as its own app (`streamlit run devtools/empty_page.py`), it costs a reader Streamlit's
floor: the page, its scripts, the WebSocket and one run of a script that draws nothing.
"""

import streamlit as st

st.empty()
