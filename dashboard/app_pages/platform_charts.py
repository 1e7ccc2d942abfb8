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
