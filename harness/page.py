"""Driving the app in headless Chromium with Playwright: shared by the browser tests and the latency benchmark."""

import time

import numpy as np

from harness.people import STROKES

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
CHART = "#probabilities .bars"  # page.js's chart: ten bars, data-answer holds the top digit

# Added to every page before its own scripts: the page's clock at each pointer down and up, at each change
# of what the chart shows (the top digit, then the bars' text), at each answer page.js draws (changed or
# not), at each change of the inside view (its saliency picture or its units' table), and at each request's
# start and end, read by `timeline`.
TIMELINE_JS = r"""
window.__timeline = {downs: [], ups: [], chart: [], writes: [], inside: [], requests: []};
const __LABEL = '[data-testid="label-output-value"], [data-testid$="-confidence-set"]';
addEventListener("pointerdown", () => __timeline.downs.push(performance.now()), true);
addEventListener("pointerup", () => __timeline.ups.push(performance.now()), true);
const __watchChart = () => {
  const chart = document.querySelector("#probabilities");
  if (!chart || chart.__watched) return;
  chart.__watched = true;
  let shown = null;
  new MutationObserver(() => {  // page.js's bars, or a gr.Label (the older pages): not the timer it shows
    const bars = chart.querySelector(".bars");
    const label = [...chart.querySelectorAll(__LABEL)].map(e => e.textContent.trim()).join("\n");
    const text = bars ? (bars.dataset.answer || "") + "\n" + bars.textContent : label;
    if (bars) __timeline.writes.push(performance.now());  // every answer page.js draws, changed or not
    if (text !== shown) { shown = text; __timeline.chart.push([performance.now(), text]); }
  }).observe(chart, {subtree: true, childList: true, characterData: true, attributes: true});
};
const __watchInside = () => {
  const view = document.querySelector("#feature-maps");
  if (!view || view.__watched) return;
  view.__watched = true;
  let shown = null;
  new MutationObserver(() => {
    const img = view.querySelector("#saliency img");
    const units = view.querySelector("#units");
    const now = (img ? img.getAttribute("src") : "") + "\n" + (units ? units.textContent : "");
    if (now !== shown) { shown = now; __timeline.inside.push(performance.now()); }
  }).observe(view, {subtree: true, childList: true, characterData: true, attributes: true});
};
new MutationObserver(() => { __watchChart(); __watchInside(); }).observe(document, {childList: true, subtree: true});
new PerformanceObserver(list => list.getEntries().forEach(
  e => __timeline.requests.push([e.startTime, e.name, e.responseEnd]))).observe({type: "resource", buffered: true});
"""


FRAME = 1 / 60
"""Seconds between the mouse moves of a timed stroke: browsers hand pointer moves to the page once per frame, so
a real mouse's 125-1000 reports a second reach it at about 60. Sending them faster only loads the machine."""

