"""From the pen to the chart, measured inside the page: headless Chromium, the page's own clock.

    python -m benchmarks.stroke_latency [--drawings 16] [--seconds 1.2] [--pages 1] [--replayed 0]
                                        [--inside-open] [--wiring live before gradio-default]

For each wiring, starts an app on a free port, draws digits with the mouse (each stroke about
--seconds long, a steady hand), clearing in between, and reads what an init script recorded with
`performance.now()`: each pointerdown and pointerup, and each change of the chart's text. Per drawing:
the time from the last pointerup to the final answer appearing on the chart (0 when it was already
there, from an answer while the pen moved), the time to the last answer drawn in the chart (the
answer to the whole drawing, even when it shows what was already there), and how many times the
chart changed while a stroke was being drawn, and (this page) whether the chart ended on the server's
answer to the drawing as it ended (whatever the mouse managed to draw). With --inside-open, also how
long after the chart's last answer the inside view showed the same drawing. The wirings:
- live: this page (app.py): answers while the pen moves, on the drawing's own route (`read_drawing`) off Gradio's
  queue, whose answer to a finished drawing carries the verdict;
- before: the page as it was before live drawing (commit BEFORE, run from git): answers after each
  stroke, through the queue, and a second queued request per answer for the inside view;
- gradio-default: Gradio's default sketchpad wiring (benchmarks/baseline_app.py).
With --pages N, N pages draw at the same time on one server, each in its own context (as separate
visitors) of one headless Chromium; the server's CPU time per drawing is printed too. The mouse moves
once per frame (`harness.page.FRAME`), as a browser hands a real mouse's moves to a page.
With --replayed N (this page only), N more visitors draw at the same time without a browser: each sends
over HTTP what page.js sends for a drawing (the drawing so far, half size, one answer in flight, at the
pace the server's answers set while the pen moves: `next_ms`, at most one every LIVE_MS; the whole drawing
to `read_drawing`, whose answer carries the verdict, when it ends; the empty canvas when it is cleared), so
the server carries all the visitors while this machine renders only the measured pages' canvases.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch
from playwright.sync_api import sync_playwright

from harness.bench import percentile
from harness.page import CHROMIUM_FLAGS, QUIET, clear_canvas, draw_digit, drawing_picture, open_page, settle, top_label
from harness.server import ROOT, answers, app_at, cpu_seconds, free_port, start_app, stop_app
from harness.visitors import Strokes, Visitor
from harness.wire import read_drawing

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py", "webpage/page.js", "webpage/page.css", "webpage/chart.css")
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")

BEFORE = "111598a"
"""The last commit of the page before live drawing."""
DIGITS = (7, 0, 2, 3, 1, 9, 6, 8)  # drawn in one stroke each
WIRINGS = {
    "live": lambda: ("app.py",),
    "before": lambda: app_at(BEFORE),
    "gradio-default": lambda: ("-m", "benchmarks.baseline_app"),
}


def draw_and_time(page, url: str, digit: int, seconds: float, wiring: str) -> dict:
    # Gradio's own sketchpad ignores strokes until its brush is picked (and again after clear)
    if wiring == "gradio-default":
        brush = page.locator("#sketchpad button[aria-label='Brush']")
        if brush.count():
            brush.first.click()
    since = page.evaluate("performance.now()")
    draw_digit(page, digit, seconds=seconds)
    timings = settle(page, since)
    own = None
    if wiring == "live":  # does the chart show the answer to the drawing as it ended (whatever the mouse drew)?
        answer = read_drawing(url, drawing_picture(page))
        digits = answer.detail[0]["digits"] if answer.kind == "answer" else None
        # the chart shows one digit's bars, or none for a number or an empty canvas
        own = digits is not None and (top_label(page) or "") == (str(digits[0]["digit"]) if len(digits) == 1 else "")
    clear_canvas(page)
    time.sleep(QUIET)
    return {**timings, "digit": digit, "own": own}


def one_page(url: str, drawings: int, seconds: float, browser_at: str, wiring: str, inside_open: bool,
             results: list) -> None:
    with sync_playwright() as p:  # Playwright's sync objects serve one thread: each page connects on its own
        browser = p.chromium.connect_over_cdp(browser_at)
        page = open_page(browser, url)
        if inside_open:
            page.locator("#feature-maps").get_by_text("Inside the CNN").click()
        for i in range(drawings + 1):
            timings = draw_and_time(page, url, DIGITS[i % len(DIGITS)], seconds, wiring)
            if i > 0:  # the first warms up the page and the server
                results.append(timings)
        page.context.close()


def replayed_visitor(url: str, seconds: float, stop: threading.Event, counts: dict, lock: threading.Lock,
                     strokes: Strokes) -> None:
    """Draw digits as page.js would send them, one after another, until `stop`; count drawings and failures."""
    visitor = Visitor(url, strokes)
    while not stop.is_set():
        for digit in DIGITS:
            drawing = visitor.draw(digit, seconds)
            with lock:
                counts["drawings"] += 1
                counts["failed"] += len(drawing.errors)
            if stop.is_set():
                return


def inside_behind(results: list[dict]) -> str:
    """p50 / p95 of how long after the chart's last answer the inside view showed the drawing; "-" if it never did."""
    behind = [r["inside_behind_ms"] for r in results if r["inside_behind_ms"] is not None]
    if not behind:
        return "-"
    missed = f" ({len(results) - len(behind)} never)" if len(behind) < len(results) else ""
    return f"{statistics.median(behind):.0f} / {percentile(behind, 0.95):.0f} ms{missed}"


