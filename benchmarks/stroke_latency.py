"""Stroke-to-chart latency in headless Chromium: mouse-up to the chart showing the new answer.

    python -m benchmarks.stroke_latency [--strokes 20] [--url URL] [--inside-open]

Starts `python app.py` on a free port (unless --url is given), draws digits with the mouse,
clearing in between, and prints min/median/p95/max of the time from the last mouse-up of each
digit to the chart's top label showing that digit. With --inside-open the "Inside the CNN" view is
open the whole time, so every answer also redraws the layers' pictures.
"""

import argparse
import os
import statistics

import torch
from playwright.sync_api import sync_playwright

from harness.page import CHROMIUM_FLAGS, clear_canvas, draw_digit, open_page, wait_for_label
from harness.server import start_app, stop_app


def pick_brush(page) -> None:
    """The default sketchpad ignores strokes until its brush is picked (and again after clear)."""
    brush = page.locator("#sketchpad button[aria-label='Brush']")
    if brush.count():
        brush.first.click()


def measure(url: str, strokes: int, chromium: str, baseline: bool = False, inside_open: bool = False) -> list[float]:
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = open_page(browser, url)
        if inside_open:
            page.locator("#feature-maps").get_by_text("Inside the CNN").click()
        for i in range(strokes + 2):
            digit = (1, 7, 0, 4)[i % 4]
            if baseline:
                pick_brush(page)
            released = draw_digit(page, digit)
            label, seen = wait_for_label(page, str(digit))
            if i >= 2:  # the first two warm up the page and the server
                times.append((seen - released) * 1000 if label == str(digit) else float("nan"))
            clear_canvas(page)
            wait_for_label(page, None)
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=20)
    parser.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("--baseline", action="store_true",
                        help="measure Gradio's default wiring (benchmarks/baseline_app.py)")
    parser.add_argument("--inside-open", action="store_true", help="with the inside-the-CNN view open")
    parser.add_argument("--chromium", default=os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium"))
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, torch threads in the app: see app.TORCH_THREADS; "
          f"torch {torch.__version__}")
    print(f"command: python -m benchmarks.stroke_latency --strokes {args.strokes}" + " --baseline" * args.baseline
          + " --inside-open" * args.inside_open)
    command = ("-m", "benchmarks.baseline_app") if args.baseline else ("app.py",)
    process, url = (None, args.url) if args.url else start_app(command=command)
    try:
        times = measure(url, args.strokes, args.chromium, args.baseline, args.inside_open)
    finally:
        if process:
            stop_app(process)
    ok = [t for t in times if t == t]
    print(f"digits recognized: {len(ok)}/{len(times)}")
    if ok:
        ok.sort()
        p95 = ok[min(len(ok) - 1, int(0.95 * len(ok)))]
        median = statistics.median(ok)
        print(f"stroke-to-chart ms: min {ok[0]:.0f}, median {median:.0f}, p95 {p95:.0f}, max {ok[-1]:.0f}")
        wiring = "Gradio's default wiring" if args.baseline else "inside view open" if args.inside_open else "the page"
        print(f"headline: stroke to chart in Chromium, {wiring} (median) | {median:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
