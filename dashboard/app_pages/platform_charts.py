"""Altair charts of the platform pages (Overview, All services, Allowances)."""

import altair as alt
import pandas as pd

MEASURES = alt.Scale(domain=["Free allowance", "Used"], range=["#b1b4b6", "#1d70b8"])
#: Counts are whole numbers: no tick at 0.5, and thousands separated.
WHOLE_NUMBERS = alt.Axis(format=",d", tickMinStep=1)


def used_against_allowance(sectors: pd.DataFrame) -> alt.FacetChart:
    """Per sector, fragments used beside its total free allowance, each on its own linear axis.

    Sectors differ a thousandfold, so one shared axis would flatten the small ones to nothing
    and a log axis makes 1.1 million look like 70,000: small multiples keep every comparison
    linear and readable. Compare bars within a sector, not across them.
    """
    long = sectors.melt(
        id_vars=["sector"],
        value_vars=["total_allowance", "used"],
        var_name="measure",
        value_name="fragments",
    ).replace({"measure": {"total_allowance": "Free allowance", "used": "Used"}})
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("fragments:Q", title="Fragments", axis=WHOLE_NUMBERS),
            y=alt.Y("measure:N", title=None, sort=["Free allowance", "Used"]),
            color=alt.Color(
                "measure:N", title=None, scale=MEASURES, legend=alt.Legend(orient="top")
            ),
            tooltip=["sector", "measure", alt.Tooltip("fragments:Q", format=",")],
        )
        .properties(width=240, height=44)
    )
    faceted: alt.FacetChart = bars.facet(
        facet=alt.Facet(
            "sector:N",
            title=None,
            sort=list(sectors["sector"]),
            header=alt.Header(labelAnchor="start", labelFontWeight="bold", labelLimit=250),
        ),
        columns=3,
    ).resolve_scale(x="independent")
    return faceted


#: Bars under 100 % and over it, told apart by hue and by the figure written beside each.
SHARES = alt.Scale(domain=["Within the sum", "Over the sum"], range=["#1d70b8", "#d4351c"])


def share_of_allowance(sectors: pd.DataFrame) -> alt.LayerChart:
    """Per sector, fragments used as a share of the sum of its services' allowances: a bar on
    one linear axis, never stopped at 100 %, a rule at 100 % and the figure written beside the
    bar ("258 % over"), so 258 % and 1,617 % look as different as they are. A sector with no
    allowance has no share and no bar."""
    data = sectors.loc[sectors["share_used"].notna(), ["sector", "share_used", "share_used_words"]]
    data = data.assign(
        side=["Over the sum" if share > 1 else "Within the sum" for share in data["share_used"]]
    )
    # Room to the right of the longest bar for its figure.
    widest = max(1.0, float(data["share_used"].max()) if len(data) else 1.0) * 1.3
    y = alt.Y(
        "sector:N",
        title=None,
        sort=list(data["sector"]),
        axis=alt.Axis(labelLimit=260, labelOverlap=False),
    )
    x = alt.X(
        "share_used:Q",
        title="Fragments used, as a share of the sum of the sector's allowances",
        scale=alt.Scale(domain=[0, widest], nice=False),
        axis=alt.Axis(format="~%"),
    )
    tooltip = ["sector", alt.Tooltip("share_used_words:N", title="used of the sum")]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("side:N", title=None, scale=SHARES, legend=alt.Legend(orient="top")),
            tooltip=tooltip,
        )
    )
    figures = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=4, color="#0b0c0c")
        .encode(x=x, y=y, text="share_used_words:N", tooltip=tooltip)
    )
    hundred = (
        alt.Chart(pd.DataFrame({"share_used": [1.0], "label": ["100 %"]}))
        .mark_rule(color="#0b0c0c", strokeWidth=2, strokeDash=[4, 3])
        .encode(x=x, tooltip=[alt.Tooltip("label:N", title="the sum of allowances")])
    )
    layered: alt.LayerChart = (bars + hundred + figures).properties(height=alt.Step(30))
    return layered


def year_end_range(
    frame: pd.DataFrame, name: str = "sector", cost: str = "cost", ahead: str = "year_end_cost"
) -> alt.LayerChart:
    """Per row (a sector, an organisation), text cost so far as a bar and the year's end as its
    80 % range (a line from low to high, a tick at the expected value): months not yet
    happened are never drawn as if they had. `ahead` names the expected column; its range is
    in `ahead`_low and `ahead`_high."""
    low, high = f"{ahead}_low", f"{ahead}_high"
    data = frame[[name, cost, ahead, low, high]].rename(
        columns={name: "name", cost: "so_far", ahead: "expected", low: "low", high: "high"}
    )
    # Every row named: Vega would otherwise drop every other label it thinks crowded.
    y = alt.Y(
        "name:N",
        title=None,
        sort=list(data["name"]),
        axis=alt.Axis(labelLimit=260, labelOverlap=False),
    )
    pounds = alt.Axis(format=",.0f", title="Text cost (£, excluding VAT)")
    money = ",.2f"
    so_far = (
        alt.Chart(data)
        .mark_bar(color="#1d70b8")
        .encode(
            x=alt.X("so_far:Q", axis=pounds),
            y=y,
            tooltip=["name", alt.Tooltip("so_far:Q", title="so far", format=money)],
        )
    )
    ranges = (
        alt.Chart(data)
        .mark_rule(color="#0b0c0c", strokeWidth=2)
        .encode(x="low:Q", x2="high:Q", y=y)
    )
    expected = (
        alt.Chart(data)
        .mark_tick(color="#0b0c0c", thickness=2)
        .encode(
            x="expected:Q",
            y=y,
            tooltip=[
                "name",
                alt.Tooltip("low:Q", format=money),
                alt.Tooltip("expected:Q", format=money),
                alt.Tooltip("high:Q", format=money),
            ],
        )
    )
    layered: alt.LayerChart = (so_far + ranges + expected).properties(
        height=max(120, 30 * len(data))
    )
    return layered


#: Channels told apart by hue and by dash, for readers who cannot tell the colours apart.
CHANNEL_LABELS = ["Emails", "Text messages", "Letters"]
CHANNEL_COLOURS = alt.Scale(domain=CHANNEL_LABELS, range=["#1d70b8", "#f47738", "#4c2c92"])
CHANNEL_DASHES = alt.Scale(domain=CHANNEL_LABELS, range=[[1, 0], [6, 3], [2, 2]])


def daily_trend(days: pd.DataFrame) -> alt.LayerChart:
    """A line per channel over the days; each day a point, today's hollow (still in progress)."""
    dated = days.assign(day=pd.to_datetime(days["day"]))
    base = alt.Chart(dated).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%-d %b")),
        y=alt.Y("count:Q", title="Messages", axis=WHOLE_NUMBERS),
        color=alt.Color("label:N", title="Channel", scale=CHANNEL_COLOURS),
    )
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDash("label:N", title="Channel", scale=CHANNEL_DASHES)
    )
    points = base.mark_point(size=50, strokeWidth=2).encode(
        fill=alt.condition(
            alt.datum.progress == "Today, so far", alt.value("white"), alt.Color("label:N")
        ),
        tooltip=[
            alt.Tooltip("day:T", format="%A %-d %B"),
            "label",
            alt.Tooltip("count:Q", format=","),
            "progress",
        ],
    )
    return alt.LayerChart(layer=[lines, points], height=260)
