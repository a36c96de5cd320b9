"""Driving the app in headless Chromium with Playwright: shared by the browser tests and the latency benchmark."""

import time

from harness.people import STROKES

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
TOP_LABEL = '#probabilities [data-testid="label-output-value"]'


def open_page(browser, url: str):
    """A new page on the app, loaded, with page errors collected in page.errors."""
    page = browser.new_page(viewport={"width": 1200, "height": 950})
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#sketchpad canvas")
    return page


def draw_digit(page, digit: int, center: float = 0.5, size: float = 0.55) -> float:
    """Draw `digit` with the mouse as a person would; return the time of the last mouse-up."""
    return draw(page, STROKES[digit], center, size)


def draw(page, strokes, center: float = 0.5, size: float = 0.55) -> float:
    """Draw strokes given in a unit square, `size` of the canvas tall, centred at `center` of its width;
    return the time of the last mouse-up."""
    box = page.locator("#sketchpad canvas").first.bounding_box()
    side = size * min(box["width"], box["height"])
    canvas_left = box["x"] + (box["width"] - min(box["width"], box["height"])) / 2
    left = canvas_left + center * min(box["width"], box["height"]) - side * 0.4
    top = box["y"] + box["height"] / 2 - side / 2
    released = time.perf_counter()
    for stroke in strokes:
        points = [(left + x * side * 0.8, top + y * side) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=6)
        page.mouse.up()
        released = time.perf_counter()
    return released


def clear_canvas(page) -> None:
    page.locator("#sketchpad button[aria-label='Clear canvas']").click()


def top_label(page) -> str | None:
    """The chart's top class, or None while the chart is empty."""
    label = page.locator(TOP_LABEL)
    return label.inner_text(timeout=100).strip() if label.count() else None


def wait_for_label(page, expected=..., previous=None, timeout: float = 10.0) -> tuple[str | None, float]:
    """Wait until the top label equals `expected` (or, by default, differs from `previous`); return it and when."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            label = top_label(page)
        except Exception:
            label = previous
        if (label == expected) if expected is not ... else (label != previous):
            return label, time.perf_counter()
        time.sleep(0.005)
    return top_label(page), time.perf_counter()
