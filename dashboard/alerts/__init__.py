"""The alerts checker: `python -m dashboard.alerts check | run --every 5m [--dry-run]`.

A layer beside the pages: it reads the platform through the same cached clients, evaluates
the rules of `alerts.toml` with the domain's pure rules, and sends warnings through GOV.UK
Notify's public API exactly once per rule, service, channel, recipient and period (see
`dashboard/cache/alert_ledger.py`). No page imports it.
"""
