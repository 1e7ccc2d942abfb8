"""Altair charts the pages share, built from the domain's tidy frames."""

import altair as alt
import pandas as pd

STATUS_COLOURS = alt.Scale(
    domain=["delivered", "sending", "failed"], range=["#00703c", "#1d70b8", "#d4351c"]
)


def counts_by_channel(tidy: pd.DataFrame) -> alt.Chart:
    """Stacked bars: each channel's messages by status."""
    return (
        alt.Chart(tidy)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="Messages"),
            y=alt.Y("label:N", title=None, sort=None),
            color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
            tooltip=["label", "status", alt.Tooltip("count:Q", format=",")],
        )
        .properties(height=160)
    )


def allowance_by_month(monthly: pd.DataFrame, allowance: int) -> alt.LayerChart:
    """Fragments each month, the running total, and the allowance as a line to cross."""
    # Only plain numbers reach the chart: Decimal columns do not survive its serialisation.
    frame = monthly[
        ["month", "fragments", "free_used", "chargeable", "cumulative_fragments"]
    ].assign(cost=monthly["cost"].astype(float))
    order = list(frame["month"])
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#1d70b8")
        .encode(
            x=alt.X("month:N", sort=order, title=None),
            y=alt.Y("fragments:Q", title="Fragments"),
            tooltip=[
                "month",
                alt.Tooltip("fragments:Q", format=","),
                alt.Tooltip("free_used:Q", format=",", title="free"),
                alt.Tooltip("chargeable:Q", format=","),
                alt.Tooltip("cost:Q", format=",.2f", title="cost (£)"),
            ],
        )
    )
    running = (
        alt.Chart(frame)
        .mark_line(point=True, color="#f47738")
        .encode(x=alt.X("month:N", sort=order), y="cumulative_fragments:Q")
    )
    limit = (
        alt.Chart(pd.DataFrame({"allowance": [allowance]}))
        .mark_rule(color="#d4351c", strokeDash=[6, 4])
        .encode(y="allowance:Q")
    )
    return alt.layer(bars, running, limit).properties(height=260)
