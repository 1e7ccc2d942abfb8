"""The dashboard's pages: Streamlit only, reading through loaders."""