DESKTOP = {"viewport": {"width": 1200, "height": 950}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
"""A phone's screen, in CSS pixels, with touch."""


def open_page(browser, url: str, **options):
    """A new page on the app (options as Playwright's new_page takes them: DESKTOP by default, PHONE, a locale),
    loaded, with page errors collected in page.errors."""
    page = browser.new_page(**(DESKTOP | options))
    page.add_init_script(TIMELINE_JS)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#sketchpad canvas")
    return page


def draw_digit(page, digit: int, center: float = 0.5, size: float = 0.55, seconds: float | None = None) -> float:
    """Draw `digit` with the mouse as a person would; return the time of the last mouse-up."""
    return draw(page, STROKES[digit], center, size, seconds)


DRAWABLE_JS = """() => {
  const editor = window.editor, canvas = document.querySelector("#sketchpad canvas");
  if (!editor || !editor.image_container || !canvas) return null;
  const picture = editor.image_container.getBounds(), element = canvas.getBoundingClientRect();
  return {x: element.x + picture.x, y: element.y + picture.y, width: picture.width, height: picture.height};
}"""


def drawable_area(page) -> dict:
    """Where on the screen the sketchpad's picture is (x, y, width, height in CSS pixels): Gradio fits it into its
    canvas element with a margin, so the element's box is not the picture's."""
    page.wait_for_function(f"({DRAWABLE_JS})() !== null")
    return page.evaluate(DRAWABLE_JS)


def on_canvas(page, strokes, center: float, size: float) -> list[list[tuple[float, float]]]:
    """Strokes given in a unit square, as points on the screen: `size` of the canvas tall, centred at `center`
    of its width (the sketchpad's picture: `drawable_area`)."""
    box = drawable_area(page)
    side = size * box["height"]
    left = box["x"] + center * box["width"] - side * 0.4
    top = box["y"] + box["height"] / 2 - side / 2
    return [[(left + x * side * 0.8, top + y * side) for x, y in stroke] for stroke in strokes]


def draw(page, strokes, center: float = 0.5, size: float = 0.55, seconds: float | None = None) -> float:
    """Draw strokes given in a unit square, `size` of the canvas tall, centred at `center` of its width,
    each stroke taking about `seconds` (default: as fast as the mouse moves); return the time of the
    last mouse-up."""
    released = time.perf_counter()
    for points in on_canvas(page, strokes, center, size):
        page.mouse.move(*points[0])
        page.mouse.down()
        if seconds is None:
            for point in points[1:]:
                page.mouse.move(*point, steps=6)
        else:  # a steady hand: wherever the pen should be by now, once per frame as a browser sees a mouse,
            # through every corner it passed since the last frame (a slow machine moves the mouse less often, and
            # cutting the corners would draw another shape: a 3 as a ">")
            along = np.cumsum([0.0] + [float(np.hypot(b[0] - a[0], b[1] - a[1])) for a, b in zip(points, points[1:])])
            start, corner = time.perf_counter(), 1
            while (elapsed := time.perf_counter() - start) < seconds:
                distance = elapsed / seconds * along[-1]
                while corner < len(points) - 1 and along[corner] <= distance:
                    page.mouse.move(*points[corner])
                    corner += 1
                page.mouse.move(float(np.interp(distance, along, [x for x, _ in points])),
                                float(np.interp(distance, along, [y for _, y in points])))
                time.sleep(max(0.0, FRAME - (time.perf_counter() - start - elapsed)))
            for point in points[corner:]:
                page.mouse.move(*point)
        page.mouse.up()
        released = time.perf_counter()
    return released


def touch_draw(page, strokes, size: float = 0.55) -> None:
    """Draw strokes given in a unit square with one finger (touch events, as a phone sends them), `size` of the
    canvas tall, in its middle."""
    touch = page.context.new_cdp_session(page)
    for points in on_canvas(page, strokes, 0.5, size):
        dense = [(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
                 for a, b in zip(points, points[1:]) for t in np.linspace(0, 1, 6, endpoint=False)] + points[-1:]
        kinds = ["touchStart"] + ["touchMove"] * (len(dense) - 1)
        for kind, (x, y) in zip(kinds, dense):
            touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()


def timeline(page) -> dict:
    """What TIMELINE_JS recorded: page-clock milliseconds of pointer downs and ups, [time, text] of each
    change of the chart, [time, url] of each request; and the page's clock now."""
    return page.evaluate("({...window.__timeline, now: performance.now()})")


QUIET = 0.8  # seconds without a chart change after which the chart has settled


def settle(page, since: float, timeout: float = 10.0) -> dict:
    """Wait until the chart has answered the drawing made after `since` (page clock, ms) and then neither it
    nor the inside view changed for QUIET seconds (or `timeout` seconds have passed); return the drawing's
    timings in ms."""
    deadline = time.perf_counter() + timeout
    while True:
        recorded = timeline(page)
        changes = [(t, text) for t, text in recorded["chart"] if t > since]
        up = max([u for u in recorded["ups"] if u > since], default=since)
        answered = [t for t in [*recorded["writes"], *(t for t, _ in changes), *recorded["inside"]] if t > up]
        if answered and recorded["now"] - max(answered) > QUIET * 1000 or time.perf_counter() > deadline:
            break
        time.sleep(0.05)
    downs = [t for t in recorded["downs"] if t > since]
    ups = [t for t in recorded["ups"] if t > since]
    final_time, final_text = changes[-1] if changes else (ups[-1], "")
    drawn = [t for t in recorded["writes"] if t > ups[-1]] or [final_time]
    during = sum(1 for t, _ in changes if any(d < t < u for d, u in zip(downs, ups)))
    inside = [t for t in recorded["inside"] if t > ups[-1]]
    return {"final_ms": max(0.0, final_time - ups[-1]), "drawn_ms": max(0.0, drawn[-1] - ups[-1]), "during": during,
            # how long after the chart's last answer the inside view showed the same drawing (None: it did not change)
            "inside_behind_ms": inside[-1] - drawn[-1] if inside else None,
            "answer": final_text.split("\n")[0].strip(),
            "requests": [url.split("?")[0] for t, url, _ in recorded["requests"] if t > since]}


def drawing_picture(page) -> str | None:
    """The drawing as the chart reads it (page.js's `drawingPicture`), a data URL."""
    return page.evaluate("window.drawingPicture()")


def clear_canvas(page) -> None:
    page.locator("#sketchpad button[aria-label='Clear canvas']").click()


def top_label(page) -> str | None:
    """The chart's top digit, or None while the chart is empty."""
    answer = page.locator(CHART).get_attribute("data-answer", timeout=1000)
    return answer or None


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
