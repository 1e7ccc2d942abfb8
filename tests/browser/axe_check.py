"""axe-core (bundled by axe-playwright-python) run on the page as a reader sees it."""

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

#: Impacts a page may not have: a serious or critical barrier stops some readers outright.
BLOCKING = ("serious", "critical")
#: Selectors shown for each violation: enough to find it, short enough to read.
NODES_SHOWN = 3

AXE = Axe()


@dataclass(frozen=True)
class AxeReport:
    """The rules axe checked on a page and what it found."""

    rules_checked: int
    violations: list[dict]

    def blocking(self) -> list[dict]:
        return [rule for rule in self.violations if rule["impact"] in BLOCKING]

    def describe(self, rules: list[dict]) -> str:
        """One line per rule: its id, impact, nodes, the first nodes' selectors, and what axe
        found at the first (for contrast, the two colours and their ratio)."""
        return "\n".join(
            f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])} nodes): "
            + "; ".join(" ".join(map(str, node["target"])) for node in rule["nodes"][:NODES_SHOWN])
            + f" — {rule['help']}: "
            + " ".join(check["message"] for check in rule["nodes"][0]["any"][:1])
            for rule in rules
        )

    def impacts(self) -> dict[str, int]:
        """Violated rules by impact, e.g. {"serious": 1, "moderate": 1}."""
        counts: dict[str, int] = {}
        for rule in self.violations:
            counts[rule["impact"]] = counts.get(rule["impact"], 0) + 1
        return counts


def wait_until_drawn(page: Page) -> None:
    """Until the script has run with nothing still loading (no spinner, no placeholder), every
    chart in view has drawn and every table its grid (a closed expander's stay undrawn):
    axe checks what a reader sees, not a page half-way."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stMain"] h1')
            && document.querySelector('[data-testid="stApp"]')
                .dataset.testScriptState === 'notRunning'
            && !document.querySelector('[data-testid="stSpinner"], [data-testid="stSkeleton"]')
            && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .every(chart => !chart.checkVisibility() || chart.querySelector('canvas, svg'))
            && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                .every(grid => !grid.checkVisibility() || grid.querySelector('.dvn-scroller'))""",
        timeout=120_000,
    )


def check(page: Page) -> AxeReport:
    """axe's default rules (WCAG 2.0 to 2.2 A and AA, and its best practices) on the whole
    page; the rules checked are those that found something to check there."""
    wait_until_drawn(page)
    results = AXE.run(page).response
    checked = {
        rule["id"]
        for kind in ("passes", "violations", "incomplete")
        for rule in results.get(kind, [])
    }
    return AxeReport(len(checked), results["violations"])
