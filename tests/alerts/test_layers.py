"""The checker is a layer beside the pages: no page, loader or the app imports it, and the
sandbox imports nothing of the dashboard."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "path",
    sorted(
        [ROOT / "dashboard" / "app.py"]
        + list((ROOT / "dashboard" / "app_pages").glob("*.py"))
        + list((ROOT / "dashboard" / "loaders").glob("*.py"))
    ),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_page_or_loader_imports_the_checker(path: Path) -> None:
    assert not any(
        module == "dashboard.alerts" or module.startswith("dashboard.alerts.")
        for module in imported_modules(path)
    )


def test_the_sandbox_imports_nothing_of_the_dashboard() -> None:
    for path in (ROOT / "notify_sandbox").glob("*.py"):
        assert not any(module.startswith("dashboard") for module in imported_modules(path)), path
