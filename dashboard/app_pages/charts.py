"""Altair charts the pages share, built from the domain's tidy frames."""

from typing import Any

import altair as alt
import pandas as pd

from dashboard.domain.allowance_projection import PROJECTED, SENT, AllowanceByMonth

STATUSES = ["delivered", "sending", "failed"]
STATUS_COLOURS = alt.Scale(domain=STATUSES, range=["#00703c", "#1d70b8", "#d4351c"])
#: Statuses told apart by more than hue, for readers who cannot tell green from red: delivered
#: solid with a solid outline, sending pale with a dashed one, failed with a dotted one.
STATUS_FILL_OPACITY = alt.Scale(type="ordinal", domain=STATUSES, range=[1.0, 0.3, 1.0])
STATUS_OUTLINES = alt.Scale(domain=STATUSES, range=[[1, 0], [5, 3], [1, 2]])
OUTLINE: dict[str, Any] = {"stroke": "#0b0c0c", "strokeWidth": 1.5}
#: Counts are whole numbers: no 0.5 ticks on a small axis, thousands grouped on a large one.
COUNT_AXIS = alt.Axis(format=",d", tickMinStep=1)
BLUE, ORANGE, RED = "#1d70b8", "#f47738", "#d4351c"


def _status_encodings(legend: alt.Legend | None) -> dict[str, Any]:
    """Colour, fill and outline by status, under one legend (Vega-Lite merges channels that
    share a field and a title)."""
    return {
        "color": alt.Color("status:N", scale=STATUS_COLOURS, title="Status", legend=legend),
        "fillOpacity": alt.FillOpacity(
            "status:N", scale=STATUS_FILL_OPACITY, title="Status", legend=legend
        ),
        "strokeDash": alt.StrokeDash(
            "status:N", scale=STATUS_OUTLINES, title="Status", legend=legend
        ),
    }


def _dated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Date columns as timestamps, which Vega-Lite reads as days in the reader's time zone."""
    return frame.assign(**{column: pd.to_datetime(frame[column]) for column in columns})


def counts_by_channel(tidy: pd.DataFrame) -> alt.Chart:
    """Stacked bars: each channel's messages by status."""
    ordered = tidy.assign(status_order=tidy["status"].map(STATUSES.index))
    chart: alt.Chart = (
        alt.Chart(ordered)
        .mark_bar(**OUTLINE)
        .encode(
            x=alt.X("count:Q", title="Messages", axis=COUNT_AXIS),
            y=alt.Y("label:N", title=None, sort=None),
            **_status_encodings(alt.Legend(symbolSize=200)),
            order=alt.Order("status_order:Q"),
            tooltip=["label", "status", alt.Tooltip("count:Q", format=",")],
        )
        .properties(height=160)
    )
    return chart


def monthly_counts(monthly: pd.DataFrame, title: str) -> alt.Chart:
    """One channel's months: stacked delivered, failed and still sending (together requested)."""
    long = _dated(monthly, "month_start").melt(
        id_vars=["month_start"], value_vars=STATUSES, var_name="status", value_name="count"
    )
    long = long.assign(status_order=long["status"].map(STATUSES.index))
    chart: alt.Chart = (
        alt.Chart(long, title=title)
        .mark_bar(**OUTLINE)
        .encode(
            x=alt.X("yearmonth(month_start):O", title=None, axis=alt.Axis(format="%b")),
            y=alt.Y("count:Q", title="Messages", axis=COUNT_AXIS),
            # The fills and outlines of the counts chart above, whose legend names them: a
            # legend here would take the small chart's height.
            **_status_encodings(None),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip("yearmonth(month_start):O", title="month", format="%B %Y"),
                "status",
                alt.Tooltip("count:Q", format=","),
            ],
        )
        .properties(height=200)
    )
    return chart


#: What each layer of the allowance chart is, in words: its legend (the caption under the
#: chart says the same, for those who cannot tell the colours apart).
SENT_LABEL = "Sent"
MONTH_RANGE_LABEL = "Month ahead: 80 % range"
RUNNING_LABEL = "Running total"
RUNNING_RANGE_LABEL = "Running total ahead: 80 % range"
ALLOWANCE_LABEL = "Allowance"
GREY, PALE_ORANGE = "#505a5f", "#fbc9a8"
ALLOWANCE_LEGEND = alt.Scale(
    domain=[SENT_LABEL, MONTH_RANGE_LABEL, RUNNING_LABEL, RUNNING_RANGE_LABEL, ALLOWANCE_LABEL],
    range=[BLUE, GREY, ORANGE, PALE_ORANGE, RED],
)


#: Each layer's colour by what it is (its frame's `what`), under the one legend for all.
WHAT = alt.Color(
    "what:N",
    scale=ALLOWANCE_LEGEND,
    legend=alt.Legend(
        title=None, orient="bottom", columns=3, labelLimit=320, symbolOpacity=1, symbolType="square"
    ),
)