def gpu_process_cpu() -> float:
    """CPU seconds so far of Chromium's GPU processes (with no GPU here, they draw every page's canvas in software,
    with SwiftShader); a process's title holds its --type."""
    total = 0.0
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if b"--type=gpu-process" in (folder / "cmdline").read_bytes():
                total += cpu_seconds(int(folder.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return total


def measure(wiring: str, args) -> dict:
    process, url = start_app(command=WIRINGS[wiring](), env={"PYTHONPATH": str(ROOT)})
    port = free_port()
    browser = subprocess.Popen([args.chromium, "--headless", f"--remote-debugging-port={port}", *CHROMIUM_FLAGS,
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser_at = f"http://127.0.0.1:{port}"
    results: list[dict] = []
    try:
        if not answers(f"{browser_at}/json/version", browser, timeout=30):
            raise SystemExit(f"{args.chromium} did not listen for DevTools on port {port} within 30 s")
        cpu, gpu, started = cpu_seconds(process.pid), gpu_process_cpu(), time.perf_counter()
        stop, lock, counts = threading.Event(), threading.Lock(), {"drawings": 0, "failed": 0}
        strokes = Strokes(DIGITS)
        replayed = [threading.Thread(target=replayed_visitor, args=(url, args.seconds, stop, counts, lock, strokes))
                    for _ in range(args.replayed if wiring == "live" else 0)]
        pages = [threading.Thread(target=one_page, args=(url, args.drawings, args.seconds, browser_at, wiring,
                                                         args.inside_open, results))
                 for _ in range(args.pages)]
        for thread in replayed + pages:
            thread.start()
        for page in pages:
            page.join()
        stop.set()
        for thread in replayed:
            thread.join()
        cpu = cpu_seconds(process.pid) - cpu
        wall, gpu = time.perf_counter() - started, gpu_process_cpu() - gpu
    finally:
        browser.terminate()
        browser.wait()
        stop_app(process)
    drawings = len(results) + counts["drawings"]
    return {"results": results, "cpu_ms": 1000 * cpu / max(1, drawings), "replayed": counts,
            "shares": (cpu / wall, gpu / wall)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", type=int, default=16, help="drawings per page, after one to warm up")
    parser.add_argument("--seconds", type=float, default=1.2, help="how long each stroke takes")
    parser.add_argument("--pages", type=int, default=1, help="pages drawing at the same time (one browser)")
    parser.add_argument("--replayed", type=int, default=0,
                        help="more visitors drawing at the same time, replayed over HTTP as page.js sends (live only)")
    parser.add_argument("--inside-open", action="store_true", help="with the inside-the-CNN view open")
    parser.add_argument("--wiring", nargs="+", choices=list(WIRINGS), default=list(WIRINGS))
    parser.add_argument("--chromium", default=os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium"))
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; Chromium headless; "
          f"Python {sys.version.split()[0]}")
    print(f"command: python -m benchmarks.stroke_latency --drawings {args.drawings} --seconds {args.seconds:g} "
          f"--pages {args.pages}" + f" --replayed {args.replayed}" * bool(args.replayed)
          + " --inside-open" * args.inside_open + f" --wiring {' '.join(args.wiring)}")
    columns = ["wiring", "drawings", "answered right", "ended on its own drawing's answer",
               "pen up to final answer, p50", "p95", "to last answer drawn, p50", "p95",
               "chart updates during a stroke, median", "server CPU per drawing"]
    columns += ["inside view behind the chart, p50 / p95"] * args.inside_open
    print("\n| " + " | ".join(columns) + " |\n| --- |" + " ---: |" * (len(columns) - 1))
    headlines, notes = [], []
    for wiring in args.wiring:
        measured = measure(wiring, args)
        results = measured["results"]
        final = [r["final_ms"] for r in results]
        right = sum(r["answer"] == str(r["digit"]) for r in results)
        during = statistics.median(r["during"] for r in results)
        drawn = [r["drawn_ms"] for r in results]
        own = sum(bool(r["own"]) for r in results) if wiring == "live" else "-"
        inside = inside_behind(results) if args.inside_open else ""
        print(f"| {wiring} | {len(results)} | {right} | {own} | {statistics.median(final):.0f} ms "
              f"| {percentile(final, 0.95):.0f} ms | {statistics.median(drawn):.0f} ms "
              f"| {percentile(drawn, 0.95):.0f} ms "
              f"| {during:g} | {measured['cpu_ms']:.0f} ms |" + (f" {inside} |" if args.inside_open else ""),
              flush=True)
        server, gpu = measured["shares"]
        notes.append(f"{wiring}: while the pages drew, the server used {server * 100:.0f} % of one core and "
                     f"Chromium's GPU process {gpu * 100:.0f} %")
        if args.replayed and wiring == "live":
            replayed = measured["replayed"]
            notes.append(f"meanwhile {args.replayed} replayed visitors drew {replayed['drawings']} digits; requests "
                         f"that failed: {replayed['failed']}")
        headlines.append((wiring, f"{statistics.median(final):.0f} / {percentile(final, 0.95):.0f} ms (last answer "
                                  f"drawn {statistics.median(drawn):.0f} / {percentile(drawn, 0.95):.0f} ms); "
                                  f"{during:g} updates" + (f"; inside view {inside} behind" if inside else "")))
    print("\n" + "\n".join(notes))
    setting = f"{args.pages} pages at once" if args.pages > 1 else "one page"
    setting += f" among {args.replayed} more visitors drawing (replayed)" * bool(args.replayed)
    setting += ", inside view open" * args.inside_open
    names = {"live": "this page", "before": "the page before live drawing", "gradio-default": "Gradio's default wiring"}
    for wiring, figures in headlines:
        print(f"headline: pen up to final answer in Chromium, {names[wiring]}, {setting} (p50 / p95; chart updates "
              f"during a {args.seconds:g} s stroke) | {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
