"""The page's script and style sheets, read once from the files beside this module."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE_JS = (HERE / "page.js").read_text(encoding="utf-8")
"""Runs once in the browser when the page loads (page.js says what it does)."""
CHART_CSS = (HERE / "chart.css").read_text(encoding="utf-8")
"""The three charts' style (#probabilities, #article-model, #your-model: each chart's own css_template)."""
PAGE_CSS = (HERE / "page.css").read_text(encoding="utf-8")
"""The rest of the page's style: the inside view's pictures, phones."""


def in_page(function: str) -> str:
    """An event's browser-side handler: hand the event's one value to `window.<function>`, defined by page.js."""
    return f"(value) => window.{function}(value)"