def _named(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """A layer's rows, named for the legend."""
    return frame.assign(what=label)


def allowance_by_month(view: AllowanceByMonth) -> alt.LayerChart:
    """Fragments sent each month as solid bars; each month ahead as its 80 % range only (a pale
    band from low to high, a line at the pace so far), never a bar; the running total (solid
    where sent, its 80 % range as a band around a dashed expected line ahead), the allowance
    to cross and the run-out day."""
    sent = _dated(view.sent, "start", "end")
    projected = _dated(view.projected, "start", "end")
    cumulative = _dated(view.cumulative, "day")
    so_far = cumulative[cumulative["kind"] == SENT]
    ahead = cumulative[cumulative["kind"] == PROJECTED]
    x = alt.X("start:T", title=None, axis=alt.Axis(format="%b", tickCount="month"))
    y = alt.Y("bottom:Q", title="Fragments", axis=COUNT_AXIS)
    sent_bars = (
        alt.Chart(_named(sent, SENT_LABEL))
        .mark_bar()
        .encode(
            color=WHAT,
            x=x,
            x2="end:T",
            y=y,
            y2="top:Q",
            tooltip=[
                "month:N",
                alt.Tooltip("fragments:Q", format=",", title="sent"),
                alt.Tooltip("free_used:Q", format=",", title="free"),
                alt.Tooltip("chargeable:Q", format=","),
                alt.Tooltip("cost:Q", format=",.2f", title="cost (£)"),
            ],
        )
    )
    ahead_tooltip = [
        "month:N",
        alt.Tooltip("low:Q", format=",", title="more, low (80 %)"),
        alt.Tooltip("fragments:Q", format=",", title="more at the pace so far"),
        alt.Tooltip("high:Q", format=",", title="more, high (80 %)"),
    ]
    month_ranges = (
        alt.Chart(_named(projected, MONTH_RANGE_LABEL))
        .mark_rect(opacity=0.35, stroke=GREY, strokeWidth=1)
        .encode(
            color=WHAT,
            x=x,
            x2="end:T",
            y=alt.Y("top_low:Q"),
            y2="top_high:Q",
            tooltip=ahead_tooltip,
        )
    )
    month_paces = (
        alt.Chart(_named(projected, MONTH_RANGE_LABEL))
        .mark_rule(strokeWidth=2)
        .encode(
            color=WHAT,
            x=x,
            x2="end:T",
            y=alt.Y("top:Q"),
            tooltip=ahead_tooltip,
        )
    )
    day = alt.Tooltip("day:T", format="%-d %B %Y", title="by")
    running = (
        alt.Chart(_named(so_far, RUNNING_LABEL))
        .mark_line(point=True)
        .encode(
            color=WHAT,
            x=alt.X("day:T"),
            y=alt.Y("fragments:Q"),
            tooltip=[day, alt.Tooltip("fragments:Q", format=",", title="sent")],
        )
    )
    running_range = (
        alt.Chart(_named(ahead, RUNNING_RANGE_LABEL))
        .mark_area(opacity=0.6)
        .encode(
            color=WHAT,
            x=alt.X("day:T"),
            y=alt.Y("low:Q"),
            y2="high:Q",
        )
    )
    running_pace = (
        alt.Chart(_named(ahead, RUNNING_LABEL))
        .mark_line(strokeDash=[6, 4])
        .encode(
            color=WHAT,
            x=alt.X("day:T"),
            y=alt.Y("fragments:Q"),
            tooltip=[
                day,
                alt.Tooltip("low:Q", format=",", title="low (80 %)"),
                alt.Tooltip("fragments:Q", format=",", title="at the pace so far"),
                alt.Tooltip("high:Q", format=",", title="high (80 %)"),
            ],
        )
    )
    limit = (
        alt.Chart(_named(pd.DataFrame({"allowance": [view.allowance]}), ALLOWANCE_LABEL))
        .mark_rule(strokeDash=[6, 4])
        .encode(
            color=WHAT,
            y="allowance:Q",
            tooltip=[alt.Tooltip("allowance:Q", format=",")],
        )
    )
    layers = [
        sent_bars,
        month_ranges,
        month_paces,
        running_range,
        running,
        running_pace,
        limit,
    ]
    if view.run_out is not None:
        day_out = pd.DataFrame({"day": [pd.Timestamp(view.run_out.day)]})
        layers.append(
            alt.Chart(day_out)
            .mark_rule(color=RED)
            .encode(x="day:T", tooltip=[alt.Tooltip("day:T", format="%-d %B %Y", title="runs out")])
        )
    return alt.LayerChart(layer=layers, height=300)


#: Channels told apart by hue and by dash, for readers who cannot tell the colours apart.
CHANNEL_NAMES = ["Emails", "Text messages", "Letters"]
CHANNEL_COLOURS = alt.Scale(domain=CHANNEL_NAMES, range=[BLUE, ORANGE, "#4c2c92"])
CHANNEL_DASHES = alt.Scale(domain=CHANNEL_NAMES, range=[[1, 0], [6, 3], [2, 2]])


def day_by_day(days: pd.DataFrame) -> alt.FacetChart:
    """A line per channel, requested above and failed below (each on its own axis); each day a
    point, today's hollow because the day is still in progress."""
    dated = _dated(days, "day")
    base = alt.Chart(dated).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%-d %b")),
        y=alt.Y("count:Q", title="Messages", axis=COUNT_AXIS),
        color=alt.Color("label:N", title="Channel", scale=CHANNEL_COLOURS),
    )
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDash("label:N", title="Channel", scale=CHANNEL_DASHES)
    )
    points = base.mark_point(size=40, strokeWidth=2).encode(
        fill=alt.condition(
            alt.datum.progress == "Today, so far", alt.value("white"), alt.Color("label:N")
        ),
        tooltip=[
            alt.Tooltip("day:T", format="%A %-d %B"),
            "label",
            "measure",
            alt.Tooltip("count:Q", format=","),
            "progress",
        ],
    )
    layered = alt.LayerChart(layer=[lines, points], height=150)
    chart: alt.FacetChart = layered.facet(
        row=alt.Row("measure:N", title=None, sort=["Requested", "Failed"])
    ).resolve_scale(y="independent")
    return chart
