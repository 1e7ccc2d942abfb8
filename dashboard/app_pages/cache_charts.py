"""The Cache page's charts, as forms without data: its figures are counters that every lookup
changes, so each form is built once (`chart_specs.draw_figures`) and drawn with each view's."""

import altair as alt

#: A hit rate runs from none to every lookup: the axis shows the whole range, so 80 % fills
#: four fifths of it.
WHOLE_RANGE = alt.Scale(domain=[0.0, 1.0])


def hit_rate_by_kind() -> alt.Chart:
    """A bar per kind, highest rate first: the chart's form, drawn with each view's figures."""
    chart: alt.Chart = (
        alt.Chart()
        .mark_bar(color="#1d70b8")
        .encode(
            x=alt.X("hit_rate:Q", axis=alt.Axis(format="%"), scale=WHOLE_RANGE, title="Hit rate"),
            y=alt.Y("kind:N", sort="-x", title=None),
            tooltip=[
                "kind:N",
                "lookups:Q",
                "hit:Q",
                "miss:Q",
                alt.Tooltip("hit_rate:Q", format=".1%"),
            ],
        )
    )
    return chart


def hit_rate_by_hour(zones: str) -> alt.Chart:
    """A line over the hours in London time, a point each: the chart's form, drawn with each
    view's figures."""
    chart: alt.Chart = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(size=50, filled=True))
        .encode(
            x=alt.X("london_hour:T", title=f"Hour, London time ({zones})"),
            y=alt.Y("hit_rate:Q", axis=alt.Axis(format="%"), scale=WHOLE_RANGE, title="Hit rate"),
            tooltip=[
                alt.Tooltip("hour_label:N", title="Hour"),
                alt.Tooltip("lookups:Q", format=","),
                alt.Tooltip("hit_rate:Q", format=".1%"),
            ],
        )
    )
    return chart
